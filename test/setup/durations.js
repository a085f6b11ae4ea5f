// Rewrites test/durations.json (seconds per test file, longest first) from a vitest JSON report:
//   npx vitest run --reporter=json --outputFile=/tmp/report.json && node test/setup/durations.js /tmp/report.json
import { existsSync, readFileSync, writeFileSync } from 'node:fs'

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const root = new URL('../..', import.meta.url).pathname
// The report may come from another checkout (CI's clean clone): name each file by its path under this repository.
const local = (name) => {
  for (let i = name.indexOf('/test/'); i >= 0; i = name.indexOf('/test/', i + 1)) if (existsSync(root + name.slice(i + 1))) return name.slice(i + 1)
  return name
}
// The image build reuses buildah's layer cache on a developer machine (about 1 minute) but builds from nothing on a
// clean CI machine (about 6): it keeps the longer of its old and new times, so it still starts first in CI.
const CACHED = new Set(['test/ops/image.test.ts'])
const old = JSON.parse(readFileSync(new URL('../durations.json', import.meta.url), 'utf8'))
const rows = report.testResults
  .map((f) => [local(f.name), Math.round((f.endTime - f.startTime) / 1000)])
  .map(([name, s]) => [name, CACHED.has(name) ? Math.max(s, old[name] ?? 0) : s])
  .sort((a, b) => b[1] - a[1])
writeFileSync(new URL('../durations.json', import.meta.url), `${JSON.stringify(Object.fromEntries(rows), null, 0).replaceAll(',"', ',\n"')}\n`)
console.log(`${rows.length} files`)

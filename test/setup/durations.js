// Rewrites test/durations.json (seconds per test file, longest first) from the times test/setup/durations-reporter.ts
// writes (hooks included):
//   WAIAAS_DURATIONS_OUT=/tmp/d.json npx vitest run --reporter=default --reporter=./test/setup/durations-reporter.ts
//   node test/setup/durations.js /tmp/d.json
// A vitest JSON report is read too, but it leaves out the time of a file's beforeAll.
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
const measured = Array.isArray(report.testResults)
  ? report.testResults.map((f) => [f.name, f.endTime - f.startTime])
  : Object.entries(report)
const rows = measured
  .map(([name, ms]) => [local(name), Math.round(ms / 1000)])
  .map(([name, s]) => [name, CACHED.has(name) ? Math.max(s, old[name] ?? 0) : s])
  .sort((a, b) => b[1] - a[1])
writeFileSync(new URL('../durations.json', import.meta.url), `${JSON.stringify(Object.fromEntries(rows), null, 0).replaceAll(',"', ',\n"')}\n`)
console.log(`${rows.length} files`)

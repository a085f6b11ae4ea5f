// Rewrites test/durations.json (seconds per test file, longest first) from a vitest JSON report:
//   npx vitest run --reporter=json --outputFile=/tmp/report.json && node test/setup/durations.js /tmp/report.json
import { readFileSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const root = new URL('../..', import.meta.url).pathname
const rows = report.testResults
  .map((f) => [relative(root, f.name), Math.round((f.endTime - f.startTime) / 1000)])
  .sort((a, b) => b[1] - a[1])
writeFileSync(new URL('../durations.json', import.meta.url), `${JSON.stringify(Object.fromEntries(rows), null, 0).replaceAll(',"', ',\n"')}\n`)
console.log(`${rows.length} files`)

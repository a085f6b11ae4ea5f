/**
 * A vitest reporter that writes each test file's time, hooks included, to $WAIAAS_DURATIONS_OUT as `{ file: ms }`:
 *   WAIAAS_DURATIONS_OUT=/tmp/d.json npx vitest run --reporter=default --reporter=./test/setup/durations-reporter.ts
 *   node test/setup/durations.js /tmp/d.json
 * vitest's JSON report times a file from its first test to its last, so a file doing its work in `beforeAll` (such as
 * e2e/spawn-per-command, 110 CLI processes) read as 0 s and was scheduled last, where it ran alone as the tail.
 */
import { writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'

export default class DurationsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const out = process.env.WAIAAS_DURATIONS_OUT
    if (out === undefined || out === '') return
    const rows = modules.map((m) => {
      const d = m.diagnostic()
      return [relative(m.project.config.root, m.moduleId), Math.round(d.collectDuration + d.duration)] as const
    })
    writeFileSync(out, `${JSON.stringify(Object.fromEntries(rows))}\n`)
  }
}

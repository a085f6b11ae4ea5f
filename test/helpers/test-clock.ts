/**
 * The test clock (`lib/clock.ts`) seen from a test: the file a daemon reads its time from (`env.testClockFile` for an
 * in-process daemon, WAIAAS_TEST_CLOCK_FILE with WAIAAS_TEST_HOOKS=1 for a spawned one), the time it reads, and a way
 * to move that time forward, so that a test jumps over a delay, an approval TTL or a backoff instead of sleeping.
 * The daemon sees the jump at its next read (the pipeline's next sweep tick).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileClock } from '../../src/lib/clock.js'

export interface TestClock {
  /** The offset file; hand it to the daemon. */
  readonly file: string
  /** The daemon's time now (ms since the epoch). */
  now(): number
  /** Moves the daemon's time forward by `ms`. */
  advance(ms: number): void
}

/**
 * A test clock whose offset file lives in `dir` (starts at the wall clock: offset 0); without `dir`, in a new temporary
 * folder that the process removes when it exits.
 */
export function testClock(dir?: string): TestClock {
  if (dir === undefined) {
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-clock-'))
    process.once('exit', () => fs.rmSync(own, { recursive: true, force: true }))
    dir = own
  }
  const file = path.join(dir, 'test-clock')
  fs.writeFileSync(file, '0', { mode: 0o600 })
  const read = fileClock(file)
  return {
    file,
    now: read,
    advance(ms) {
      const offset = Number(fs.readFileSync(file, 'utf8').trim() || '0')
      // Written aside and renamed: the daemon never reads a half-written (empty, so zero) offset.
      fs.writeFileSync(`${file}.next`, String(offset + Math.ceil(ms)), { mode: 0o600 })
      fs.renameSync(`${file}.next`, file)
    },
  }
}

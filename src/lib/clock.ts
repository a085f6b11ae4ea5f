/**
 * The clock agent sessions are measured by (their expiry, and when `waiaas mcp` renews one): the wall clock, or in
 * tests (WAIAAS_TEST_HOOKS=1 with WAIAAS_TEST_CLOCK_FILE) the wall clock moved by the milliseconds written in that
 * file, read again at every call, so that a test moves the daemon's and `waiaas mcp`'s time together instead of
 * sleeping for days.
 */
import fs from 'node:fs'
import { WaiaasError } from './errors.js'

/** Milliseconds since the epoch. */
export type Clock = () => number

export const wallClock: Clock = () => Date.now()

/** The wall clock plus the offset in `file` (a whole number of ms; a missing or empty file is 0). */
export function fileClock(file: string): Clock {
  return () => {
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8').trim()
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Date.now()
      throw err
    }
    const offset = text === '' ? 0 : Number(text)
    if (!Number.isSafeInteger(offset)) {
      throw new WaiaasError('INPUT_INVALID', `WAIAAS_TEST_CLOCK_FILE must hold a whole number of milliseconds`, { details: { variable: 'WAIAAS_TEST_CLOCK_FILE' } })
    }
    return Date.now() + offset
  }
}

/** The clock of a process: the test clock when the environment set one (test hooks only), else the wall clock. */
export function clockOf(env: { testClockFile?: string | undefined }): Clock {
  return env.testClockFile === undefined ? wallClock : fileClock(env.testClockFile)
}

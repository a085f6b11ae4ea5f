/**
 * Vitest global setup, after the chains: when `.ci/run` is compiling better-sqlite3 in the background (it installs
 * with `npm ci --ignore-scripts` and builds SQLite beside `npm run build`, see .ci/native-build.sh), wait here until
 * that compile has finished, so no test opens a database before the addon exists. WAIAAS_NATIVE_AHEAD names the
 * directory where the build leaves `status` (its exit code, written last) and `build.log`. Unset (a developer's
 * `npm test` after a plain `npm ci`), this does nothing.
 */
import { jobResult } from '../helpers/background-job.js'

export default async function setup(): Promise<void> {
  const dir = process.env.WAIAAS_NATIVE_AHEAD
  if (dir === undefined || dir === '') return
  // The compile takes about a minute here; 15 minutes means it is stuck, and the run says so rather than hang.
  const { status, log } = await jobResult(dir, 'build.log', { deadlineMs: 15 * 60_000 })
  if (status !== '0') throw new Error(`building the native addons failed (exit ${status}):\n${log.slice(-4000)}`)
}

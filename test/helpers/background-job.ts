/**
 * The protocol of the jobs .ci/run starts in the background (test/ops/image-build.sh, .ci/native-build.sh): each
 * writes its logs into a folder, then `status` (its exit code) last, by rename. `jobResult` waits for that file and
 * returns the code with the job's log, so the caller can show the log when the code is not 0.
 */
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface JobResult {
  /** The job's exit code, as written ('0' on success). */
  status: string
  /** The text of `logFile` in the folder ('' when absent). */
  log: string
}

/** Waits (polling every `pollMs`) for `dir/status`; past `deadlineMs` it throws, naming the log to read. */
export async function jobResult(dir: string, logFile: string, opts: { deadlineMs?: number; pollMs?: number } = {}): Promise<JobResult> {
  const statusFile = path.join(dir, 'status')
  const logPath = path.join(dir, logFile)
  const deadline = Date.now() + (opts.deadlineMs ?? Number.POSITIVE_INFINITY)
  while (!fs.existsSync(statusFile)) {
    if (Date.now() > deadline) throw new Error(`${dir}: no status after ${Math.round((opts.deadlineMs ?? 0) / 60_000)} minutes (see ${logPath})`)
    await sleep(opts.pollMs ?? 250)
  }
  return { status: fs.readFileSync(statusFile, 'utf8').trim(), log: fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : '' }
}

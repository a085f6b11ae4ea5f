/**
 * Small helpers for the end-to-end tests, on top of ./cli.ts: a per-data-dir runner that always passes --json,
 * checks the one-envelope rule on every run and keeps a transcript; assertions on envelopes; directory snapshots;
 * and bounded polling.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { expect } from 'vitest'
import { cliEnv, runCli, stopDaemon, type CliResult } from './cli.js'

export const MASTER_PASSWORD = 'correct horse battery staple'

export interface Runner {
  dataDir: string
  /** Every stdout and stderr this runner has seen, for "never printed" checks. */
  transcript: string[]
  /** Runs `waiaas ...args --json` and checks that stdout is exactly one envelope whose `ok` matches the exit code. */
  run(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number; spawn?: boolean }): Promise<CliResult>
}

export function runner(dataDir: string, baseEnv: Record<string, string> = {}): Runner {
  const transcript: string[] = []
  return {
    dataDir,
    transcript,
    async run(args, opts = {}) {
      const r = await runCli([...args, '--json'], { env: cliEnv(dataDir, { ...baseEnv, ...opts.env }), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.spawn === true ? { spawn: true } : {}) })
      transcript.push(r.stdout, r.stderr)
      const where = `waiaas ${args.join(' ')}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`
      expect(r.stdout.endsWith('\n') && r.stdout.trim().split('\n').length === 1, `one line on stdout: ${where}`).toBe(true)
      expect(r.json, `a JSON envelope on stdout: ${where}`).toBeDefined()
      expect(typeof r.json?.ok, where).toBe('boolean')
      expect(r.json?.ok === true, `ok matches exit code 0: ${where}`).toBe(r.code === 0)
      if (r.json?.ok === false) {
        const e = r.json.error
        expect(e, where).toBeDefined()
        expect(typeof e?.code, where).toBe('string')
        expect(typeof e?.message, where).toBe('string')
        expect(typeof e?.hint, where).toBe('string')
        expect(e?.details !== null && typeof e?.details === 'object', `error.details is an object: ${where}`).toBe(true)
      }
      return r
    },
  }
}

function describeRun(r: CliResult): string {
  return `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`
}

/** Asserts success (exit 0, ok envelope) and returns `data`. */
export function ok<T = any>(r: CliResult): T {
  expect(r.json?.ok, describeRun(r)).toBe(true)
  expect(r.code, describeRun(r)).toBe(0)
  return r.json?.data as T
}

/** Asserts a failure with this error code and exit code, and returns the error payload. */
export function fails(r: CliResult, code: string, exit: number): { code: string; message: string; details: Record<string, any>; hint: string } {
  expect(r.json?.ok, describeRun(r)).toBe(false)
  expect(r.json?.error?.code, describeRun(r)).toBe(code)
  expect(r.code, describeRun(r)).toBe(exit)
  return r.json!.error! as { code: string; message: string; details: Record<string, any>; hint: string }
}

/** File mode bits (permissions only). */
export function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777
}

export interface EntrySnapshot {
  type: 'file' | 'dir' | 'socket' | 'other'
  mode: number
  size: number
  mtimeMs: number
  sha256: string | null
}

/** Everything under `dir` (recursively): type, mode, size, mtime and content hash of each entry, keyed by path. */
export function snapshotDir(dir: string): Record<string, EntrySnapshot> {
  const out: Record<string, EntrySnapshot> = {}
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name)
      const st = fs.lstatSync(p)
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSocket() ? 'socket' : 'other'
      out[path.relative(dir, p)] = {
        type,
        mode: st.mode & 0o777,
        size: type === 'dir' ? 0 : st.size,
        mtimeMs: st.mtimeMs,
        sha256: type === 'file' ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : null,
      }
      if (type === 'dir') walk(p)
    }
  }
  walk(dir)
  return out
}

/** Resolves true when connecting to the socket is refused or the path is gone (nobody listens). */
export function socketRefuses(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath)
    s.once('connect', () => {
      s.destroy()
      resolve(false)
    })
    s.once('error', (err: NodeJS.ErrnoException) => {
      s.destroy()
      resolve(err.code === 'ECONNREFUSED' || err.code === 'ENOENT')
    })
  })
}

/** Polls `cond` every 20 ms until it is true; throws after `timeoutMs`. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await cond()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/**
 * `stopDaemon`, then, if the daemon named in the pid file read beforehand still lives (say the CLI could not run
 * because dist/ was being rebuilt), SIGTERM to that pid, so a test never leaves a daemon behind.
 */
export async function stopDaemonSurely(dataDir: string): Promise<void> {
  let pid: number | undefined
  try {
    const v = JSON.parse(fs.readFileSync(path.join(dataDir, 'daemon.pid'), 'utf8')) as { pid?: unknown }
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && v.pid !== process.pid) pid = v.pid
  } catch {
    // no daemon recorded
  }
  await stopDaemon(dataDir).catch(() => undefined)
  if (pid === undefined) return
  try {
    process.kill(pid, 0)
  } catch {
    return
  }
  process.kill(pid, 'SIGTERM')
}

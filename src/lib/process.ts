/** Facts about a daemon process and its socket, read without trusting either: shared by the CLI and the daemon. */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import { childEnv } from './child-env.js'

export interface PidInfo {
  pid: number
  version: string
  socket: string
  startedAt: string
}

/** True when a process with this pid exists (EPERM means it exists but is not ours), a zombie included. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * True when the process exists and has not exited. A zombie has exited: it only waits for its parent to collect its
 * status, which for an orphan (an anvil whose daemon was killed) is the init process, whenever that gets to it, and
 * kill(pid, 0) still succeeds on it. (processAlive keeps counting it: its pid is not free, and a daemon's socket may
 * still be closing.)
 */
export function processRunning(pid: number): boolean {
  return processAlive(pid) && processIdentity(pid) !== undefined
}


/** Reads the pid file; undefined when missing or unreadable garbage (which is treated as stale). */
export function readPidFile(file: string): PidInfo | undefined {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    const v = JSON.parse(text) as Partial<PidInfo>
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0) return v as PidInfo
  } catch {
    // fall through: a torn or foreign file is stale
  }
  return { pid: 0, version: '', socket: '', startedAt: '' }
}

/** Resolves true when something accepts connections on the socket path. */
export function socketAnswers(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath)
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      s.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(true), timeoutMs) // accepted but silent: something lives there
    s.once('connect', () => done(true))
    s.once('error', () => done(false))
  })
}


/** What tells a process apart from a later one that got the same pid: when it started, and its command line. */
export interface ProcessIdentity {
  /** Linux: clock ticks after boot (/proc/<pid>/stat field 22); elsewhere `ps -o lstart`. Compared, never parsed. */
  startTime: string
  argv: string[]
}

/**
 * The identity of a live process, or undefined when it is gone (or a zombie). Recorded with a pid we may signal
 * later, and compared before trusting or killing that pid: pids are reused.
 */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      // Fields after "(comm)": state is field 3, starttime field 22. comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const startTime = fields[19]
      if (fields[0] === 'Z' || startTime === undefined) return undefined
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
      if (argv.at(-1) === '') argv.pop()
      return { startTime, argv }
    } catch {
      return undefined
    }
  }
  try {
    // lstart is a fixed 24 characters ("Mon Dec  6 22:29:00 2026"); the command follows.
    const out = execFileSync('ps', ['-o', 'lstart=', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8', env: childEnv('tool'), stdio: ['ignore', 'pipe', 'ignore'] })
    if (out.trim() === '') return undefined
    return { startTime: out.slice(0, 24).trim(), argv: out.slice(24).trim().split(/\s+/) }
  } catch {
    return undefined
  }
}

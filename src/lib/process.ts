/** Facts about a daemon process and its socket, read without trusting either: shared by the CLI and the daemon. */
import fs from 'node:fs'
import net from 'node:net'

export interface PidInfo {
  pid: number
  version: string
  socket: string
  startedAt: string
}

/** True when a process with this pid exists (EPERM means it exists but is not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
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


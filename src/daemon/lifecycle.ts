/**
 * Claiming the pid file and the socket without ever stealing them from a live daemon, and cleaning up after a
 * dead one. The socket bind is the final mutex (bind on an existing path fails), the pid file records who holds it.
 */
import fs from 'node:fs'
import net from 'node:net'
import { WaiaasError } from '../lib/errors.js'

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

function alreadyRunning(info: PidInfo | undefined, pidFile: string): WaiaasError {
  return new WaiaasError('DAEMON_ALREADY_RUNNING', `A daemon is already running${info?.pid ? ` (pid ${info.pid})` : ''}`, {
    details: { pid: info?.pid ?? null, pidFile },
  })
}

/**
 * Creates the pid file exclusively. A pid file left by a dead process is moved aside and removed; one whose
 * process lives is never touched.
 */
export async function claimPidFile(pidFile: string, info: PidInfo): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(pidFile, 'wx', 0o600)
      fs.writeSync(fd, JSON.stringify(info))
      fs.closeSync(fd)
      return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const existing = readPidFile(pidFile)
    if (existing && existing.pid > 0 && existing.pid !== process.pid && processAlive(existing.pid)) {
      // A live pid may be a recycled number; only a socket that answers proves a daemon.
      if (existing.socket === '' || (await socketAnswers(existing.socket))) throw alreadyRunning(existing, pidFile)
    }
    // Stale: move it aside under a unique name, then make sure what we moved is what we judged stale.
    const aside = `${pidFile}.stale.${process.pid}`
    try {
      fs.renameSync(pidFile, aside)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw err
    }
    const moved = readPidFile(aside)
    if (moved?.pid !== existing?.pid) {
      // Another daemon claimed the file between our read and our rename: give it back and yield.
      try {
        fs.linkSync(aside, pidFile)
      } catch {
        // it has already been replaced; either way someone else is starting
      }
      fs.rmSync(aside, { force: true })
      throw alreadyRunning(moved, pidFile)
    }
    fs.rmSync(aside, { force: true })
  }
  throw alreadyRunning(readPidFile(pidFile), pidFile)
}

/** Removes the pid file only if it still names this process. */
export function releasePidFile(pidFile: string): void {
  const info = readPidFile(pidFile)
  if (info?.pid === process.pid) fs.rmSync(pidFile, { force: true })
}

/** Listens on the Unix socket; a leftover socket nobody answers on is removed, a live one is never stolen. */
export async function listenSocket(server: net.Server, socketPath: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error): void => {
          server.off('listening', onListening)
          reject(err)
        }
        const onListening = (): void => {
          server.off('error', onError)
          resolve()
        }
        server.once('error', onError)
        server.once('listening', onListening)
        server.listen(socketPath)
      })
      fs.chmodSync(socketPath, 0o600)
      return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 0) throw err
      if (await socketAnswers(socketPath)) throw alreadyRunning(undefined, socketPath)
      fs.rmSync(socketPath, { force: true })
    }
  }
}

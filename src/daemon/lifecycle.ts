/**
 * Claiming the pid file and the socket without ever stealing them from a live daemon, and cleaning up after a
 * dead one. The socket bind is the final mutex (bind on an existing path fails), the pid file records who holds it.
 */
import fs from 'node:fs'
import type net from 'node:net'
import { WaiaasError } from '../lib/errors.js'
import { processAlive, readPidFile, socketAnswers, type PidInfo } from '../lib/process.js'

function alreadyRunning(info: PidInfo | undefined, pidFile: string): WaiaasError {
  return new WaiaasError('DAEMON_ALREADY_RUNNING', `A daemon is already running${info?.pid ? ` (pid ${info.pid})` : ''}`, {
    details: { pid: info?.pid ?? null, pidFile },
  })
}

/** How long a live process that holds the pid file but does not answer yet may take to finish starting. */
const START_GRACE_MS = 30_000

/**
 * Whether the process named in a pid file is a daemon that runs or is starting. A socket that answers proves it.
 * A pid equal to ours cannot be another daemon (in a container the daemon often gets the same pid after a
 * restart). Any other live pid may be a daemon still opening its database, or a recycled number: wait until it
 * answers or dies, and after the grace period treat it as recycled.
 */
async function holderIsLive(existing: PidInfo, socket: string): Promise<boolean> {
  if (await socketAnswers(socket)) return true
  if (existing.pid === process.pid) return false
  const deadline = Date.now() + START_GRACE_MS
  while (processAlive(existing.pid) && Date.now() < deadline) {
    if (await socketAnswers(socket)) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
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
    if (existing && existing.pid > 0 && (await holderIsLive(existing, info.socket))) throw alreadyRunning(existing, pidFile)
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

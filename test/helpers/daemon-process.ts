/**
 * The daemon as a real separate process (`bin/run.js daemon start --foreground`), for tests that must see it die:
 * spawn it on a data dir, wait for its handshake, talk to it through the real socket, and learn how it exited.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import type { DaemonClient } from '../../src/cli/client.js'
import { WaiaasError } from '../../src/lib/errors.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { resolvePaths, type Paths } from '../../src/lib/paths.js'
import { BIN, cliEnv } from './cli.js'

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface DaemonProcess {
  child: ChildProcess
  pid: number
  paths: Paths
  /** A greeted client on the daemon's socket. */
  client: DaemonClient
  /** Settles when the process has exited, with its exit code or the signal that ended it. */
  exited: Promise<Exit>
  /** What the process wrote to stdout and stderr so far (log lines are echoed to stderr). */
  output(): string
  /** SIGTERM (a clean shutdown) and wait for the exit; a no-op once it has exited. */
  stop(timeoutMs?: number): Promise<Exit>
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Starts `waiaas daemon start --foreground` on `dataDir` with only the given WAIAAS_* variables (plus the data dir)
 * and resolves once it answers the handshake. Rejects, with its output, when it exits first or does not answer.
 */
export async function spawnDaemon(dataDir: string, opts: { passwordFile?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<DaemonProcess> {
  const paths = resolvePaths(dataDir)
  const args = [BIN, 'daemon', 'start', '--foreground', ...(opts.passwordFile !== undefined ? ['--password-file', opts.passwordFile] : [])]
  const child = spawn(process.execPath, args, { env: cliEnv(dataDir, opts.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d))
  let exit: Exit | undefined
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal }
      resolve(exit)
    })
  })
  const stop = async (timeoutMs = 15_000): Promise<Exit> => {
    if (exit !== undefined) return exit
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    try {
      return await exited
    } finally {
      clearTimeout(timer)
    }
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000)
  let last: unknown
  for (;;) {
    if (exit !== undefined) throw new Error(`the daemon exited during start-up (${exit.signal ?? `exit code ${exit.code}`})\n${out}`)
    if (fs.existsSync(paths.socket)) {
      try {
        const client = await connectExisting(paths)
        if (child.pid === undefined) throw new Error('spawned daemon has no pid')
        return { child, pid: child.pid, paths, client, exited, output: () => out, stop }
      } catch (err) {
        // A stale socket left by a killed daemon refuses until the new one listens.
        if (!(err instanceof WaiaasError) || !['DAEMON_NOT_RUNNING', 'DAEMON_UNREACHABLE'].includes(err.code)) {
          await stop()
          throw err
        }
        last = err
      }
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`the daemon did not answer within ${opts.timeoutMs ?? 30_000} ms (${String(last)})\n${out}`)
    }
    await sleep(25)
  }
}

/** Resolves with the exit, or rejects when the process is still alive after `timeoutMs`. */
export async function exitWithin(p: DaemonProcess, timeoutMs: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`daemon pid ${p.pid} still alive after ${timeoutMs} ms\n${p.output()}`)), timeoutMs)
  })
  try {
    return await Promise.race([p.exited, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** The daemon's log file, for failure messages ('' when there is none yet). */
export function daemonLog(paths: Paths): string {
  try {
    return fs.readFileSync(paths.logFile, 'utf8')
  } catch {
    return ''
  }
}

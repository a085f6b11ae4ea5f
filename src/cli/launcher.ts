/**
 * Finding the daemon, starting it when it is absent, and restarting it when it runs another version.
 * The daemon is spawned detached with its output appended to the log file; readiness is a completed handshake.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { childEnv, passwordForDaemon } from '../lib/child-env.js'
import { DaemonClient, unreachable } from './client.js'
import type { Output } from '../lib/contract/index.js'
import { WaiaasError } from '../lib/errors.js'
import { packagePath } from '../lib/package.js'
import { ensureDataDirs, openPrivateForAppend, type Paths } from '../lib/paths.js'
import { processAlive, readPidFile, socketAnswers } from '../lib/process.js'
import { VERSION } from '../lib/version.js'
import { PROTOCOL_VERSION } from '../lib/wire.js'

const START_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 10_000
const BIN = packagePath('bin', 'run.js')

export interface ConnectOptions {
  /** Start the daemon when none answers (default true). */
  autoStart?: boolean
  /** Called once when the launcher starts (or restarts) the daemon, for a spinner or a note on stderr. */
  onStart?: (why: 'absent' | 'version') => void
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** True for the errors that mean "nobody is listening", as opposed to a broken or foreign socket. */
function isAbsent(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code
  return code === 'ENOENT' || code === 'ECONNREFUSED'
}

/** Connects and completes the handshake; the daemon's hello is returned with the client. */
async function connectAndGreet(paths: Paths): Promise<{ client: DaemonClient; hello: Output<'system.hello'> }> {
  const client = await DaemonClient.open(paths.socket)
  try {
    const hello = await client.call('system.hello', { protocol: PROTOCOL_VERSION, version: VERSION, client: 'cli' })
    return { client, hello }
  } catch (err) {
    client.close()
    throw err
  }
}

/** Connects to a running daemon without starting one; DAEMON_NOT_RUNNING when there is none. */
export async function connectExisting(paths: Paths): Promise<DaemonClient> {
  try {
    const { client, hello } = await connectAndGreet(paths)
    if (hello.version !== VERSION || hello.protocol !== PROTOCOL_VERSION) {
      client.close()
      throw versionMismatch(hello.version, hello.pid, hello.managed)
    }
    return client
  } catch (err) {
    if (isAbsent(err)) throw notRunning(paths)
    if (err instanceof WaiaasError) throw err
    throw unreachable(paths.socket, err)
  }
}

/**
 * Returns a greeted client, starting the daemon when it is absent and restarting a CLI-started daemon of another
 * version. A daemon of another version that runs under a supervisor is not touched: DAEMON_VERSION_MISMATCH.
 */
export async function connectDaemon(paths: Paths, opts: ConnectOptions = {}): Promise<DaemonClient> {
  try {
    const { client, hello } = await connectAndGreet(paths)
    if (hello.version === VERSION && hello.protocol === PROTOCOL_VERSION) return client
    if (!hello.managed || opts.autoStart === false) {
      client.close()
      throw versionMismatch(hello.version, hello.pid, hello.managed)
    }
    await client.call('system.shutdown', {}).catch(() => undefined)
    client.close()
    await waitForExit(paths, hello.pid)
    opts.onStart?.('version')
  } catch (err) {
    if (err instanceof WaiaasError) throw err
    if (!isAbsent(err)) throw unreachable(paths.socket, err)
    if (opts.autoStart === false) throw notRunning(paths)
    opts.onStart?.('absent')
  }
  return startAndConnect(paths)
}

function versionMismatch(daemonVersion: string, pid: number, managed: boolean): WaiaasError {
  return new WaiaasError('DAEMON_VERSION_MISMATCH', `The running daemon is version ${daemonVersion}; this CLI is ${VERSION}`, {
    details: { daemonVersion, cliVersion: VERSION, pid, managed },
    hint: managed
      ? 'Stop it with `waiaas daemon stop`; the next command starts the matching version.'
      : 'The daemon runs under a supervisor (systemd, Docker, a terminal); restart it there with this version.',
  })
}

function notRunning(paths: Paths): WaiaasError {
  return new WaiaasError('DAEMON_NOT_RUNNING', 'The daemon is not running', {
    details: { dataDir: paths.dataDir, socket: paths.socket, logFile: paths.logFile },
  })
}

/**
 * Waits until the daemon with this pid has let go: its process is gone, or (for a daemon inside another process,
 * as in tests) its socket no longer answers and its pid file is released.
 */
export async function waitForExit(paths: Paths, pid: number, timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return
    if (pid === process.pid && readPidFile(paths.pidFile)?.pid !== pid && !(await socketAnswers(paths.socket))) return
    await sleep(25)
  }
  throw new WaiaasError('DAEMON_UNREACHABLE', `The daemon (pid ${pid}) did not stop within ${timeoutMs / 1000} s`, {
    details: { pid, logFile: paths.logFile },
    hint: `Stop it by hand (kill ${pid}), then try again.`,
  })
}

/** Last lines of the log, for a start failure; the log is secret-free by construction. */
function logTail(file: string, lines = 8): string[] {
  try {
    const text = fs.readFileSync(file, 'utf8')
    return text.trimEnd().split('\n').slice(-lines)
  } catch {
    return []
  }
}

/**
 * Spawns the daemon detached and waits for its handshake. Its environment has no secret (childEnv); a master password
 * given as WAIAAS_MASTER_PASSWORD reaches it on its stdin instead, so it unlocks at start as it would from the variable.
 */
export async function startAndConnect(paths: Paths, env: NodeJS.ProcessEnv = process.env): Promise<DaemonClient> {
  ensureDataDirs(paths)
  const out = openPrivateForAppend(paths.logFile)
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined
  let child: ChildProcess | undefined
  try {
    const password = passwordForDaemon(env)
    const args = [BIN, 'daemon', 'start', '--foreground', '--managed', '--quiet', '--data-dir', paths.dataDir, ...(password === undefined ? [] : ['--password-stdin'])]
    child = spawn(process.execPath, args, {
      detached: true,
      stdio: [password === undefined ? 'ignore' : 'pipe', out, out],
      env: childEnv('daemon', env),
    })
    child.once('exit', (code, signal) => (exited = { code, signal }))
    if (child.stdin !== null) {
      child.stdin.on('error', () => undefined) // a daemon that died at once: its exit is reported below
      child.stdin.end(password)
    }
    child.unref()
  } finally {
    fs.closeSync(out)
  }
  const deadline = Date.now() + START_TIMEOUT_MS
  let delay = 20
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const { client, hello } = await connectAndGreet(paths)
      // Another CLI's daemon answered first: ours, still booting, is not needed. Left alone, it could finish booting
      // after that daemon has stopped and then start: a daemon nobody asked for (a test's, after its data is gone).
      if (child !== undefined && hello.pid !== child.pid && exited === undefined) child.kill('SIGTERM')
      if (hello.version === VERSION) return client
      client.close()
      throw versionMismatch(hello.version, hello.pid, hello.managed)
    } catch (err) {
      if (err instanceof WaiaasError) throw err
      last = err
    }
    if (exited !== undefined) {
      // Another CLI may have won the race to start it: a daemon that answers now is as good as ours.
      try {
        return await connectExisting(paths)
      } catch {
        throw new WaiaasError('DAEMON_START_FAILED', `The daemon exited during start-up (${exited.signal ?? `exit code ${exited.code}`})`, {
          details: { logFile: paths.logFile, exitCode: exited.code, signal: exited.signal, log: logTail(paths.logFile) },
          hint: `Read ${paths.logFile} for the reason.`,
        })
      }
    }
    await sleep(delay)
    delay = Math.min(delay * 2, 200)
  }
  throw new WaiaasError('DAEMON_START_FAILED', `The daemon did not answer within ${START_TIMEOUT_MS / 1000} s`, {
    details: { logFile: paths.logFile, socket: paths.socket, errno: (last as NodeJS.ErrnoException)?.code ?? null, log: logTail(paths.logFile) },
    hint: `Read ${paths.logFile} for the reason.`,
  })
}

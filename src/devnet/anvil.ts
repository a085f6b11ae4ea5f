/**
 * Starts anvil, the EVM node that ships as a binary inside the @foundry-rs/anvil npm package, on loopback.
 * Used by `waiaas devnet` and by the tests' global setup: the same code either way.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { childEnv } from '../lib/child-env.js'
import { WaiaasError } from '../lib/errors.js'
import { openPrivateForAppend } from '../lib/paths.js'
import { processAlive, processIdentity } from '../lib/process.js'

const require = createRequire(import.meta.url)

/** The anvil binary for this machine, from its platform package. */
export function anvilBinary(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`
  try {
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil')
  } catch (err) {
    throw new WaiaasError('INTERNAL', `anvil is not installed for ${process.platform}-${process.arch} (${pkg})`, { cause: err })
  }
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))))
    })
  })
}

export interface AnvilHandle {
  url: string
  port: number
  chainId: number
  pid: number
  /** The process's start time (see processIdentity): recorded with the pid so that a later adoption can tell it apart. */
  startTime: string
  /** Our child process; null for a node adopted from an earlier daemon. */
  child: ChildProcess | null
  /** Stops it (SIGTERM: anvil dumps its state file, if it has one, on the way out); SIGKILL after a grace period. */
  stop(): Promise<void>
}

export interface AnvilOptions {
  port?: number
  chainId?: number
  /** Seconds between blocks; omitted = automine (a block per transaction). */
  blockTime?: number
  /** The test mnemonic's accounts get this much ETH each. */
  balanceEth?: number
  /** Detach so the node outlives this process (`waiaas devnet start`). */
  detached?: boolean
  /**
   * Keep the chain in this file: loaded at start when it exists, written every `intervalSeconds` and on exit
   * (anvil's --state and --state-interval), so the chain survives a restart of anvil.
   */
  state?: { file: string; intervalSeconds: number }
  /**
   * anvil's stderr goes to this file (0600) instead of a pipe to this process: a node that must outlive us (the
   * devnet's, when the daemon crashes) must not write into a pipe nobody reads.
   */
  logFile?: string
  /** Further anvil flags, e.g. `['--no-mining']`. */
  extraArgs?: string[]
}

/** Resolves true when nothing listens on 127.0.0.1:port. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer()
    srv.unref()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

/** Resolves the chain id a node on `url` answers, or undefined when nothing answers. */
async function chainIdAt(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(2000),
    })
    const body = (await res.json()) as { result?: string }
    return body.result === undefined ? undefined : Number(body.result)
  } catch {
    return undefined
  }
}

/** The last part of a log file (start-up errors), secret-free: anvil is given no secret. */
function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-4000)
  } catch {
    return ''
  }
}

/**
 * Starts anvil and resolves once it answers eth_chainId on its port and has proven that it holds that port. A port
 * that was free a moment ago may be taken by the time anvil binds it (two daemons starting their devnets at once both
 * see 8545 free): the loser exits with "Address already in use", but until its exit is seen, the winner would answer
 * its readiness probe, and two devnets would share one chain. anvil writes `--config-out` only once it has bound its
 * port (a failed bind writes nothing), so that file is the proof; it holds only the public test accounts and is
 * removed once read.
 */
export async function startAnvil(opts: AnvilOptions = {}): Promise<AnvilHandle> {
  if (opts.port !== undefined && !(await portIsFree(opts.port))) {
    throw new WaiaasError('INTERNAL', `Port ${opts.port} on 127.0.0.1 is already in use`, { details: { port: opts.port } })
  }
  const port = opts.port ?? (await freePort())
  const chainId = opts.chainId ?? 31337
  // Beside the state file when there is one (the devnet's private directory, writable wherever the daemon runs).
  const proofDir = fs.mkdtempSync(path.join(opts.state === undefined ? os.tmpdir() : path.dirname(opts.state.file), 'waiaas-anvil-'))
  const bound = path.join(proofDir, 'config.json')
  try {
    return await launch(opts, port, chainId, bound)
  } finally {
    fs.rmSync(proofDir, { recursive: true, force: true })
  }
}

async function launch(opts: AnvilOptions, port: number, chainId: number, bound: string): Promise<AnvilHandle> {
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId), '--silent', '--config-out', bound]
  if (opts.blockTime !== undefined) args.push('--block-time', String(opts.blockTime))
  if (opts.balanceEth !== undefined) args.push('--balance', String(opts.balanceEth))
  if (opts.state !== undefined) args.push('--state', opts.state.file, '--state-interval', String(opts.state.intervalSeconds))
  if (opts.extraArgs !== undefined) args.push(...opts.extraArgs)
  const logFd = opts.logFile === undefined ? undefined : openPrivateForAppend(opts.logFile)
  let child: ChildProcess
  try {
    child = spawn(anvilBinary(), args, { stdio: ['ignore', 'ignore', logFd ?? 'pipe'], detached: opts.detached === true, env: childEnv('tool') })
  } finally {
    if (logFd !== undefined) fs.closeSync(logFd)
  }
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)))
  const errors = (): string => (opts.logFile === undefined ? stderr : tail(opts.logFile)).trim().slice(-500)
  let exited = false
  child.once('exit', () => (exited = true))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (exited) throw new WaiaasError('INTERNAL', `anvil exited during start-up: ${errors()}`)
    if (fs.existsSync(bound) && (await chainIdAt(url)) === chainId) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  if (Date.now() >= deadline) {
    child.kill('SIGKILL')
    throw new WaiaasError('INTERNAL', `anvil did not answer on ${url} within 20 s`)
  }
  if (opts.detached === true) child.unref()
  const stop = async (): Promise<void> => {
    if (exited) return
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await gone
    clearTimeout(timer)
  }
  const pid = child.pid ?? 0
  return { url, port, chainId, pid, startTime: processIdentity(pid)?.startTime ?? '', child, stop }
}

/** What an earlier daemon recorded about the anvil it started. */
export interface AnvilRecord {
  pid: number
  startTime: string
  port: number
  chainId: number
}

/**
 * Takes over an anvil an earlier daemon started and left running (it crashed): only when the pid is still that very
 * process (same start time, our anvil binary, the recorded port and state file), and it answers with the recorded
 * chain id. Undefined otherwise: a pid now used by another process is never touched.
 */
export async function adoptAnvil(rec: AnvilRecord, stateFile: string): Promise<AnvilHandle | undefined> {
  const sameProcess = (): boolean => {
    const id = processIdentity(rec.pid)
    if (id === undefined || id.startTime !== rec.startTime || id.startTime === '') return false
    const at = (flag: string): string | undefined => id.argv[id.argv.indexOf(flag) + 1]
    return id.argv[0] === anvilBinary() && at('--port') === String(rec.port) && at('--state') === stateFile
  }
  if (!sameProcess()) return undefined
  const url = `http://127.0.0.1:${rec.port}`
  if ((await chainIdAt(url)) !== rec.chainId) return undefined
  const stop = async (): Promise<void> => {
    if (!sameProcess()) return // gone, or its pid already reused: nothing of ours to stop
    process.kill(rec.pid, 'SIGTERM')
    // Not our child, so no exit event: poll until it is gone, then SIGKILL after the grace period.
    const deadline = Date.now() + 10_000
    while (processAlive(rec.pid) && sameProcess()) {
      if (Date.now() > deadline) {
        process.kill(rec.pid, 'SIGKILL')
        break
      }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
  return { url, port: rec.port, chainId: rec.chainId, pid: rec.pid, startTime: rec.startTime, child: null, stop }
}

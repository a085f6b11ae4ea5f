/**
 * Starts anvil, the EVM node that ships as a binary inside the @foundry-rs/anvil npm package, on loopback.
 * Used by `waiaas devnet` and by the tests' global setup: the same code either way.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { childEnv } from '../lib/child-env.js'
import { WaiaasError } from '../lib/errors.js'

const require = createRequire(import.meta.url)

/** The platform package that holds the anvil binary for this machine. */
function anvilBinary(): string {
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
  child: ChildProcess
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

/**
 * Starts anvil and resolves once it answers eth_chainId. A requested port must be free first: otherwise the
 * readiness probe could be answered by some other node already listening there.
 */
export async function startAnvil(opts: AnvilOptions = {}): Promise<AnvilHandle> {
  if (opts.port !== undefined && !(await portIsFree(opts.port))) {
    throw new WaiaasError('INTERNAL', `Port ${opts.port} on 127.0.0.1 is already in use`, { details: { port: opts.port } })
  }
  const port = opts.port ?? (await freePort())
  const chainId = opts.chainId ?? 31337
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId), '--silent']
  if (opts.blockTime !== undefined) args.push('--block-time', String(opts.blockTime))
  if (opts.balanceEth !== undefined) args.push('--balance', String(opts.balanceEth))
  if (opts.extraArgs !== undefined) args.push(...opts.extraArgs)
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'], detached: opts.detached === true, env: childEnv('tool') })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)))
  let exited = false
  child.once('exit', () => (exited = true))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (exited) throw new WaiaasError('INTERNAL', `anvil exited during start-up: ${stderr.trim().slice(0, 500)}`)
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      })
      const body = (await res.json()) as { result?: string }
      if (body.result !== undefined && Number(body.result) === chainId) break
    } catch {
      // not listening yet
    }
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
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
    await gone
    clearTimeout(timer)
  }
  return { url, port, chainId, pid: child.pid ?? 0, child, stop }
}

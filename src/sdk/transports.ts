/**
 * The SDK's two ways to the daemon. `socket`: the owner-only Unix socket, found as the CLI finds it (the data
 * directory from the option, WAIAAS_DATA_DIR or ~/.waiaas; WAIAAS_SOCKET_PATH wins), one connection opened on first
 * use and reused. `rest`: the REST plugin at a base URL, `POST /v1/<namespace>/<verb>` with global fetch.
 */
import { DaemonClient, unreachable } from '../cli/client.js'
import { WaiaasError, type ErrorPayload } from '../lib/errors.js'
import type { Env } from '../lib/env.js'
import { resolveDataDir, resolvePaths } from '../lib/paths.js'
import { VERSION } from '../lib/version.js'
import { PROTOCOL_VERSION, type WireAuth } from '../lib/wire.js'
import { SDK_METHODS } from './methods.generated.js'

export interface Transport {
  call(method: string, params: unknown): Promise<unknown>
  close(): void
}

export function socketPathFor(opts: { dataDir?: string; socketPath?: string }, env: NodeJS.ProcessEnv = process.env): string {
  if (opts.socketPath !== undefined) return opts.socketPath
  const fromEnv = env.WAIAAS_DATA_DIR === undefined || env.WAIAAS_DATA_DIR === '' ? {} : { dataDir: env.WAIAAS_DATA_DIR }
  // resolveDataDir reads only `dataDir` of the CLI's Env.
  const dataDir = resolveDataDir(opts.dataDir, fromEnv as Env)
  const socketPath = env.WAIAAS_SOCKET_PATH
  return resolvePaths(dataDir, socketPath === undefined || socketPath === '' ? {} : { socketPath }).socket
}

/**
 * The daemon answers one call at a time per connection, so a call that waits (`tx.wait`) would hold up every other:
 * each call borrows an idle connection (or opens one, with its handshake) and gives it back when answered.
 */
export class SocketTransport implements Transport {
  private readonly idle: DaemonClient[] = []
  private readonly open = new Set<DaemonClient>()
  private closed = false

  constructor(
    readonly socketPath: string,
    private readonly auth: WireAuth,
  ) {}

  async call(method: string, params: unknown): Promise<unknown> {
    const c = this.idle.pop() ?? (await this.connect())
    const auth = this.auth.token !== undefined || this.auth.password !== undefined ? this.auth : undefined
    let ok = false
    try {
      const result = await (c.call as (m: string, p: unknown, a?: WireAuth) => Promise<unknown>)(method, params, auth)
      ok = true
      return result
    } catch (err) {
      // A daemon error leaves the connection usable; a dropped connection is not reused.
      ok = !(err instanceof WaiaasError && (err.code === 'DAEMON_UNREACHABLE' || err.code === 'DAEMON_PROTOCOL_ERROR'))
      throw err
    } finally {
      if (ok && !this.closed) this.idle.push(c)
      else this.drop(c)
    }
  }

  /**
   * A connection of its own, outside the pool (the event iterator's, so its waiting calls hold up no other call), with
   * the credential to call with; `close()` of the transport closes it too.
   */
  async dedicated(): Promise<{ client: DaemonClient; auth: WireAuth | undefined; release(): void }> {
    const c = await this.connect()
    const auth = this.auth.token !== undefined || this.auth.password !== undefined ? this.auth : undefined
    return { client: c, auth, release: () => this.drop(c) }
  }

  /** Opens a connection and makes the handshake every connection starts with (`system.hello`). */
  private async connect(): Promise<DaemonClient> {
    let c: DaemonClient
    try {
      c = await DaemonClient.open(this.socketPath)
    } catch (err) {
      throw unreachable(this.socketPath, err)
    }
    this.open.add(c)
    try {
      await c.call('system.hello', { protocol: PROTOCOL_VERSION, version: VERSION, client: 'sdk' })
    } catch (err) {
      this.drop(c)
      throw err
    }
    return c
  }

  private drop(c: DaemonClient): void {
    this.open.delete(c)
    c.close()
  }

  /** Closes every connection; calls still in flight fail with DAEMON_UNREACHABLE. */
  close(): void {
    this.closed = true
    this.idle.length = 0
    for (const c of this.open) c.close()
    this.open.clear()
  }
}

export class RestTransport implements Transport {
  private readonly base: string

  constructor(
    baseUrl: string,
    private readonly auth: WireAuth,
  ) {
    this.base = baseUrl.replace(/\/+$/, '')
  }

  async call(method: string, params: unknown): Promise<unknown> {
    const info = (SDK_METHODS as Record<string, { rest: boolean }>)[method]
    if (info !== undefined && !info.rest) {
      throw new WaiaasError('INPUT_INVALID', `${method} is not served over REST`, {
        details: { method, transport: 'rest' },
        hint: 'Use the Unix socket transport (the default) for this method.',
      })
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
    if (this.auth.token !== undefined) headers.authorization = `Bearer ${this.auth.token}`
    else if (this.auth.password !== undefined) headers['x-master-password'] = this.auth.password
    const url = `${this.base}/v1/${method.replaceAll('.', '/')}`
    let res: Response
    try {
      res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(params ?? {}) })
    } catch (err) {
      throw new WaiaasError('DAEMON_UNREACHABLE', `Cannot reach the daemon at ${this.base}`, { details: { url: this.base }, cause: err })
    }
    let payload: { ok?: boolean; data?: unknown; error?: Partial<ErrorPayload> }
    try {
      payload = (await res.json()) as typeof payload
    } catch {
      throw new WaiaasError('DAEMON_PROTOCOL_ERROR', `Unexpected answer from ${url}: not JSON (HTTP ${res.status})`, { details: { url, status: res.status } })
    }
    if (payload.ok === true) return payload.data
    throw WaiaasError.fromPayload(payload.error ?? { message: `HTTP ${res.status}` })
  }

  close(): void {}
}

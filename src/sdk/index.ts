/**
 * The TypeScript SDK: `import { Waiaas } from 'waiaas/sdk'`. Every contract method as `client.<namespace>.<verb>`,
 * typed from the contract (type-only imports: zod, oclif, ethers, web3.js and SQLite never load), over the Unix socket
 * (the default) or the REST plugin. Failures are one `WaiaasError` with a `code` from the `ErrorCode` union.
 *
 *   const client = new Waiaas()                                   // socket, credentials from the environment
 *   const req = await client.tx.send({ wallet: 'agent', to, amount: '0.01' })
 *   await client.tx.wait({ id: req.id })
 */
import type { EventEntry, Input, MethodName, Namespace, Output } from '../lib/contract/index.js'
import type { WireAuth } from '../lib/wire.js'
import { WaiaasError } from '../lib/errors.js'
import { resolveCredentials, type CredentialOptions } from './credentials.js'
import { restEvents, socketEvents, type EventsOptions } from './events.js'
import { SDK_NAMESPACES } from './methods.generated.js'
import { RestTransport, SocketTransport, socketPathFor, type Transport } from './transports.js'

export { WaiaasError }
export type { ErrorCode, ErrorPayload } from '../lib/errors.js'
export type { EventsOptions } from './events.js'
export type { AuditEntryOut, EventEntry, SessionEventAction, Input, MethodName, Namespace, Output, TxRequestView, TxState, Wallet, PolicyView, SessionView } from '../lib/contract/index.js'

export interface WaiaasOptions extends CredentialOptions {
  /** The REST plugin's base URL (e.g. `http://127.0.0.1:8787`); absent: the Unix socket. */
  baseUrl?: string
  /** The data directory whose socket to use (else WAIAAS_DATA_DIR, else ~/.waiaas). */
  dataDir?: string
  /** The socket itself (else WAIAAS_SOCKET_PATH, else <data dir>/waiaas.sock). */
  socketPath?: string
  /** Where to read WAIAAS_* variables from; default process.env. */
  env?: NodeJS.ProcessEnv
}

/** What a method takes: its params; just the id (`client.tx.wait(id)`) when `id` is its one required field. */
type ParamsOf<M extends MethodName> = Input<M> extends { id: string } ? ({ id: string } extends Input<M> ? Input<M> | string : Input<M>) : Input<M>

/** `client.tx.send(params)`: params may be left out when every field is optional. */
type MethodFn<M extends MethodName> = {} extends Input<M> ? (params?: Input<M>) => Promise<Output<M>> : (params: ParamsOf<M>) => Promise<Output<M>>

/** The verbs of one namespace. */
export type NamespaceApi<N extends Namespace> = {
  readonly [M in MethodName as M extends `${N}.${infer V}` ? V : never]: MethodFn<M>
}

export type WaiaasApi = { readonly [N in Namespace]: NamespaceApi<N> }

// Declaration merging gives the class its namespaces (`client.tx`, …) without writing each one by hand.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Waiaas extends WaiaasApi {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Waiaas {
  readonly transport: 'socket' | 'rest'
  private readonly conn: Transport
  private readonly auth: WireAuth
  private readonly baseUrl: string | undefined

  constructor(opts: WaiaasOptions = {}) {
    const env = opts.env ?? process.env
    const auth = resolveCredentials(opts, env)
    this.auth = auth
    this.baseUrl = opts.baseUrl?.replace(/\/+$/, '')
    if (opts.baseUrl !== undefined) {
      this.transport = 'rest'
      this.conn = new RestTransport(opts.baseUrl, auth)
    } else {
      this.transport = 'socket'
      const where: { dataDir?: string; socketPath?: string } = {}
      if (opts.dataDir !== undefined) where.dataDir = opts.dataDir
      if (opts.socketPath !== undefined) where.socketPath = opts.socketPath
      this.conn = new SocketTransport(socketPathFor(where, env), auth)
    }
    for (const [ns, verbs] of Object.entries(SDK_NAMESPACES)) {
      const api: Record<string, (params?: unknown) => Promise<unknown>> = {}
      for (const verb of verbs) api[verb] = (params?: unknown) => this.call(`${ns}.${verb}` as MethodName, (typeof params === 'string' ? { id: params } : (params ?? {})) as never)
      Object.defineProperty(this, ns, { value: Object.freeze(api), enumerable: true })
    }
  }

  /** Calls a contract method by its full name (`'tx.send'`): what the namespaced methods do. */
  call<M extends MethodName>(method: M, params: Input<M>): Promise<Output<M>> {
    return this.conn.call(method, params) as Promise<Output<M>>
  }

  /**
   * The daemon's event stream, over either transport: for an agent session, its own wallets' request state changes
   * and incoming transfers; for the operator, every audit entry. Ends with SESSION_REVOKED / SESSION_EXPIRED when the
   * session does; breaking out of the loop (or aborting `signal`) closes its connection.
   *
   *   for await (const e of client.events()) if (e.target === req.id && e.action === 'tx.confirmed') break
   */
  events(opts: EventsOptions = {}): AsyncGenerator<EventEntry, void, undefined> {
    if (this.conn instanceof SocketTransport) return socketEvents(this.conn, opts)
    return restEvents(this.baseUrl ?? '', this.auth, opts)
  }

  /** Closes the socket connection (a REST client holds none). */
  close(): void {
    this.conn.close()
  }
}

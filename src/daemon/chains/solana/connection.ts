/**
 * The JSON-RPC connection of one Solana network. Credentials in the RPC URL (`https://user:pass@host`) move into an
 * Authorization header (fetch refuses URLs with credentials, and they must never be printed); web3.js's own retry on
 * HTTP 429 is off, so a rate limit is reported as CHAIN_RATE_LIMITED instead of stalling for seconds.
 *
 * Reads go through `read()`, which retries an unreachable endpoint with bounded backoff; writes go through `write()`,
 * which never retries by itself (the caller decides what is safe to resend).
 */
import { Connection, type Commitment } from '@solana/web3.js'
import { WaiaasError } from '../../../lib/errors.js'
import { retryUnreachable } from '../retry.js'
import { toSolanaError } from './errors.js'

export interface SolanaRpcOptions {
  network: string
  rpcUrl: string
  wsUrl?: string
  commitment: 'confirmed' | 'finalized'
  /** Delays between attempts of a read while the endpoint is unreachable; default 100, 300 ms (3 attempts). */
  retryDelaysMs?: number[]
  /** Per-request timeout (web3.js has none: a hung endpoint would hang the caller); default 30 s. */
  timeoutMs?: number
}

/** A web3.js Connection for `rpcUrl`, with URL credentials sent as HTTP Basic auth instead. */
export function createConnection(opts: Pick<SolanaRpcOptions, 'rpcUrl' | 'wsUrl' | 'commitment' | 'timeoutMs'>): Connection {
  let url: URL
  try {
    url = new URL(opts.rpcUrl)
  } catch (err) {
    // The URL itself is not quoted: it may hold an API key.
    throw new WaiaasError('INPUT_INVALID', 'rpcUrl is not a valid URL', { details: { field: 'rpcUrl' }, cause: err })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WaiaasError('INPUT_INVALID', `rpcUrl must be http(s), got ${url.protocol}`, { details: { field: 'rpcUrl' } })
  }
  const timeoutMs = opts.timeoutMs ?? 30_000
  const headers: Record<string, string> = {}
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username)
    const pass = decodeURIComponent(url.password)
    headers.Authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
    url.username = ''
    url.password = ''
  }
  const config: ConstructorParameters<typeof Connection>[1] & object = {
    commitment: opts.commitment as Commitment,
    disableRetryOnRateLimit: true,
    httpHeaders: headers,
    fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  }
  if (opts.wsUrl !== undefined) config.wsEndpoint = opts.wsUrl
  return new Connection(url.toString(), config)
}


/** One network's RPC access with the error mapping and the retry policy applied. */
export class SolanaRpc {
  readonly connection: Connection
  readonly network: string
  readonly commitment: 'confirmed' | 'finalized'
  private readonly delays: number[]

  constructor(opts: SolanaRpcOptions) {
    this.connection = createConnection(opts)
    this.network = opts.network
    this.commitment = opts.commitment
    this.delays = opts.retryDelaysMs ?? [100, 300]
  }

  /** One call, mapped to a WaiaasError on failure, no retry. */
  async write<T>(op: string, fn: (c: Connection) => Promise<T>, details?: Record<string, unknown>): Promise<T> {
    try {
      return await fn(this.connection)
    } catch (err) {
      throw toSolanaError(err, details === undefined ? { op, network: this.network } : { op, network: this.network, details })
    }
  }

  /** A read: retried while the endpoint is unreachable, then CHAIN_RPC_UNREACHABLE with `details.attempts`. */
  read<T>(op: string, fn: (c: Connection) => Promise<T>, details?: Record<string, unknown>): Promise<T> {
    return this.retrying(() => this.write(op, fn, details))
  }

  /** Runs `fn` (which must throw WaiaasErrors), retrying transient failures with the configured backoff. */
  retrying<T>(fn: () => Promise<T>): Promise<T> {
    return retryUnreachable(this.delays, fn)
  }
}

/**
 * The JSON-RPC connection of one EVM network. Configured per DESIGN "Dependencies": a static network (no chain-id
 * probing, so a dead endpoint fails fast instead of retrying forever), no response cache (a cached pending nonce
 * is stale after each automined block) and no batching (batching adds ~50 ms per call against anvil).
 *
 * Reads go through `read()`, which retries an unreachable endpoint with bounded backoff; writes go through
 * `write()`, which never retries by itself (the caller decides what is safe to resend).
 */
import { FetchRequest, JsonRpcProvider, Network } from 'ethers'
import type { WaiaasError } from '../../../lib/errors.js'
import { retryUnreachable } from '../retry.js'
import { toChainError } from './errors.js'

export interface RpcOptions {
  network: string
  chainId: number
  rpcUrl: string
  /** Delays between attempts of a read when the endpoint is unreachable; default 100, 300, 900 ms (4 attempts). */
  retryDelaysMs?: number[]
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/

/** A JsonRpcProvider for `rpcUrl`, with credentials moved from the URL into the Authorization header. */
export function createProvider(opts: RpcOptions): JsonRpcProvider {
  const url = new URL(opts.rpcUrl)
  const req = new FetchRequest(`${url.protocol}//${url.host}${url.pathname}${url.search}`)
  const local = LOOPBACK.test(url.hostname)
  if (url.username !== '' || url.password !== '') {
    req.allowInsecureAuthentication = local
    req.setCredentials(decodeURIComponent(url.username), decodeURIComponent(url.password))
  }
  req.timeout = opts.timeoutMs ?? 30_000
  // ethers retries HTTP 429 up to 12 times by itself; we report it as CHAIN_RATE_LIMITED and let reads back off.
  req.retryFunc = async () => false
  const network = new Network(opts.network, opts.chainId)
  return new JsonRpcProvider(req, network, {
    staticNetwork: network,
    cacheTimeout: -1,
    batchMaxCount: 1,
    pollingInterval: local ? 50 : 4000,
  })
}


/** One network's RPC access with the error mapping and the retry policy applied. */
export class EvmRpc {
  readonly provider: JsonRpcProvider
  readonly network: string
  readonly chainId: number
  private readonly delays: number[]

  constructor(opts: RpcOptions) {
    this.provider = createProvider(opts)
    this.network = opts.network
    this.chainId = opts.chainId
    this.delays = opts.retryDelaysMs ?? [100, 300, 900]
  }

  /** A raw JSON-RPC call, mapped to a WaiaasError on failure, no retry. */
  async write<T>(op: string, method: string, params: unknown[], details?: Record<string, unknown>): Promise<T> {
    try {
      return (await this.provider.send(method, params)) as T
    } catch (err) {
      throw toChainError(err, details === undefined ? { op, network: this.network } : { op, network: this.network, details })
    }
  }

  /** A read: retried while the endpoint is unreachable, then CHAIN_RPC_UNREACHABLE with the attempt count. */
  async read<T>(op: string, method: string, params: unknown[], details?: Record<string, unknown>): Promise<T> {
    return this.retrying(() => this.write<T>(op, method, params, details))
  }

  /** Runs `fn` (which must throw WaiaasErrors), retrying transient failures with the configured backoff. */
  retrying<T>(fn: () => Promise<T>): Promise<T> {
    return retryUnreachable(this.delays, fn)
  }

  destroy(): void {
    this.provider.destroy()
  }
}

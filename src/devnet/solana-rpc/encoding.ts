/**
 * Encodings shared by the methods: the RPC response context, account data as base58/base64/jsonParsed
 * (with dataSlice), and parameter checks that fail with a node's -32602 messages.
 */
import { PublicKey } from '@solana/web3.js'
import { base58 } from '@scure/base'
import type { LocalChain, RawAccount } from './chain.js'
import { INVALID_PARAMS, RpcError, invalidParams } from './rpc-error.js'
import { parseTokenData } from './parsed-token.js'

/** The node's rentEpoch for rent-exempt accounts (u64::MAX). */
const RENT_EPOCH_EXEMPT = 18446744073709551615

export const withContext = <T>(chain: LocalChain, value: T): { context: { apiVersion: string; slot: number }; value: T } => ({
  context: { apiVersion: '2.2.0', slot: chain.slot },
  value,
})

export type Config = Record<string, unknown>

/** The config object at `params[index]` (absent → {}). */
export function configAt(params: unknown[], index: number): Config {
  const c = params[index]
  if (c === undefined || c === null) return {}
  if (typeof c !== 'object' || Array.isArray(c)) throw new RpcError(INVALID_PARAMS, 'Invalid params: expected a config object')
  return c as Config
}

export function pubkeyParam(v: unknown): string {
  if (typeof v !== 'string') throw invalidParams('Invalid')
  try {
    return new PublicKey(v).toBase58()
  } catch {
    throw invalidParams('Invalid')
  }
}

export function stringParam(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new RpcError(INVALID_PARAMS, `Invalid params: ${what} must be a string`)
  return v
}

export function numberParam(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new RpcError(INVALID_PARAMS, `Invalid params: ${what} must be a non-negative integer`)
  return v
}

function sliced(data: Uint8Array, cfg: Config): Uint8Array {
  const s = cfg['dataSlice']
  if (s === undefined || s === null || typeof s !== 'object') return data
  const { offset, length } = s as { offset?: unknown; length?: unknown }
  const o = typeof offset === 'number' ? offset : 0
  const l = typeof length === 'number' ? length : data.length
  return data.subarray(o, o + l)
}

/** An account as the node's UiAccount, in the encoding asked for (`binary`/base58 is the node default). */
export function encodeAccount(chain: LocalChain, a: RawAccount, cfg: Config): object {
  const encoding = cfg['encoding'] ?? 'binary'
  const common = { executable: a.executable, lamports: a.lamports, owner: a.owner, rentEpoch: RENT_EPOCH_EXEMPT, space: a.data.length }
  if (encoding === 'jsonParsed') {
    const parsed = parseTokenData(a.owner, a.data, (mint) => chain.mintDecimals(mint))
    if (parsed !== null) return { data: parsed, ...common }
    return { data: [Buffer.from(a.data).toString('base64'), 'base64'], ...common }
  }
  const data = sliced(a.data, cfg)
  if (encoding === 'base64') return { data: [Buffer.from(data).toString('base64'), 'base64'], ...common }
  if (encoding === 'base58') return { data: [base58.encode(data), 'base58'], ...common }
  if (encoding === 'binary') return { data: base58.encode(data), ...common }
  throw new RpcError(INVALID_PARAMS, `Invalid params: unsupported encoding ${String(encoding)}`)
}

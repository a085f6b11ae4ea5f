/**
 * From what a caller typed (decimal strings, a function signature) to a TxIntent in minor units, using the
 * network's and the token's own decimals. One place, so simulate now and send later read requests the same way.
 */
import { parseAmount } from '../lib/amounts.js'
import { WaiaasError } from '../lib/errors.js'
import type { ChainAdapter, TxIntent } from './chains/types.js'
import type { EffectiveNetwork } from './networks.js'

/** What one caller request asks for: every intent but a batch (which is several of these). */
export type SingleIntent = Exclude<TxIntent, { kind: 'batch' }>

export interface IntentRequest {
  to?: string | undefined
  amount?: string | undefined
  token?: string | undefined
  data?: string | undefined
  function?: string | undefined
  args?: unknown[] | undefined
  spender?: string | undefined
}

function required(value: string | undefined, field: string): string {
  if (value === undefined) throw new WaiaasError('INPUT_INVALID', `\`${field}\` is required for this request`, { details: { field } })
  return value
}

/**
 * Reads the request's kind from the fields present: spender → approval, data/function → call, token → token transfer.
 * `offline`: never asks the node; a token amount (which needs the token's decimals) is then left at 0 and
 * `complete` is false, for the policy pass that needs no chain data.
 */
export async function toIntent(adapter: ChainAdapter, net: EffectiveNetwork, r: IntentRequest): Promise<SingleIntent>
export async function toIntent(adapter: ChainAdapter, net: EffectiveNetwork, r: IntentRequest, opts: { offline: true }): Promise<{ intent: SingleIntent; complete: boolean }>
export async function toIntent(adapter: ChainAdapter, net: EffectiveNetwork, r: IntentRequest, opts?: { offline: true }): Promise<SingleIntent | { intent: SingleIntent; complete: boolean }> {
  const offline = opts?.offline === true
  const decimalsOf = async (token: string): Promise<number | null> => (offline ? null : (await adapter.tokenInfo(token)).decimals)
  const done = (intent: SingleIntent, complete = true): SingleIntent | { intent: SingleIntent; complete: boolean } => (offline ? { intent, complete } : intent)
  if (r.spender !== undefined) {
    const token = adapter.normalizeAddress(required(r.token, 'token'), 'token')
    const spender = adapter.normalizeAddress(r.spender, 'spender')
    const amountText = required(r.amount, 'amount')
    const decimals = await decimalsOf(token)
    if (decimals === null) return done({ kind: 'token-approve', token, spender, amount: 0n }, false)
    return { kind: 'token-approve', token, spender, amount: parseAmount(amountText, decimals, 'amount', { allowZero: true }) }
  }
  if (r.data !== undefined || r.function !== undefined) {
    if (r.data !== undefined && r.function !== undefined) {
      throw new WaiaasError('INPUT_INVALID', 'Give either `data` or `function`, not both', { details: { field: 'data' } })
    }
    if (net.family !== 'evm') throw new WaiaasError('INPUT_INVALID', 'Contract calls are EVM only', { details: { field: 'data' } })
    let data = r.data
    if (data === undefined) {
      const { encodeFunctionCall } = await import('./chains/evm/calldata.js')
      data = encodeFunctionCall(r.function ?? '', r.args ?? [])
    } else if (!/^0x([0-9a-fA-F]{2})*$/.test(data)) {
      throw new WaiaasError('INPUT_INVALID', '`data` must be 0x-prefixed hex bytes', { details: { field: 'data' } })
    }
    const value = r.amount === undefined ? 0n : parseAmount(r.amount, net.nativeDecimals, 'amount', { allowZero: true })
    return done({ kind: 'contract-call', to: adapter.normalizeAddress(required(r.to, 'to'), 'to'), data, value })
  }
  const to = adapter.normalizeAddress(required(r.to, 'to'), 'to')
  const amountText = required(r.amount, 'amount')
  if (r.token !== undefined) {
    const token = adapter.normalizeAddress(r.token, 'token')
    const decimals = await decimalsOf(token)
    if (decimals === null) return done({ kind: 'token-transfer', token, to, amount: 0n }, false)
    return { kind: 'token-transfer', token, to, amount: parseAmount(amountText, decimals) }
  }
  return done({ kind: 'native-transfer', to, amount: parseAmount(amountText, net.nativeDecimals) })
}

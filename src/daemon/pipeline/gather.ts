/**
 * The asynchronous part of a decision: what the policy engine judges, gathered from the chain and the price service
 * before the synchronous decision (see decide.ts) runs.
 */
import type { RequestKind } from '../../lib/contract/index.js'
import type { EffectReport, PreparedTx } from '../chains/types.js'
import type { EffectiveNetwork } from '../networks.js'
import { FEE_BOUND_FACTOR } from '../policy/engine.js'
import type { Action, PolicyRequest } from '../policy/types.js'
import type { AssetRef } from '../prices/index.js'
import type { RequestRow, ReservedAmount } from '../store/requests.js'
import type { WalletRow } from '../store/wallets.js'
import { payloadOf, type PipelineCtx } from './context.js'
import { withEffects } from './effects.js'
import { account, tokenMeta, type Plan, type TokenMeta } from './plan.js'
import { withFee } from './settle.js'

/** What gather() reads of a request: a stored row, or the skeleton of one not stored yet. */
export type Judged = Pick<RequestRow, 'kind' | 'amounts' | 'actions' | 'payload'>

/** The request the engine judges and what the decision writes on the row. */
export interface Gathered {
  request: PolicyRequest
  prepared?: PreparedTx
  /** The judged actions (decoded plus simulated effects), the amounts reserved (value plus maximum fee), the payload. */
  patch: { actions: Action[]; amounts: ReservedAmount[]; payload: Record<string, unknown> }
}

/**
 * The transaction built (EVM: without a nonce) for its fee, its effect simulated where code runs beyond what the
 * decoder reads (a contract call, a transfer to an address with code, any caller-built transaction), the USD value of
 * what leaves the wallet (value and maximum fee), and for a fee the caller chose, the bound it must stay under.
 * `chain: false` asks the node nothing (a `policy test` whose transaction the node refuses to build).
 */
export async function gather(ctx: PipelineCtx, row: Judged, wallet: WalletRow, net: EffectiveNetwork, plan?: Plan, opts: { chain?: boolean } = {}): Promise<Gathered> {
  const payload = payloadOf(row)
  const kind: RequestKind = plan?.kind ?? row.kind
  const ask = opts.chain !== false
  let prepared: PreparedTx | undefined
  let maxFee: bigint | null = payload.maxFee
  let feeBound: bigint | null = null
  let report: EffectReport | undefined
  const intent = plan?.intent ?? (payload.body.intent as PreparedTx['intent'] | undefined)
  const adapter = ask && (intent != null || kind === 'sign-tx') ? await ctx.env.chains.adapter(net) : undefined
  if (adapter !== undefined && intent !== undefined && intent !== null) {
    prepared = await adapter.prepareToDecide(wallet.address, intent)
    maxFee = prepared.fee.maxFee
    if (adapter.runsCode(prepared)) report = await adapter.simulateEffects(wallet.address, prepared.unsigned, maxFee)
  } else if (adapter !== undefined && kind === 'sign-tx') {
    // EVM: the caller's fields (to, data, value, gasLimit, …); Solana: the message to sign.
    const unsigned = callerTx(payload.body)
    report = await adapter.simulateEffects(wallet.address, unsigned, maxFee ?? 0n)
    feeBound = FEE_BOUND_FACTOR * (await adapter.suggestedFee(wallet.address, unsigned, report))
  }
  const actions = report?.status === 'simulated' ? withEffects(row.actions, report.actions) : row.actions
  const tokens = adapter === undefined || actions === row.actions ? payload.tokens : await tokenMeta(adapter, actions, payload.tokens)
  const value = actions === row.actions ? { amounts: row.amounts, nativeValue: row.amounts.find((a) => a.asset === 'native')?.amount ?? 0n } : account(actions, net, tokens)
  const isTx = kind !== 'sign-message' && kind !== 'sign-typed-data'
  const fee = isTx ? maxFee : null
  const [valueUsd, feeUsd] = await Promise.all([usdOf(ctx, value.amounts, net, tokens), fee === null || fee === 0n ? Promise.resolve(0n) : usdOf(ctx, [{ asset: 'native', amount: fee }], net, tokens)])
  const tokenDecimals: Record<string, number> = {}
  for (const [k, m] of Object.entries(tokens)) tokenDecimals[k] = m.decimals
  const request: PolicyRequest = {
    walletId: wallet.id,
    chain: wallet.chain,
    network: net.id,
    actions,
    maxFee: fee,
    feeBound,
    usdMicros: valueUsd === null || feeUsd === null ? null : valueUsd + feeUsd,
    nativeValue: value.nativeValue,
    nativeDecimals: net.nativeDecimals,
    tokenDecimals,
    ...(report === undefined ? {} : { effects: report.status }),
  }
  const patch = {
    actions,
    amounts: withFee(value.amounts, fee, feeUsd),
    payload: { ...payload, tokens, ...(report === undefined ? {} : { effects: report.status }) },
  }
  return prepared === undefined ? { request, patch } : { request, prepared, patch }
}

/** A caller-built transaction in the adapters' unsigned form: EVM its fields, Solana `{ message }` (base64). */
export function callerTx(body: Record<string, unknown>): Record<string, unknown> {
  return (body.transaction as Record<string, unknown> | undefined) ?? { message: body.message }
}

/** The USD value of `amounts` on `net` (micro-dollars); null when an asset has no fresh price or no known decimals. */
function usdOf(ctx: PipelineCtx, amounts: readonly ReservedAmount[], net: EffectiveNetwork, tokens: Record<string, TokenMeta>): Promise<bigint | null> {
  const items: { asset: AssetRef; amount: bigint }[] = []
  for (const a of amounts) {
    if (a.amount === 0n) continue
    if (a.asset === 'native') {
      items.push({ asset: { network: net.id, token: null, symbol: net.nativeSymbol, decimals: net.nativeDecimals }, amount: a.amount })
    } else {
      const meta = tokens[a.asset]
      // A token without known decimals cannot be priced: USD rules fail closed for it.
      if (meta === undefined) return Promise.resolve(null)
      items.push({ asset: { network: net.id, token: a.asset, symbol: meta.symbol, decimals: meta.decimals }, amount: a.amount })
    }
  }
  return items.length === 0 ? Promise.resolve(0n) : ctx.opts.prices.totalUsdMicros(items)
}

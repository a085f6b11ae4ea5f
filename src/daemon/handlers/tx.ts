/**
 * `tx.*`: transaction requests. Send, call and token approvals enter the one pipeline; list, show and wait read it;
 * approve, reject, the owner's decision, cancel and speed-up act on one request; simulate is a dry run outside it.
 */
import { formatAmount } from '../../lib/amounts.js'
import { WaiaasError } from '../../lib/errors.js'
import { assertFamily, resolveNetwork } from '../../lib/networks.js'
import { describeActions } from '../approval/describe.js'
import { createApprovalLink } from '../approval/link.js'
import type { Handler } from '../context.js'
import { toIntent } from '../intents.js'
import { effectiveNetwork } from '../networks.js'
import { submit, view } from '../request-view.js'
import { getRequest, listRequests, type RequestFilter } from '../store/requests.js'
import { findWallet } from '../store/wallets.js'
import { resolveTokenRef } from '../token-registry.js'

export const simulate: Handler<'tx.simulate'> = async (ctx, params) => {
  const row = findWallet(ctx.db, params.wallet)
  const net = effectiveNetwork(ctx.db, params.network)
  assertFamily(net, row.chain)
  const adapter = await ctx.chains.adapter(net)
  const intent = await toIntent(adapter, net, params.token === undefined ? params : { ...params, token: resolveTokenRef(ctx.db, net.id, params.token) })
  const prepared = await adapter.prepare(row.address, intent)
  try {
    const sim = await adapter.simulate(prepared)
    return {
      kind: intent.kind,
      network: net.id,
      from: row.address,
      ok: sim.ok,
      fee: { max: formatAmount(sim.fee.maxFee, net.nativeDecimals), symbol: net.nativeSymbol, details: sim.fee.details },
      error: sim.error ?? null,
      logs: sim.logs,
    }
  } finally {
    // A dry run must not hold an EVM nonce.
    if (adapter.family === 'evm') await adapter.releaseNonce(prepared)
  }
}

export const send: Handler<'tx.send'> = (ctx, p, caller) => submit(ctx, { kind: 'transfer', ...p }, caller.actor)
export const call: Handler<'tx.call'> = (ctx, p, caller) => submit(ctx, { kind: 'call', ...p }, caller.actor)
export const sendBatch: Handler<'tx.sendBatch'> = (ctx, p, caller) => submit(ctx, { kind: 'batch', ...p }, caller.actor)
export const tokenApprove: Handler<'tx.tokenApprove'> = (ctx, p, caller) => submit(ctx, { kind: 'approve', ...p }, caller.actor)

export const list: Handler<'tx.list'> = (ctx, p, caller) => {
  const walletId = p.wallet === undefined ? undefined : findWallet(ctx.db, p.wallet).id
  const filter: RequestFilter = { limit: p.limit + 1 }
  if (walletId !== undefined) filter.walletId = walletId
  // A session without a wallet named sees the requests of its own wallets only.
  if (caller.session !== undefined) filter.walletIds = caller.session.walletIds
  if (p.state !== undefined) filter.state = p.state
  if (p.network !== undefined) filter.network = resolveNetwork(p.network).id
  if (p.tier !== undefined) filter.tier = p.tier
  if (p.kind !== undefined) filter.kind = p.kind
  if (p.since !== undefined) filter.since = Date.parse(p.since)
  if (p.until !== undefined) filter.until = Date.parse(p.until)
  if (p.before !== undefined) filter.before = p.before
  // One row more than asked tells whether an older page exists, so the last page never points at an empty one.
  const rows = listRequests(ctx.db, filter)
  const page = rows.slice(0, p.limit)
  return { requests: page.map((r) => view(ctx, r)), nextBefore: rows.length > p.limit ? (page.at(-1)?.id ?? null) : null }
}

export const show: Handler<'tx.show'> = async (ctx, p) => {
  const row = await ctx.pipeline.wait(p.id, 0)
  const net = effectiveNetwork(ctx.db, row.network)
  return { ...view(ctx, row), actions: describeActions(row, net, net.family) }
}
export const wait: Handler<'tx.wait'> = async (ctx, p) => view(ctx, await ctx.pipeline.wait(p.id, p.timeoutMs))
export const approve: Handler<'tx.approve'> = async (ctx, p, caller) => view(ctx, await ctx.pipeline.approve(p.id, caller.actor))
export const reject: Handler<'tx.reject'> = (ctx, p, caller) => view(ctx, ctx.pipeline.reject(p.id, caller.actor, p.reason))
export const approvalMessage: Handler<'tx.approvalMessage'> = (ctx, p) => ctx.pipeline.approvalMessage(p.id, p.decision)
export const ownerDecide: Handler<'tx.ownerDecide'> = async (ctx, p) => view(ctx, await ctx.pipeline.ownerDecide(p.id, p.message, p.signature))
export const approvalLink: Handler<'tx.approvalLink'> = (ctx, p, caller) => createApprovalLink(ctx, p.id, caller.actor, ctx.now())
export const cancel: Handler<'tx.cancel'> = async (ctx, p, caller) => {
  if (caller.session !== undefined && getRequest(ctx.db, p.id).actor !== caller.actor) {
    throw new WaiaasError('SESSION_SCOPE', 'A session may cancel only the requests it made', { details: { id: p.id } })
  }
  return view(ctx, await ctx.pipeline.cancel(p.id, caller.actor))
}
export const speedUp: Handler<'tx.speedUp'> = async (ctx, p, caller) => view(ctx, await ctx.pipeline.speedUp(p.id, p.bumpPercent, caller.actor))

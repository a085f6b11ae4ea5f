/**
 * `tx.*`: transaction requests. Send, call and token approvals enter the one pipeline; list, show and wait read it;
 * approve, reject, the owner's decision, cancel and speed-up act on one request; simulate is a dry run outside it.
 */
import { formatAmount } from '../../lib/amounts.js'
import { WaiaasError } from '../../lib/errors.js'
import { assertFamily } from '../../lib/networks.js'
import { createApprovalLink } from '../approval/link.js'
import type { Handler } from '../context.js'
import { toIntent } from '../intents.js'
import { effectiveNetwork } from '../networks.js'
import { submit, view } from '../request-view.js'
import { getRequest, listRequests } from '../store/requests.js'
import { findWallet } from '../store/wallets.js'

export const simulate: Handler<'tx.simulate'> = async (ctx, params) => {
  const row = findWallet(ctx.db, params.wallet)
  const net = effectiveNetwork(ctx.db, params.network)
  assertFamily(net, row.chain)
  const adapter = await ctx.chains.adapter(net)
  const intent = await toIntent(adapter, net, params)
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
export const tokenApprove: Handler<'tx.tokenApprove'> = (ctx, p, caller) => submit(ctx, { kind: 'approve', ...p }, caller.actor)

export const list: Handler<'tx.list'> = (ctx, p, caller) => {
  const walletId = p.wallet === undefined ? undefined : findWallet(ctx.db, p.wallet).id
  const rows = listRequests(ctx.db, {
    limit: p.limit,
    ...(walletId !== undefined ? { walletId } : {}),
    // A session without a wallet named sees the requests of its own wallets only.
    ...(caller.session !== undefined ? { walletIds: caller.session.walletIds } : {}),
    ...(p.state !== undefined ? { state: p.state } : {}),
    ...(p.before !== undefined ? { before: p.before } : {}),
  })
  return { requests: rows.map((r) => view(ctx, r)) }
}

export const show: Handler<'tx.show'> = async (ctx, p) => view(ctx, await ctx.pipeline.wait(p.id, 0))
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

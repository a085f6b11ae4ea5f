/**
 * Transaction requests: send, call, approve and the sign-only kinds all enter the one pipeline; list, show and wait
 * read it; approve, reject, cancel and speed-up act on one request.
 */
import type { Handler } from '../context.js'
import type { SubmitInput } from '../pipeline/plan.js'
import { auditedRefusal } from '../policy/message-guard.js'
import { requestView } from '../pipeline/view.js'
import { getRequest, listRequests, type RequestRow } from '../store/requests.js'
import { WaiaasError } from '../../lib/errors.js'
import { findWallet } from '../store/wallets.js'
import type { DaemonContext } from '../context.js'
import { walletSummary } from '../store/wallet-summary.js'

/** The view of a row, with its wallet's name and address (a deleted wallet shows as such). */
export function view(ctx: DaemonContext, row: RequestRow): ReturnType<typeof requestView> {
  const w = walletSummary(ctx.db, row.walletId)
  return requestView(row, w)
}

const submit = async (ctx: DaemonContext, input: SubmitInput, actor: string): Promise<ReturnType<typeof requestView>> => view(ctx, await ctx.pipeline.submit(input, actor))

export const send: Handler<'tx.send'> = (ctx, p, caller) => submit(ctx, { kind: 'transfer', ...p }, caller.actor)
export const call: Handler<'tx.call'> = (ctx, p, caller) => submit(ctx, { kind: 'call', ...p }, caller.actor)
export const tokenApprove: Handler<'tx.tokenApprove'> = (ctx, p, caller) => submit(ctx, { kind: 'approve', ...p }, caller.actor)
export const signMessage: Handler<'sign.message'> = (ctx, p, caller) => auditedRefusal(ctx.db, caller.actor, () => submit(ctx, { kind: 'sign-message', ...p }, caller.actor))
export const signTypedData: Handler<'sign.typedData'> = (ctx, p, caller) => submit(ctx, { kind: 'sign-typed-data', ...p }, caller.actor)
export const signTx: Handler<'sign.tx'> = (ctx, p, caller) => submit(ctx, { kind: 'sign-tx', ...p }, caller.actor)

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
export const cancel: Handler<'tx.cancel'> = async (ctx, p, caller) => {
  if (caller.session !== undefined && getRequest(ctx.db, p.id).actor !== caller.actor) {
    throw new WaiaasError('SESSION_SCOPE', 'A session may cancel only the requests it made', { details: { id: p.id } })
  }
  return view(ctx, await ctx.pipeline.cancel(p.id, caller.actor))
}
export const speedUp: Handler<'tx.speedUp'> = async (ctx, p, caller) => view(ctx, await ctx.pipeline.speedUp(p.id, p.bumpPercent, caller.actor))

export const killSwitchOn: Handler<'killswitch.on'> = (ctx, p, caller) => ctx.pipeline.setKillSwitch(true, caller.actor, p.reason ?? null)
export const killSwitchOff: Handler<'killswitch.off'> = (ctx, _p, caller) => ctx.pipeline.setKillSwitch(false, caller.actor, null)
export const killSwitchStatus: Handler<'killswitch.status'> = (ctx) => ctx.pipeline.killSwitch()

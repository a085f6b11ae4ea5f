/**
 * The operator's acts on a request: approve or reject one that waits, cancel one not yet final (a broadcast EVM
 * transaction by replacement), speed one up. Owner decisions (owner.ts) end in the same approve/reject step.
 */
import type { TxState } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { effectiveNetwork } from '../networks.js'
import { getRequest, type RequestRow } from '../store/requests.js'
import { findWallet } from '../store/wallets.js'
import { preparedOf, type PipelineCtx } from './context.js'
import { assertFeeCap } from './decide.js'
import { execute } from './execute.js'
import { signWith } from './keys.js'
import { killSwitch } from './killswitch.js'
import { releaseReservation } from './reservation.js'
import { move } from './transition.js'

/** Key in a stored `prepared` that marks a cancelling replacement: the hash of the transaction it voids. */
const CANCELS = 'cancels'
/** Fee raise of a cancelling replacement over the transaction it replaces (nodes want at least 10%). */
const CANCEL_BUMP_PERCENT = 20

/** Whether the request's latest transaction is a cancelling replacement. */
export const cancelling = (row: RequestRow): boolean => typeof row.prepared?.[CANCELS] === 'string'

/** Operator approval of a request awaiting approval. */
export async function approve(ctx: PipelineCtx, id: string, actor: string): Promise<RequestRow> {
  decideApproval(ctx, id, 'approve', actor, {})
  await execute(ctx, id)
  return getRequest(ctx.env.db, id)
}

/** Operator rejection of a request awaiting approval or waiting out a delay. */
export function reject(ctx: PipelineCtx, id: string, actor: string, reason: string | undefined): RequestRow {
  decideApproval(ctx, id, 'reject', actor, reason === undefined ? {} : { reason })
  return getRequest(ctx.env.db, id)
}

/** awaiting_approval → approved, or (awaiting_approval | queued) → rejected; TX_STATE_CONFLICT when it is not there. */
export function decideApproval(ctx: PipelineCtx, id: string, decision: 'approve' | 'reject', actor: string, details: Record<string, unknown>, inside?: () => void): void {
  const row = getRequest(ctx.env.db, id)
  expireIfDue(ctx, row)
  const moved = move(ctx, id, {
    from: decision === 'approve' ? ['awaiting_approval'] : ['awaiting_approval', 'queued'],
    to: decision === 'approve' ? 'approved' : 'rejected',
    patch: decision === 'reject' ? { counted: false } : {},
    audit: { actor, action: `tx.${decision}`, outcome: 'ok', details: { contentHash: row.contentHash, policyRevision: row.policyRevision, ...details } },
    ...(inside === undefined ? {} : { inside }),
  })
  if (!moved) throw stateConflict(getRequest(ctx.env.db, id), decision)
  if (decision === 'reject') releaseReservation(ctx, row)
  ctx.waiters.notify(id)
}

export function stateConflict(row: RequestRow, act: string): WaiaasError {
  const done: Record<string, string> = { approve: 'approved', reject: 'rejected', cancel: 'cancelled', 'speed up': 'sped up' }
  return new WaiaasError('TX_STATE_CONFLICT', `Request ${row.id} is ${row.state}; it cannot be ${done[act] ?? act} now`, {
    details: { id: row.id, state: row.state },
  })
}

/** Moves an approval whose time is up to expired (committed on its own, before any refusal is thrown). */
export function expireIfDue(ctx: PipelineCtx, row: RequestRow): void {
  if (row.state !== 'awaiting_approval' || row.expiresAt === null || row.expiresAt > ctx.now()) return
  const moved = move(ctx, row.id, {
    from: ['awaiting_approval'],
    to: 'expired',
    patch: { counted: false },
    audit: { actor: 'daemon', action: 'tx.expired', outcome: 'ok', details: {} },
  })
  if (moved) releaseReservation(ctx, row)
  ctx.waiters.notify(row.id)
}

/** Cancels a request that has not been signed. */
export async function cancel(ctx: PipelineCtx, id: string, actor: string): Promise<RequestRow> {
  const db = ctx.env.db
  const row = getRequest(db, id)
  if (row.state === 'submitted') return cancelSubmitted(ctx, row, actor)
  if (ctx.work.has(`x:${id}`) || ctx.work.has(`d:${id}`)) {
    throw new WaiaasError('TX_STATE_CONFLICT', `Request ${id} is being processed right now; it cannot be cancelled`, { details: { id, state: row.state } })
  }
  const from: TxState[] = ['queued', 'awaiting_approval', 'approved']
  const moved = move(ctx, id, { from, to: 'cancelled', patch: { counted: false }, audit: { actor, action: 'tx.cancel', outcome: 'ok', details: { from: row.state } } })
  if (!moved) throw stateConflict(getRequest(db, id), 'cancel')
  releaseReservation(ctx, row)
  const tx = preparedOf(row)
  if (tx !== null) {
    const adapter = await ctx.env.chains.adapter(effectiveNetwork(db, row.network))
    await adapter.releaseNonce(tx)
  }
  ctx.waiters.notify(id)
  return getRequest(db, id)
}

/**
 * Cancels a broadcast EVM transaction by replacement: a 0-value transfer to the wallet itself with the same nonce
 * and higher fees (within FEE_CAP). The request stays `submitted` until one of its transactions lands: the
 * replacement makes it `cancelled` (its reservation released), the original (it won the race) `confirmed`.
 */
async function cancelSubmitted(ctx: PipelineCtx, row: RequestRow, actor: string): Promise<RequestRow> {
  const db = ctx.env.db
  if (killSwitch(ctx).on) throw new WaiaasError('KILL_SWITCH_ON', 'The kill switch is on: nothing is signed, not even a cancellation')
  const net = effectiveNetwork(db, row.network)
  const adapter = await ctx.env.chains.adapter(net)
  const tx = preparedOf(row)
  if (!adapter.replaceable || tx === null || row.raw === null || row.txHash === null) {
    throw new WaiaasError('TX_STATE_CONFLICT', `Request ${row.id} is already broadcast; only an EVM transaction can be cancelled by replacement`, {
      details: { id: row.id, state: row.state, network: row.network },
      hint: 'A Solana transaction that does not land expires with its blockhash, and the request then fails.',
    })
  }
  if (cancelling(row)) throw stateConflict(row, 'cancel again')
  const wallet = findWallet(db, row.walletId)
  const next = await adapter.cancel(tx, { raw: row.raw, hash: row.txHash }, CANCEL_BUMP_PERCENT)
  assertFeeCap(ctx, row, net, next.fee.maxFee)
  const signed = await signWith(ctx, adapter, wallet, next)
  const stored = move(ctx, row.id, {
    from: ['submitted'],
    to: 'submitted',
    patch: { prepared: { ...next, [CANCELS]: row.txHash }, raw: signed.raw, txHash: signed.hash, hashes: [...row.hashes, signed.hash] },
    audit: { actor, action: 'tx.cancel', outcome: 'ok', details: { from: 'submitted', replaces: row.txHash, txHash: signed.hash } },
  })
  if (!stored) throw stateConflict(getRequest(db, row.id), 'cancel')
  await adapter.broadcast(signed)
  ctx.waiters.notify(row.id)
  return getRequest(db, row.id)
}

/** Replaces a submitted EVM transaction with higher fees (same nonce), within FEE_CAP. */
export async function speedUp(ctx: PipelineCtx, id: string, bumpPercent: number, actor: string): Promise<RequestRow> {
  const db = ctx.env.db
  if (killSwitch(ctx).on) throw new WaiaasError('KILL_SWITCH_ON', 'The kill switch is on: nothing is signed')
  const row = getRequest(db, id)
  const tx = preparedOf(row)
  if (row.state !== 'submitted' || tx === null || row.raw === null || row.txHash === null) throw stateConflict(row, 'speed up')
  const net = effectiveNetwork(db, row.network)
  const adapter = await ctx.env.chains.adapter(net)
  if (!adapter.replaceable) throw new WaiaasError('TX_STATE_CONFLICT', 'Speed-up is for EVM transactions', { details: { id, network: row.network } })
  const wallet = findWallet(db, row.walletId)
  const next = await adapter.speedUp(tx, { raw: row.raw, hash: row.txHash }, bumpPercent)
  assertFeeCap(ctx, row, net, next.fee.maxFee)
  const signed = await signWith(ctx, adapter, wallet, next)
  const stored = move(ctx, id, {
    from: ['submitted'],
    to: 'submitted',
    patch: { prepared: next, raw: signed.raw, txHash: signed.hash, hashes: [...row.hashes, signed.hash] },
    audit: { actor, action: 'tx.speed-up', outcome: 'ok', details: { replaces: row.txHash, txHash: signed.hash, bumpPercent } },
  })
  if (!stored) throw stateConflict(getRequest(db, id), 'speed up')
  await adapter.broadcast(signed)
  ctx.waiters.notify(id)
  return getRequest(db, id)
}

/** Follow: reading a submitted transaction's status until it is final (confirmed, cancelled, failed or expired). */
import { effectiveNetwork } from '../networks.js'
import type { RequestPatch, RequestRow } from '../store/requests.js'
import { preparedOf, type PipelineCtx } from './context.js'
import { finishFailed } from './fail.js'
import { cancelling } from './operator.js'
import { settleReservation } from './reservation.js'
import { settle } from './settle.js'
import { move } from './transition.js'

/** One look at a submitted transaction's status; the sweep calls it again until it is final. */
export async function follow(ctx: PipelineCtx, row: RequestRow): Promise<void> {
  const adapter = await ctx.env.chains.adapter(effectiveNetwork(ctx.env.db, row.network))
  for (const hash of [...row.hashes].reverse()) {
    const status = await adapter.status(hash)
    if (status.state === 'confirmed' && cancelling(row) && hash === row.txHash) {
      // The cancelling replacement landed: nothing the request asked for happened, but its fee was paid.
      const settled = settle(row.amounts, row.usdMicros, status.fee, false)
      const patch: RequestPatch = settled === null ? { counted: false, txHash: hash } : { txHash: hash, ...settled }
      const moved = move(ctx, row.id, {
        from: ['submitted'],
        to: 'cancelled',
        patch,
        audit: { actor: 'daemon', action: 'tx.cancelled', outcome: 'ok', details: { txHash: hash, block: status.block.toString(), fee: status.fee.toString() } },
      })
      if (moved) settleReservation(ctx, row, settled)
      ctx.waiters.notify(row.id)
      return
    }
    if (status.state === 'confirmed') {
      const settled = settle(row.amounts, row.usdMicros, status.fee, true)
      const moved = move(ctx, row.id, {
        from: ['submitted'],
        to: 'confirmed',
        patch: { txHash: hash, ...settled },
        audit: { actor: 'daemon', action: 'tx.confirmed', outcome: 'ok', details: { txHash: hash, block: status.block.toString(), fee: status.fee.toString() } },
      })
      if (moved && settled !== null) settleReservation(ctx, row, settled)
      ctx.waiters.notify(row.id)
      return
    }
    if (status.state === 'failed') {
      finishFailed(ctx, row, ['submitted'], { code: 'CHAIN_REVERTED', reason: status.reason }, hash, status.block === null ? undefined : status.fee)
      return
    }
  }
  const tx = preparedOf(row)
  if (tx !== null && (await adapter.isExpired(tx))) {
    // Check once more after seeing expiry: it may have landed in between.
    const last = await adapter.status(row.txHash ?? '')
    if (last.state === 'unknown') finishFailed(ctx, row, ['submitted'], { code: 'CHAIN_BLOCKHASH_EXPIRED', reason: 'not included before its blockhash expired' })
    return
  }
  if (row.raw !== null && ctx.now() - row.updatedAt > 30_000) {
    // Not seen for a while: send the same bytes again (a node may have dropped them). Safe: same hash.
    await adapter.broadcast({ raw: row.raw, hash: row.txHash ?? '' }).catch(() => undefined)
  }
}

/** How a request fails: held for the next sweep on a transient error, else moved to `failed` with what it held released. */
import type { TxState } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { effectiveNetwork } from '../networks.js'
import { getRequest, type RequestPatch, type RequestRow } from '../store/requests.js'
import { preparedOf, type PipelineCtx } from './context.js'
import { settleReservation } from './reservation.js'
import { settle } from './settle.js'
import { move } from './transition.js'
import { TRANSIENT } from './work.js'

/** → failed (or stays, for transient errors); releases the reservation and, for unsent transactions, the nonce. */
export function failUnlessTransient(ctx: PipelineCtx, id: string, from: TxState[], err: unknown): void {
  const e = err instanceof WaiaasError ? err : new WaiaasError('INTERNAL', 'Internal error', { cause: err })
  if (TRANSIENT.has(e.code)) {
    ctx.env.log.warn('request held', { id, code: e.code })
    return
  }
  if (e.code === 'INTERNAL') ctx.env.log.error('request failed', { id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
  const row = getRequest(ctx.env.db, id)
  if (!from.includes(row.state)) return
  finishFailed(ctx, row, from, { code: e.code, reason: e.message })
  const tx = preparedOf(row)
  if (tx !== null && row.state !== 'submitted') {
    void ctx.env.chains
      .adapter(effectiveNetwork(ctx.env.db, row.network))
      .then((a) => a.releaseNonce(tx))
      .catch(() => undefined)
  }
}

/** → failed; the reservation is released, or, for a transaction mined and reverted, settled to the fee it paid. */
export function finishFailed(ctx: PipelineCtx, row: RequestRow, from: TxState[], error: { code: string; reason: string }, hash?: string, paidFee?: bigint): void {
  const settled = paidFee === undefined ? null : settle(row.amounts, row.usdMicros, paidFee, false)
  const patch: RequestPatch = { error, ...(hash ? { txHash: hash } : {}), ...(settled === null ? { counted: false } : settled) }
  const moved = move(ctx, row.id, {
    from,
    to: 'failed',
    patch,
    audit: { actor: 'daemon', action: 'tx.failed', outcome: 'failed', details: { code: error.code, reason: error.reason.slice(0, 500) } },
  })
  if (moved) settleReservation(ctx, row, settled)
  ctx.waiters.notify(row.id)
}

/** The spend ledger follows a request's end: its reservation released, or settled to what it really spent. */
import type { RequestRow, ReservedAmount } from '../store/requests.js'
import type { PipelineCtx } from './context.js'

/** The ledger follows a settled row (value and paid fee), or drops the reservation when nothing stays counted. */
export function settleReservation(ctx: PipelineCtx, row: RequestRow, settled: { amounts: ReservedAmount[]; usdMicros: bigint | null } | null): void {
  if (settled === null) return releaseReservation(ctx, row)
  if (!row.counted || row.acceptedAt === null) return
  const base = { acceptedAt: row.acceptedAt, network: row.network }
  ctx.ledger.settle(row.walletId, { ...base, usdMicros: row.usdMicros, amounts: row.amounts }, { ...base, ...settled })
}

export function releaseReservation(ctx: PipelineCtx, row: RequestRow): void {
  if (row.counted && row.acceptedAt !== null) {
    ctx.ledger.release(row.walletId, { acceptedAt: row.acceptedAt, network: row.network, usdMicros: row.usdMicros, amounts: row.amounts })
  }
}

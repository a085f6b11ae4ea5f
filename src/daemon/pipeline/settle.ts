/**
 * Fees in the spend ledger. A transaction's decision reserves its value plus the most its fee can cost (gas limit ×
 * max fee per gas; on Solana the signature fees plus the priority fee): both leave the wallet. Once the transaction
 * is mined, the reservation is settled to what it really cost: its value (if it succeeded) plus the fee it paid. A
 * transaction that reverted on chain still paid its fee, so that stays counted too.
 */
import type { ReservedAmount } from '../store/requests.js'

/** The amounts a decision reserves: the value moved plus, for a transaction, a fee entry at its maximum. */
export function withFee(value: readonly ReservedAmount[], maxFee: bigint | null, feeUsdMicros: bigint | null): ReservedAmount[] {
  if (maxFee === null || maxFee <= 0n) return [...value]
  return [...value, { asset: 'native', amount: maxFee, fee: { usdMicros: feeUsdMicros } }]
}

export interface Settled {
  amounts: ReservedAmount[]
  usdMicros: bigint | null
}

/**
 * What a mined transaction finally counts, given what was reserved (`amounts`, `usdMicros`) and the fee it paid;
 * `succeeded` false drops the value (it never moved). null when nothing was reserved for a fee (rows decided before
 * fees were counted, or sign-only requests): those keep their amounts.
 */
export function settle(amounts: readonly ReservedAmount[], usdMicros: bigint | null, paidFee: bigint, succeeded: boolean): Settled | null {
  const fee = amounts.find((a) => a.fee !== undefined)
  if (fee === undefined || fee.fee === undefined) return null
  const reservedFeeUsd = fee.fee.usdMicros
  // The fee's USD value scales with what was paid (rounded up: the ledger errs on the strict side).
  const paidUsd = reservedFeeUsd === null || fee.amount === 0n ? null : (reservedFeeUsd * paidFee + fee.amount - 1n) / fee.amount
  const paidEntry: ReservedAmount = { asset: 'native', amount: paidFee, fee: { usdMicros: paidUsd } }
  if (!succeeded) return { amounts: [paidEntry], usdMicros: paidUsd }
  const value = amounts.filter((a) => a !== fee)
  const valueUsd = usdMicros === null || reservedFeeUsd === null ? null : usdMicros - reservedFeeUsd
  return { amounts: [...value, paidEntry], usdMicros: valueUsd === null || paidUsd === null ? null : valueUsd + paidUsd }
}


/** A request row as every transport shows it (the contract's txRequest). */
import type { TxRequestView } from '../../lib/contract.js'
import { isFinal, type RequestRow } from '../store/requests.js'
import type { WalletRow } from '../store/wallets.js'

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/** Micro-dollars as a decimal string with up to 6 places. */
export function usdText(micros: bigint | null): string | null {
  if (micros === null) return null
  const whole = micros / 1_000_000n
  const frac = (micros % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '')
  return frac === '' ? whole.toString() : `${whole}.${frac}`
}

export function requestView(row: RequestRow, wallet: Pick<WalletRow, 'name' | 'address'> | undefined): TxRequestView {
  const d = row.decision
  return {
    id: row.id,
    walletId: row.walletId,
    walletName: wallet?.name ?? '(deleted)',
    from: wallet?.address ?? '',
    network: row.network,
    kind: row.kind,
    state: row.state,
    tier: row.tier,
    final: isFinal(row.kind, row.state),
    to: row.summary.to,
    amount: row.summary.amount,
    token: row.summary.token,
    symbol: row.summary.symbol,
    usd: usdText(row.usdMicros),
    decision:
      d === null
        ? null
        : { policyRevision: d.policyRevision, reason: d.reason, rule: d.rule, wouldPass: d.wouldPass, delaySeconds: d.tier === 'DELAY' ? d.delaySeconds : null },
    executeAt: row.state === 'queued' ? iso(row.delayUntil) : null,
    expiresAt: row.state === 'awaiting_approval' ? iso(row.expiresAt) : null,
    txHash: row.txHash,
    signature: row.signature,
    error: row.error,
    idempotencyKey: row.idempotencyKey,
    contentHash: row.contentHash,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  }
}

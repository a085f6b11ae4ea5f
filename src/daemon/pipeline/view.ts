/** A request row as every transport shows it (the contract's txRequest). */
import { formatAmount } from '../../lib/amounts.js'
import type { TxRequestView } from '../../lib/contract/index.js'
import { resolveNetwork } from '../../lib/networks.js'
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

/** The fee entry of a row's amounts in the network's native unit (maximum while unmined, paid once mined). */
function feeText(row: RequestRow): string | null {
  const fee = row.amounts.find((a) => a.fee !== undefined)
  if (fee === undefined) return null
  let decimals = 18
  try {
    decimals = resolveNetwork(row.network).nativeDecimals
  } catch {
    // an unknown network keeps the EVM default
  }
  return formatAmount(fee.amount, decimals)
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
    fee: feeText(row),
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

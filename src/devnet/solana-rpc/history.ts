/**
 * The ledger litesvm does not keep: every landed transaction by signature, and per address its signatures in order,
 * for getTransaction, getSignatureStatuses and getSignaturesForAddress.
 */
import type { WireTx } from './wire.js'

export interface TokenBalance {
  accountIndex: number
  mint: string
  owner: string
  programId: string
  uiTokenAmount: { amount: string; decimals: number; uiAmount: number; uiAmountString: string }
}

export interface TxRecord {
  signature: string
  slot: number
  blockTime: number
  wire: WireTx
  /** Solana JSON error, or null on success. */
  err: unknown
  fee: number
  preBalances: number[]
  postBalances: number[]
  preTokenBalances: TokenBalance[]
  postTokenBalances: TokenBalance[]
  logs: string[]
  unitsConsumed: number
}

export interface SignatureQuery {
  limit?: number
  before?: string
  until?: string
}

export class TxHistory {
  private readonly bySignature = new Map<string, TxRecord>()
  private readonly byAddress = new Map<string, string[]>()
  private readonly order: TxRecord[] = []

  add(rec: TxRecord): void {
    this.bySignature.set(rec.signature, rec)
    this.order.push(rec)
    for (const key of new Set(rec.wire.accountKeys)) {
      const list = this.byAddress.get(key)
      if (list === undefined) this.byAddress.set(key, [rec.signature])
      else list.push(rec.signature)
    }
  }

  /** The newest `n` records, oldest first (the order they landed in). */
  recent(n: number): TxRecord[] {
    return this.order.slice(-n)
  }

  get(signature: string): TxRecord | undefined {
    return this.bySignature.get(signature)
  }

  /** Newest first; `before` and `until` are exclusive bounds, like a real node. */
  forAddress(address: string, q: SignatureQuery): TxRecord[] {
    const list = this.byAddress.get(address) ?? []
    const limit = Math.min(Math.max(q.limit ?? 1000, 1), 1000)
    let start = list.length - 1
    if (q.before !== undefined) {
      const at = list.lastIndexOf(q.before)
      if (at < 0) return []
      start = at - 1
    }
    const out: TxRecord[] = []
    for (let i = start; i >= 0 && out.length < limit; i--) {
      const sig = list[i]
      if (sig === undefined || sig === q.until) break
      const rec = this.bySignature.get(sig)
      if (rec !== undefined) out.push(rec)
    }
    return out
  }
}

/**
 * The request row and the shapes around it, as the rest of the daemon sees them: plain data, no code, so interface
 * files (src/daemon/ports.ts) may name them. The functions that read and write rows are in requests.ts.
 */
import type { RequestKind, TxState } from '../../lib/contract/index.js'
import type { Action, Decision, Tier } from '../../lib/policy-types/model.js'

/** What the request shows people: display values, already formatted. */
export interface RequestSummary {
  to: string | null
  amount: string | null
  token: string | null
  symbol: string | null
}

export interface ReservedAmount {
  /** `native` or the token's canonical key, on the request's network. */
  asset: string
  amount: bigint
  /**
   * Set on the native entry that holds the transaction's fee (reserved at its maximum, settled to what was paid once
   * the transaction is mined), with the USD value of that fee when it had one.
   */
  fee?: { usdMicros: bigint | null }
}

export interface StoredDecision {
  tier: Tier
  delaySeconds: number
  reason: string
  rule: Decision['decisive']['rule']
  wouldPass: string | null
  verdicts: { tier: Tier; reason: string; rule: Decision['decisive']['rule'] }[]
  policyRevision: number
}

export interface RequestRow {
  id: string
  walletId: string
  network: string
  kind: RequestKind
  state: TxState
  tier: Tier | null
  idempotencyKey: string | null
  contentHash: string
  payload: Record<string, unknown>
  summary: RequestSummary
  actions: Action[]
  amounts: ReservedAmount[]
  recipient: string | null
  usdMicros: bigint | null
  counted: boolean
  decision: StoredDecision | null
  policyRevision: number | null
  delayUntil: number | null
  expiresAt: number | null
  prepared: Record<string, unknown> | null
  raw: string | null
  txHash: string | null
  /** Every transaction hash broadcast for this request (speed-ups add one). */
  hashes: string[]
  signature: string | null
  error: { code: string; reason: string } | null
  actor: string
  createdAt: number
  acceptedAt: number | null
  updatedAt: number
}

export type NewRequest = Pick<
  RequestRow,
  'id' | 'walletId' | 'network' | 'kind' | 'idempotencyKey' | 'contentHash' | 'payload' | 'summary' | 'actions' | 'amounts' | 'recipient' | 'actor' | 'createdAt'
>

/** The columns a transition may set. */
export interface RequestPatch {
  tier?: Tier | null
  counted?: boolean
  usdMicros?: bigint | null
  decision?: StoredDecision | null
  policyRevision?: number | null
  delayUntil?: number | null
  expiresAt?: number | null
  prepared?: Record<string, unknown> | null
  raw?: string | null
  txHash?: string | null
  hashes?: string[]
  signature?: string | null
  error?: { code: string; reason: string } | null
  acceptedAt?: number | null
  /** The actions the decision judged (decoded ones plus simulated effects) and the amounts it reserved. */
  actions?: Action[]
  amounts?: ReservedAmount[]
  payload?: Record<string, unknown>
}

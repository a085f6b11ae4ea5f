/**
 * How a request row is stored: the table's columns, the JSON encoding of its structured columns (bigints kept exact
 * as `{"$n":"…"}`), and the mapping from a stored row to a RequestRow.
 */
import type { RequestKind, TxState } from '../../lib/contract/index.js'
import type { Tier } from '../../lib/policy-types/model.js'
import type { RequestRow } from './request-types.js'

export interface DbRequest {
  id: string
  wallet_id: string
  network: string
  kind: string
  state: string
  tier: string | null
  idempotency_key: string | null
  content_hash: string
  payload: string
  summary: string
  actions: string
  amounts: string
  recipient: string | null
  usd_text: string | null
  counted: number
  decision: string | null
  policy_revision: number | null
  delay_until: number | null
  expires_at: number | null
  prepared: string | null
  raw: string | null
  tx_hash: string | null
  hashes: string | null
  signature: string | null
  error: string | null
  actor: string
  created_at: number
  accepted_at: number | null
  updated_at: number
}


export const SELECT = 'SELECT *, CAST(usd_micros AS TEXT) AS usd_text FROM requests'

/** JSON with exact bigints. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? { $n: v.toString() } : v))
}

export function fromJsonText<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v)
      if (keys.length === 1 && keys[0] === '$n' && typeof (v as { $n: unknown }).$n === 'string') return BigInt((v as { $n: string }).$n)
    }
    return v
  }) as T
}

export const json = (v: unknown): string | null => (v === null || v === undefined ? null : toJsonText(v))

export function toRow(r: DbRequest): RequestRow {
  return {
    id: r.id,
    walletId: r.wallet_id,
    network: r.network,
    kind: r.kind as RequestKind,
    state: r.state as TxState,
    tier: r.tier as Tier | null,
    idempotencyKey: r.idempotency_key,
    contentHash: r.content_hash,
    payload: fromJsonText(r.payload),
    summary: fromJsonText(r.summary),
    actions: fromJsonText(r.actions),
    amounts: fromJsonText(r.amounts),
    recipient: r.recipient,
    usdMicros: r.usd_text === null ? null : BigInt(r.usd_text),
    counted: r.counted === 1,
    decision: r.decision === null ? null : fromJsonText(r.decision),
    policyRevision: r.policy_revision,
    delayUntil: r.delay_until,
    expiresAt: r.expires_at,
    prepared: r.prepared === null ? null : fromJsonText(r.prepared),
    raw: r.raw,
    txHash: r.tx_hash,
    hashes: r.hashes === null ? [] : fromJsonText<string[]>(r.hashes),
    signature: r.signature,
    error: r.error === null ? null : fromJsonText(r.error),
    actor: r.actor,
    createdAt: r.created_at,
    acceptedAt: r.accepted_at,
    updatedAt: r.updated_at,
  }
}

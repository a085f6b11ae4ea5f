/**
 * Compare-and-set updates of a request: `transition` moves it between states and sets the patched columns in one
 * statement, keeping the hourly spend totals in step when counted amounts change.
 */
import type { TxState } from '../../lib/contract/index.js'
import type { Db } from './db.js'
import { fromJsonText, json } from './request-rows.js'
import type { RequestPatch, ReservedAmount } from './request-types.js'
import { addToHour, type CountedEntry } from './spend-hours.js'
import { inTransaction, prepared } from './statements.js'

const COLUMN: Record<keyof RequestPatch, string> = {
  tier: 'tier',
  counted: 'counted',
  usdMicros: 'usd_micros',
  decision: 'decision',
  policyRevision: 'policy_revision',
  delayUntil: 'delay_until',
  expiresAt: 'expires_at',
  prepared: 'prepared',
  raw: 'raw',
  txHash: 'tx_hash',
  hashes: 'hashes',
  signature: 'signature',
  error: 'error',
  acceptedAt: 'accepted_at',
  actions: 'actions',
  amounts: 'amounts',
  payload: 'payload',
}

function encode(key: keyof RequestPatch, v: unknown): unknown {
  switch (key) {
    case 'counted':
      return v === true ? 1 : 0
    case 'decision':
    case 'prepared':
    case 'hashes':
    case 'error':
    case 'actions':
    case 'amounts':
    case 'payload':
      return json(v)
    default:
      return v
  }
}

/**
 * Moves request `id` from one of `from` to `to`, setting `patch`, only if it is still in one of `from`.
 * Returns whether it moved. Call it inside the transaction that also writes the audit entry.
 */
export function transition(db: Db, id: string, from: readonly TxState[], to: TxState, patch: RequestPatch = {}, now = Date.now()): boolean {
  const keys = (Object.keys(patch) as (keyof RequestPatch)[]).filter((k) => patch[k] !== undefined)
  const sets = ['state = ?', 'updated_at = ?', ...keys.map((k) => `${COLUMN[k]} = ?`)]
  const sql = `UPDATE requests SET ${sets.join(', ')} WHERE id = ? AND state IN (${from.map(() => '?').join(', ')})`
  const values = [to, now, ...keys.map((k) => encode(k, patch[k])), id, ...from]
  if (!keys.some((k) => SPEND_COLUMNS.has(k))) return prepared(db, sql).run(...values).changes === 1
  // The counted amounts change: the hourly totals follow in the same transaction.
  const move = (): boolean => {
    const before = countedEntry(db, id)
    if (prepared(db, sql).run(...values).changes !== 1) return false
    const after = countedEntry(db, id)
    if (before !== null) addToHour(db, before, -1n)
    if (after !== null) addToHour(db, after, 1n)
    return true
  }
  return db.inTransaction ? move() : inTransaction(db, move)
}

/** The patch keys that change what a request adds to its wallet's hourly totals. */
const SPEND_COLUMNS = new Set<keyof RequestPatch>(['counted', 'usdMicros', 'amounts', 'acceptedAt'])

/** What request `id` adds to its hour now, or null when it is not counted. */
function countedEntry(db: Db, id: string): CountedEntry | null {
  const r = prepared<[string], { wallet_id: string; network: string; counted: number; accepted_at: number | null; usd_text: string | null; amounts: string }>(
    db,
    'SELECT wallet_id, network, counted, accepted_at, CAST(usd_micros AS TEXT) AS usd_text, amounts FROM requests WHERE id = ?',
  ).get(id)
  if (r === undefined || r.counted !== 1 || r.accepted_at === null) return null
  return { walletId: r.wallet_id, acceptedAt: r.accepted_at, network: r.network, usdMicros: r.usd_text === null ? null : BigInt(r.usd_text), amounts: fromJsonText<ReservedAmount[]>(r.amounts) }
}

/** Sets columns without a state change (e.g. the hashes of a speed-up), only while in `state`. */
export function patchRequest(db: Db, id: string, state: TxState, patch: RequestPatch, now = Date.now()): boolean {
  return transition(db, id, [state], state, patch, now)
}

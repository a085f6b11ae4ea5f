/**
 * Transaction requests: one row per request from validation on; every stage after that is a compare-and-set update
 * of its state (`transition`), so two actors (a sweep and an operator, say) can never both move the same request.
 * JSON columns keep bigints as `{"$n":"…"}` so amounts survive exactly.
 */
import type { RequestKind, TxState } from '../../lib/contract/index.js'
import type { Tier } from '../../lib/policy-types/model.js'
import { WaiaasError } from '../../lib/errors.js'
import type { Db } from './db.js'
import { SELECT, json, toJsonText, toRow, type DbRequest } from './request-rows.js'
import type { NewRequest, RequestRow } from './request-types.js'
import { addToHour } from './spend-hours.js'
import { prepared, sqliteCode } from './statements.js'

export type { NewRequest, RequestPatch, RequestRow, RequestSummary, ReservedAmount, StoredDecision } from './request-types.js'
export { fromJsonText, toJsonText } from './request-rows.js'
export { patchRequest, transition } from './request-transitions.js'

/** States after which nothing more happens to a request. `signed` is final only for sign-only kinds. */
export const FINAL_STATES: readonly TxState[] = ['confirmed', 'failed', 'denied', 'cancelled', 'rejected', 'expired', 'replaced']
/** States whose amounts no longer count against cumulative limits. */
export const RELEASED_STATES: readonly TxState[] = ['failed', 'denied', 'cancelled', 'rejected', 'expired', 'replaced']
/** Accepted and not finished: what MAX_PENDING counts. */
export const OPEN_STATES: readonly TxState[] = ['queued', 'awaiting_approval', 'approved', 'signed', 'submitted']

export const SIGN_ONLY_KINDS: readonly RequestKind[] = ['sign-message', 'sign-typed-data', 'sign-tx']

export function isFinal(kind: RequestKind, state: TxState): boolean {
  return FINAL_STATES.includes(state) || (state === 'signed' && SIGN_ONLY_KINDS.includes(kind))
}

/** Inserts a pending request. Returns false when its idempotency key is already taken (the caller reads that row). */
export function insertPending(db: Db, r: NewRequest): boolean {
  try {
    prepared(
      db,
      `INSERT INTO requests (id, wallet_id, network, kind, state, idempotency_key, content_hash, payload, summary, actions, amounts, recipient, actor, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      r.id,
      r.walletId,
      r.network,
      r.kind,
      r.idempotencyKey,
      r.contentHash,
      toJsonText(r.payload),
      toJsonText(r.summary),
      toJsonText(r.actions),
      toJsonText(r.amounts),
      r.recipient,
      r.actor,
      r.createdAt,
      r.createdAt,
    )
    return true
  } catch (err) {
    if (sqliteCode(err) === 'SQLITE_CONSTRAINT_UNIQUE' && r.idempotencyKey !== null) return false
    throw err
  }
}

/** Inserts a request already past its first stages (sign-only requests decided and signed in one transaction). */
export function insertRequest(db: Db, r: RequestRow): void {
  prepared(
    db,
    `INSERT INTO requests (id, wallet_id, network, kind, state, tier, idempotency_key, content_hash, payload, summary, actions, amounts, recipient,
       usd_micros, counted, decision, policy_revision, delay_until, expires_at, prepared, raw, tx_hash, hashes, signature, error, actor,
       created_at, accepted_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.id,
    r.walletId,
    r.network,
    r.kind,
    r.state,
    r.tier,
    r.idempotencyKey,
    r.contentHash,
    toJsonText(r.payload),
    toJsonText(r.summary),
    toJsonText(r.actions),
    toJsonText(r.amounts),
    r.recipient,
    r.usdMicros,
    r.counted ? 1 : 0,
    json(r.decision),
    r.policyRevision,
    r.delayUntil,
    r.expiresAt,
    json(r.prepared),
    r.raw,
    r.txHash,
    r.hashes.length === 0 ? null : toJsonText(r.hashes),
    r.signature,
    json(r.error),
    r.actor,
    r.createdAt,
    r.acceptedAt,
    r.updatedAt,
  )
  if (r.counted && r.acceptedAt !== null) addToHour(db, { walletId: r.walletId, acceptedAt: r.acceptedAt, network: r.network, usdMicros: r.usdMicros, amounts: r.amounts }, 1n)
}

export function findRequest(db: Db, id: string): RequestRow | undefined {
  const r = prepared<[string], DbRequest>(db, `${SELECT} WHERE id = ?`).get(id)
  return r === undefined ? undefined : toRow(r)
}

export function getRequest(db: Db, id: string): RequestRow {
  const row = findRequest(db, id)
  if (row === undefined) throw new WaiaasError('TX_NOT_FOUND', `No request with id "${id}"`, { details: { id } })
  return row
}

export function findByIdempotencyKey(db: Db, walletId: string, key: string): RequestRow | undefined {
  const r = prepared<[string, string], DbRequest>(db, `${SELECT} WHERE wallet_id = ? AND idempotency_key = ?`).get(walletId, key)
  return r === undefined ? undefined : toRow(r)
}

/** What `tx.list` narrows a page to; every field is optional but `limit`. Times are ms since the epoch. */
export interface RequestFilter {
  walletId?: string
  /** A session's wallets: only these (an empty list matches nothing). */
  walletIds?: readonly string[]
  state?: TxState | readonly TxState[]
  network?: string
  tier?: Tier
  kind?: RequestKind
  /** created_at at or after. */
  since?: number
  /** created_at before. */
  until?: number
  /** Only requests inserted before this one (its id): the cursor of the next page. */
  before?: string
  limit: number
}

/**
 * A page of requests, newest first (insertion order). The wallet and state filters go through their indexes; the
 * others narrow a walk of the table newest first that stops at the page's limit: few values each (networks, tiers,
 * kinds), and a time window is usually recent, so the walk rarely goes far (test/unit/store-query-plans.test.ts).
 */
export function listRequests(db: Db, f: RequestFilter): RequestRow[] {
  const where: string[] = []
  const args: unknown[] = []
  const eq = (column: string, value: unknown): void => {
    if (value === undefined) return
    where.push(`${column} = ?`)
    args.push(value)
  }
  eq('wallet_id', f.walletId)
  if (f.walletIds !== undefined) {
    where.push(`wallet_id IN (${f.walletIds.map(() => '?').join(', ') || 'NULL'})`)
    args.push(...f.walletIds)
  }
  if (typeof f.state === 'string') eq('state', f.state)
  else if (f.state !== undefined) {
    where.push(`state IN (${f.state.map(() => '?').join(', ') || 'NULL'})`)
    args.push(...f.state)
  }
  eq('network', f.network)
  eq('tier', f.tier)
  eq('kind', f.kind)
  if (f.since !== undefined) {
    where.push('created_at >= ?')
    args.push(f.since)
  }
  if (f.until !== undefined) {
    where.push('created_at < ?')
    args.push(f.until)
  }
  if (f.before !== undefined) {
    where.push('rowid < (SELECT rowid FROM requests WHERE id = ?)')
    args.push(f.before)
  }
  // The page's rowids first, then its rows: where an index finds the matches, only their rowids are sorted (from the
  // index alone when it covers the filter), not every matching row with its JSON columns.
  const sql = `${SELECT} WHERE rowid IN (SELECT rowid FROM requests${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid DESC LIMIT ?) ORDER BY rowid DESC`
  return prepared<unknown[], DbRequest>(db, sql)
    .all(...args, f.limit)
    .map(toRow)
}

/** Kinds the daemon itself sends to a chain (the others end at `signed`). */
export const SENT_KINDS: readonly RequestKind[] = ['native-transfer', 'token-transfer', 'contract-call', 'token-approve']

/**
 * Requests in `state`, oldest first (for the sweep and for resuming after a restart). `sentOnly` leaves out
 * sign-only requests, which stay `signed` for good and must never crowd out a transfer waiting to be broadcast.
 */
export function requestsInState(db: Db, state: TxState, limit = 500, opts: { sentOnly?: boolean } = {}): RequestRow[] {
  if (opts.sentOnly === true) {
    const kinds = SENT_KINDS.map((k) => `'${k}'`).join(', ')
    return prepared<[string, number], DbRequest>(db, `${SELECT} WHERE state = ? AND kind IN (${kinds}) ORDER BY rowid LIMIT ?`).all(state, limit).map(toRow)
  }
  return prepared<[string, number], DbRequest>(db, `${SELECT} WHERE state = ? ORDER BY rowid LIMIT ?`).all(state, limit).map(toRow)
}

/** Queued requests whose delay has passed. */
export function dueDelays(db: Db, now: number): RequestRow[] {
  return prepared<[number], DbRequest>(db, `${SELECT} WHERE state = 'queued' AND delay_until <= ? ORDER BY delay_until LIMIT 500`).all(now).map(toRow)
}

/** Requests awaiting approval whose time ran out. */
export function dueExpiries(db: Db, now: number): RequestRow[] {
  return prepared<[number], DbRequest>(db, `${SELECT} WHERE state = 'awaiting_approval' AND expires_at <= ? ORDER BY rowid LIMIT 500`).all(now).map(toRow)
}

/** Requests of a wallet accepted (not denied, not pending) since `sinceMs`, for RATE_LIMIT. */
export function countAcceptedSince(db: Db, walletId: string, sinceMs: number): number {
  return prepared<[string, number], { n: number }>(db, 'SELECT count(*) AS n FROM requests WHERE wallet_id = ? AND accepted_at >= ?').get(walletId, sinceMs)?.n ?? 0
}

/** Open requests of a wallet. `signed` is open only for transactions the daemon still has to send (not sign-only). */
export function countOpen(db: Db, walletId: string): number {
  const open = OPEN_STATES.filter((s) => s !== 'signed').map((s) => `'${s}'`)
  const sent = SENT_KINDS.map((k) => `'${k}'`)
  return (
    prepared<[string, string], { n: number }>(
      db,
      // By state first: open requests are few in all, where a wallet can have a million finished ones.
      `SELECT (SELECT count(*) FROM requests INDEXED BY requests_state_kind_wallet WHERE wallet_id = ? AND state IN (${open.join(', ')}))
            + (SELECT count(*) FROM requests WHERE wallet_id = ? AND state = 'signed' AND kind IN (${sent.join(', ')})) AS n`,
    ).get(walletId, walletId)?.n ?? 0
  )
}

/** When each request of a wallet accepted since `sinceMs` was accepted, ascending (the ledger's rate counts). */
export function acceptedTimesSince(db: Db, walletId: string, sinceMs: number): number[] {
  return db.prepare('SELECT accepted_at FROM requests WHERE wallet_id = ? AND accepted_at >= ? ORDER BY accepted_at').pluck().all(walletId, sinceMs) as number[]
}

/**
 * Whether the wallet has paid `recipient` before: a confirmed request only. A request still waiting for approval
 * does not make an address known, or a small first payment held for approval would clear the way for a large one.
 */
export function hasPaid(db: Db, walletId: string, recipient: string): boolean {
  return (
    prepared<[string, string], { x: number }>(db, "SELECT 1 AS x FROM requests WHERE wallet_id = ? AND recipient = ? AND counted = 1 AND state = 'confirmed' LIMIT 1").get(
      walletId,
      recipient,
    ) !== undefined
  )
}

/**
 * Transaction requests: one row per request from validation on; every stage after that is a compare-and-set update
 * of its state (`transition`), so two actors (a sweep and an operator, say) can never both move the same request.
 * JSON columns keep bigints as `{"$n":"…"}` so amounts survive exactly.
 */
import type { RequestKind, TxState } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import type { Action, Decision, Tier } from '../policy/types.js'
import type { Db } from './db.js'
import { addToHour, type CountedEntry } from './spend-hours.js'
import { inTransaction, prepared, sqliteCode } from './statements.js'

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

interface DbRequest {
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

const SELECT = 'SELECT *, CAST(usd_micros AS TEXT) AS usd_text FROM requests'

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

const json = (v: unknown): string | null => (v === null || v === undefined ? null : toJsonText(v))

function toRow(r: DbRequest): RequestRow {
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

export type NewRequest = Pick<
  RequestRow,
  'id' | 'walletId' | 'network' | 'kind' | 'idempotencyKey' | 'contentHash' | 'payload' | 'summary' | 'actions' | 'amounts' | 'recipient' | 'actor' | 'createdAt'
>

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

export function listRequests(db: Db, f: { walletId?: string; walletIds?: readonly string[]; state?: TxState; limit: number; before?: string }): RequestRow[] {
  const where: string[] = []
  const args: unknown[] = []
  if (f.walletId !== undefined) {
    where.push('wallet_id = ?')
    args.push(f.walletId)
  }
  if (f.walletIds !== undefined) {
    where.push(`wallet_id IN (${f.walletIds.map(() => '?').join(', ') || 'NULL'})`)
    args.push(...f.walletIds)
  }
  if (f.state !== undefined) {
    where.push('state = ?')
    args.push(f.state)
  }
  if (f.before !== undefined) {
    where.push('rowid < (SELECT rowid FROM requests WHERE id = ?)')
    args.push(f.before)
  }
  const sql = `${SELECT}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid DESC LIMIT ?`
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

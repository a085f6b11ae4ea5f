/**
 * Agent sessions: a bearer token with its own scope (wallets, permissions, expiry, renewals, an optional daily USD
 * cap). The token is 32 random bytes shown once; only its SHA-256 is stored, so the database never holds a usable
 * token and a lookup is by hash (an altered token simply matches nothing).
 */
import { createHash, randomBytes } from 'node:crypto'
import type { SessionPermission } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import type { Db } from './db.js'
import type { SessionRow } from './session-types.js'
import { prepared } from './statements.js'

/** Prefix of every token, so a leaked one is recognisable (secret scanners, logs) and never mistaken for a password. */
export const TOKEN_PREFIX = 'wsk_'

export type { SessionRow } from './session-types.js'

interface DbSession {
  id: string
  name: string
  wallets: string
  permissions: string
  ttl_seconds: number
  expires_at: number
  max_renewals: number
  renewals: number
  limit_text: string | null
  created_at: number
  revoked_at: number | null
  last_used_at: number | null
}

const COLUMNS = `id, name, wallets, permissions, ttl_seconds, expires_at, max_renewals, renewals,
  CAST(limit_usd_per_day AS TEXT) AS limit_text, created_at, revoked_at, last_used_at`

function toRow(r: DbSession): SessionRow {
  return {
    id: r.id,
    name: r.name,
    walletIds: JSON.parse(r.wallets) as string[],
    permissions: JSON.parse(r.permissions) as SessionPermission[],
    ttlSeconds: r.ttl_seconds,
    expiresAt: r.expires_at,
    maxRenewals: r.max_renewals,
    renewals: r.renewals,
    limitUsdPerDayMicros: r.limit_text === null ? null : BigInt(r.limit_text),
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  }
}

/** What is stored of a bearer secret (session tokens, approval-link tokens): its SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

export interface NewSession {
  name: string
  walletIds: string[]
  permissions: SessionPermission[]
  ttlSeconds: number
  maxRenewals: number
  limitUsdPerDayMicros: bigint | null
}

/** Stores a new session and returns it with its token (the only time the token exists outside the caller). */
export function insertSession(db: Db, s: NewSession, now: number): { session: SessionRow; token: string } {
  const id = `ses_${randomBytes(8).toString('hex')}`
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
  prepared(
    db,
    `INSERT INTO sessions (id, name, token_hash, wallets, permissions, ttl_seconds, expires_at, max_renewals, limit_usd_per_day, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    s.name,
    hashToken(token),
    JSON.stringify(s.walletIds),
    JSON.stringify(s.permissions),
    s.ttlSeconds,
    now + s.ttlSeconds * 1000,
    s.maxRenewals,
    s.limitUsdPerDayMicros,
    now,
  )
  return { session: getSession(db, id), token }
}

export function findSessionByToken(db: Db, token: string): SessionRow | undefined {
  const r = prepared<[string], DbSession>(db, `SELECT ${COLUMNS} FROM sessions WHERE token_hash = ?`).get(hashToken(token))
  return r === undefined ? undefined : toRow(r)
}

export function findSession(db: Db, id: string): SessionRow | undefined {
  const r = prepared<[string], DbSession>(db, `SELECT ${COLUMNS} FROM sessions WHERE id = ?`).get(id)
  return r === undefined ? undefined : toRow(r)
}

export function getSession(db: Db, id: string): SessionRow {
  const r = prepared<[string], DbSession>(db, `SELECT ${COLUMNS} FROM sessions WHERE id = ?`).get(id)
  if (r === undefined) throw new WaiaasError('SESSION_NOT_FOUND', `No session ${JSON.stringify(id.slice(0, 64))}`, { details: { id: id.slice(0, 64) } })
  return toRow(r)
}

export function listSessions(db: Db): SessionRow[] {
  return prepared<[], DbSession>(db, `SELECT ${COLUMNS} FROM sessions ORDER BY created_at DESC, id`).all().map(toRow)
}

/** Marks a session revoked (idempotent: the first revocation time stays). Returns the row. */
export function revokeSession(db: Db, id: string, now: number): SessionRow {
  getSession(db, id)
  prepared(db, 'UPDATE sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(now, id)
  return getSession(db, id)
}

/**
 * Moves the expiry to now + ttl and counts a renewal, only while the session is live and has renewals left;
 * false otherwise (checked and written in one statement, so two renewals cannot both take the last one).
 */
export function renewSession(db: Db, id: string, now: number): boolean {
  const r = prepared(
    db,
    `UPDATE sessions SET expires_at = ? + ttl_seconds * 1000, renewals = renewals + 1
     WHERE id = ? AND revoked_at IS NULL AND expires_at > ? AND renewals < max_renewals`,
  ).run(now, id, now)
  return r.changes === 1
}

export function touchSession(db: Db, id: string, now: number): void {
  prepared(db, 'UPDATE sessions SET last_used_at = ? WHERE id = ?').run(now, id)
}

/** Micro-dollars this session's counted requests accepted since `since` (ms); null when one of them has no USD value. */
export function sessionSpendSince(db: Db, actor: string, since: number): { micros: bigint; unpriced: number } {
  const r = prepared<[string, number], { total: string | null; unpriced: number }>(
    db,
    `SELECT CAST(coalesce(sum(usd_micros), 0) AS TEXT) AS total, sum(usd_micros IS NULL) AS unpriced
     FROM requests INDEXED BY requests_actor_time WHERE actor = ? AND counted = 1 AND accepted_at >= ?`,
  ).get(actor, since)
  return { micros: BigInt(r?.total ?? '0'), unpriced: r?.unpriced ?? 0 }
}

/** The accepted times of the oldest and newest counted, priced request of `actor` since `since` (null: none). */
export function sessionSpendTimes(db: Db, actor: string, since: number): { first: number; last: number } | null {
  const r = prepared<[string, number], { first: number | null; last: number | null }>(
    db,
    `SELECT min(accepted_at) AS first, max(accepted_at) AS last
     FROM requests INDEXED BY requests_actor_time WHERE actor = ? AND counted = 1 AND accepted_at >= ? AND usd_micros > 0`,
  ).get(actor, since)
  return r?.first == null || r.last == null ? null : { first: r.first, last: r.last }
}

/** The audit/request actor name of a session. */
export const sessionActor = (id: string): string => `session:${id}`

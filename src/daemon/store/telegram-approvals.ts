/**
 * The single-use tokens behind a Telegram approval message's Approve / Reject buttons, in SQLite: each bound to its
 * request, the request's content hash and its expiry; using one uses its sibling too.
 */
import type { Db } from './db.js'
import { inTransaction, prepared } from './statements.js'

/** A button's row. */
export interface Grant {
  token: string
  channel_id: string
  delivery_id: number
  request_id: string
  content_hash: string
  decision: 'approve' | 'reject'
  expires_at: number
  used_at: number | null
}

/** Stores one button token. */
export function insertApprovalButton(
  db: Db,
  b: { token: string; channelId: string; deliveryId: number; requestId: string; contentHash: string; decision: 'approve' | 'reject'; expiresAt: number; now: number },
): void {
  prepared(
    db,
    `INSERT INTO telegram_approvals (token, channel_id, delivery_id, request_id, content_hash, decision, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(b.token, b.channelId, b.deliveryId, b.requestId, b.contentHash, b.decision, b.expiresAt, b.now)
}

/** The buttons of a queued Telegram approval message, if it has them. */
export function buttonsOf(db: Db, deliveryId: number): { approve: string; reject: string } | undefined {
  const rows = prepared<[number], { token: string; decision: string }>(db, 'SELECT token, decision FROM telegram_approvals WHERE delivery_id = ?').all(deliveryId)
  const approve = rows.find((r) => r.decision === 'approve')?.token
  const reject = rows.find((r) => r.decision === 'reject')?.token
  return approve !== undefined && reject !== undefined ? { approve, reject } : undefined
}

/** The button of `token`, used or not. */
export function findGrant(db: Db, token: string): Grant | undefined {
  return prepared<[string], Grant>(db, 'SELECT * FROM telegram_approvals WHERE token = ?').get(token)
}

/** Uses `grant` and its sibling (same message) in one transaction; false when it was already used (a replay). */
export function useGrant(db: Db, grant: Pick<Grant, 'token' | 'delivery_id'>, now: number): boolean {
  return inTransaction(db, () => {
    const { changes } = prepared(db, 'UPDATE telegram_approvals SET used_at = ? WHERE token = ? AND used_at IS NULL').run(now, grant.token)
    if (changes === 1) prepared(db, 'UPDATE telegram_approvals SET used_at = ? WHERE delivery_id = ? AND used_at IS NULL').run(now, grant.delivery_id)
    return changes === 1
  })
}

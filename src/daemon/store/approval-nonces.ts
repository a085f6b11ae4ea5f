/** The single-use nonces of owner approval messages: issued with the message they belong to, used at most once. */
import type { Db } from './db.js'
import { prepared } from './statements.js'

export interface IssuedApproval {
  request_id: string
  decision: string
  message: string
  expires_at: number
  used_at: number | null
}

/** Records the nonce of an approval message issued for request `requestId`, valid until `expiresAt` (ms). */
export function issueApprovalNonce(db: Db, nonce: string, requestId: string, decision: string, message: string, expiresAt: number): void {
  prepared(db, 'INSERT INTO approval_nonces (nonce, request_id, decision, message, expires_at) VALUES (?, ?, ?, ?, ?)').run(nonce, requestId, decision, message, expiresAt)
}

/** What was issued under `nonce`, if anything. */
export function findApprovalNonce(db: Db, nonce: string): IssuedApproval | undefined {
  return prepared<[string], IssuedApproval>(db, 'SELECT request_id, decision, message, expires_at, used_at FROM approval_nonces WHERE nonce = ?').get(nonce)
}

/** Marks `nonce` used at `now`; false when it was already used (or never issued). */
export function useApprovalNonce(db: Db, nonce: string, now: number): boolean {
  return prepared(db, 'UPDATE approval_nonces SET used_at = ? WHERE nonce = ? AND used_at IS NULL').run(now, nonce).changes === 1
}

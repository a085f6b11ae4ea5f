/**
 * One-time approval links (migration 7): only the SHA-256 of a link's token is stored, with the request it opens,
 * that request's content hash when the link was made, its expiry and when it was used. Times are ms since the epoch.
 */
import type { Db } from './db.js'
import { prepared } from './statements.js'

export interface ApprovalLinkRow {
  tokenHash: string
  requestId: string
  contentHash: string
  createdAt: number
  expiresAt: number
  usedAt: number | null
  decision: 'approve' | 'reject' | null
}

interface DbLink {
  token_hash: string
  request_id: string
  content_hash: string
  created_at: number
  expires_at: number
  used_at: number | null
  decision: 'approve' | 'reject' | null
}

export function insertApprovalLink(db: Db, link: Omit<ApprovalLinkRow, 'usedAt' | 'decision'>): void {
  prepared(db, 'INSERT INTO approval_links (token_hash, request_id, content_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
    link.tokenHash,
    link.requestId,
    link.contentHash,
    link.createdAt,
    link.expiresAt,
  )
}

export function findApprovalLink(db: Db, tokenHash: string): ApprovalLinkRow | undefined {
  const r = prepared<[string], DbLink>(db, 'SELECT * FROM approval_links WHERE token_hash = ?').get(tokenHash)
  if (r === undefined) return undefined
  return {
    tokenHash: r.token_hash,
    requestId: r.request_id,
    contentHash: r.content_hash,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
    decision: r.decision,
  }
}

/** Marks the link used if it is unused and unexpired at `now`; false when another use got there first (or it expired). */
export function useApprovalLink(db: Db, tokenHash: string, decision: 'approve' | 'reject', now: number): boolean {
  const { changes } = prepared(db, 'UPDATE approval_links SET used_at = ?, decision = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?').run(
    now,
    decision,
    tokenHash,
    now,
  )
  return changes === 1
}

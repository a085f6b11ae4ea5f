/**
 * One-time approval links. The operator asks for a link to a request awaiting approval; the link carries a random
 * 32-byte token (base64url) of which only the SHA-256 is stored. Whoever holds the link may see the request on the
 * approval page, but deciding it still takes the owner's signature over the canonical approval message: the token is
 * the capability to ask, the signature the authority. A link works once (it is consumed in the same transaction as
 * the decision it carries), and not after the request's approval expires, an hour passes, or the request moves on.
 * A refused signature does not consume it, so the owner can retry with the right key.
 */
import { randomBytes } from 'node:crypto'
import { WaiaasError } from '../../lib/errors.js'
import type { DaemonContext } from '../context.js'
import { appendAudit } from '../store/audit.js'
import { findApprovalLink, insertApprovalLink, useApprovalLink, type ApprovalLinkRow } from '../store/approval-links.js'
import { hashToken } from '../store/sessions.js'
import { getRequest, type RequestRow } from '../store/requests.js'
import { inTransaction } from '../store/statements.js'
import { findWallet } from '../store/wallets.js'
import { parseApprovalMessage } from './owner.js'

/** The longest a link lives; it never outlives the request's own approval expiry. */
export const LINK_TTL_MS = 60 * 60 * 1000
/** Where the REST plugin serves the page: `<base>/approve/<token>`. */
export const APPROVE_PREFIX = '/approve/'
const TOKEN = /^[A-Za-z0-9_-]{43}$/


/**
 * The base URL of links while the REST plugin serves (else null): the configured public URL (rest.publicUrl, for
 * an owner who reaches the plugin through a proxy or tunnel), or the plugin's own address (e.g. `http://127.0.0.1:3100`).
 */
function restBaseUrl(ctx: Pick<DaemonContext, 'plugins' | 'restPublicUrl'>): string | null {
  if (!ctx.plugins.serving('rest')) return null
  if (ctx.restPublicUrl !== undefined) return ctx.restPublicUrl.replace(/\/+$/, '')
  const listening = ctx.plugins.status('rest').listening
  return listening === null ? null : listening.replace(/\/v1$/, '')
}

/**
 * A new one-time link to the approval page of request `id`. TX_NOT_FOUND, TX_STATE_CONFLICT (not awaiting approval),
 * OWNER_NOT_SET (nobody could sign), APPROVAL_LINK_UNAVAILABLE (the REST plugin is not serving), AUDIT_WRITE_FAILED.
 */
export function createApprovalLink(ctx: Pick<DaemonContext, 'db' | 'plugins' | 'restPublicUrl'>, id: string, actor: string, now = Date.now()): { url: string; expiresAt: string } {
  const db = ctx.db
  const row = getRequest(db, id)
  if (row.state !== 'awaiting_approval' || row.expiresAt === null || row.expiresAt <= now) {
    throw new WaiaasError('TX_STATE_CONFLICT', `Request ${id} is ${row.expiresAt !== null && row.expiresAt <= now ? 'expired' : row.state}; only a request awaiting approval has an approval link`, {
      details: { id, state: row.state },
    })
  }
  const wallet = findWallet(db, row.walletId)
  if (wallet.owner === null) {
    throw new WaiaasError('OWNER_NOT_SET', `Wallet "${wallet.name}" has no owner address, so nobody could approve on the page`, { details: { wallet: wallet.id } })
  }
  const base = restBaseUrl(ctx)
  if (base === null) {
    throw new WaiaasError('APPROVAL_LINK_UNAVAILABLE', 'The approval page is served by the REST plugin, which is not running', {
      details: { plugin: 'rest' },
      hint: 'Enable it with `waiaas plugin enable rest` (on an address the owner can reach), then ask for the link again.',
    })
  }
  const token = randomBytes(32).toString('base64url')
  const expiresAt = Math.min(row.expiresAt, now + LINK_TTL_MS)
  inTransaction(db, () => {
    insertApprovalLink(db, { tokenHash: hashToken(token), requestId: id, contentHash: row.contentHash, createdAt: now, expiresAt })
    appendAudit(db, { actor, action: 'tx.approval-link', target: id, outcome: 'ok', details: { expiresAt: new Date(expiresAt).toISOString() } })
  })
  return { url: `${base}${APPROVE_PREFIX}${token}`, expiresAt: new Date(expiresAt).toISOString() }
}

export interface OpenLink {
  link: ApprovalLinkRow
  request: RequestRow
}

/**
 * The link `token` names and its request, if the link may still be used: APPROVAL_LINK_NOT_FOUND, APPROVAL_LINK_USED,
 * APPROVAL_LINK_EXPIRED, or APPROVAL_LINK_STALE when the request no longer awaits approval or its content changed.
 * None of the refusals names the request.
 */
export function openApprovalLink(ctx: Pick<DaemonContext, 'db'>, token: string, now = Date.now()): OpenLink {
  const link = TOKEN.test(token) ? findApprovalLink(ctx.db, hashToken(token)) : undefined
  if (link === undefined) throw new WaiaasError('APPROVAL_LINK_NOT_FOUND', 'This approval link is unknown', { details: {} })
  if (link.usedAt !== null) throw new WaiaasError('APPROVAL_LINK_USED', 'This approval link was already used', { details: { usedAt: new Date(link.usedAt).toISOString() } })
  if (now >= link.expiresAt) throw new WaiaasError('APPROVAL_LINK_EXPIRED', 'This approval link has expired', { details: { expiredAt: new Date(link.expiresAt).toISOString() } })
  let request: RequestRow
  try {
    request = getRequest(ctx.db, link.requestId)
  } catch {
    throw stale()
  }
  if (request.state !== 'awaiting_approval' || request.contentHash !== link.contentHash || request.expiresAt === null || request.expiresAt <= now) throw stale()
  return { link, request }
}

function stale(): WaiaasError {
  return new WaiaasError('APPROVAL_LINK_STALE', 'The request behind this link no longer awaits approval', { details: {} })
}

export interface LinkDecision {
  id: string
  decision: 'approve' | 'reject'
  state: RequestRow['state']
  txHash: string | null
}

/**
 * The owner's decision through link `token`: the link must be open, the message one the daemon issued for its request
 * and the signature the owner's (APPROVAL_INVALID otherwise, and the link stays usable). The link is consumed in the
 * transaction that records the decision, so a replay or a concurrent second use is refused with APPROVAL_LINK_USED.
 */
export async function decideByLink(ctx: Pick<DaemonContext, 'db' | 'pipeline' | 'now'>, token: string, message: string, signature: string): Promise<LinkDecision> {
  const { link } = openApprovalLink(ctx, token, ctx.now())
  let decision: 'approve' | 'reject' | undefined
  const consume = (): void => {
    // Runs only after ownerDecide has parsed and checked the message, so it parses here.
    const d = parseApprovalMessage(message).decision
    if (!useApprovalLink(ctx.db, link.tokenHash, d, ctx.now())) throw new WaiaasError('APPROVAL_LINK_USED', 'This approval link was already used', { details: {} })
    decision = d
  }
  let row: RequestRow
  try {
    row = await ctx.pipeline.ownerDecide(link.requestId, message, signature, consume)
  } catch (err) {
    // The decision was recorded (the link is spent) and a later stage failed: report the request as it stands.
    const after = findApprovalLink(ctx.db, link.tokenHash)
    if (decision === undefined || after === undefined || after.usedAt === null) throw err
    row = getRequest(ctx.db, link.requestId)
  }
  if (decision === undefined) throw new WaiaasError('INTERNAL', 'The owner decision was recorded without consuming the link')
  return { id: row.id, decision, state: row.state, txHash: row.txHash }
}

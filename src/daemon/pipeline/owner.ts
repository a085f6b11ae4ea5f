/**
 * Owner decisions: the wallet's owner approves or rejects a request by signing a canonical message this daemon issued
 * (single-use nonce, bound to the request's content, policy revision, network and expiry).
 */
import { randomBytes } from 'node:crypto'
import { WaiaasError } from '../../lib/errors.js'
import { approvalMessage as composeApprovalMessage, parseApprovalMessage, verifyOwnerSignature } from '../approval/owner.js'
import { assertOwnerOutside, heldWallet } from '../approval/owner-rule.js'
import { findApprovalNonce, issueApprovalNonce, useApprovalNonce } from '../store/approval-nonces.js'
import { appendAudit } from '../store/audit.js'
import { getRequest, type RequestRow } from '../store/requests.js'
import { findWallet } from '../store/wallets.js'
import type { PipelineCtx } from './context.js'
import { execute } from './execute.js'
import { decideApproval, expireIfDue, stateConflict } from './operator.js'

/** The canonical message the owner signs, with a fresh single-use nonce. */
export function approvalMessage(ctx: PipelineCtx, id: string, decision: 'approve' | 'reject'): { message: string; owner: string; expiresAt: string } {
  const db = ctx.env.db
  const row = getRequest(db, id)
  expireIfDue(ctx, row)
  if (row.state !== 'awaiting_approval' || row.expiresAt === null || row.policyRevision === null) throw stateConflict(getRequest(db, id), decision)
  const wallet = findWallet(db, row.walletId)
  if (wallet.owner === null) throw new WaiaasError('OWNER_NOT_SET', `Wallet "${wallet.name}" has no owner address`, { details: { wallet: wallet.id } })
  assertOwnerOutside(db, wallet.chain, wallet.owner)
  const expiresAt = new Date(row.expiresAt).toISOString()
  const nonce = randomBytes(16).toString('hex')
  const message = composeApprovalMessage({ decision, requestId: id, wallet: wallet.address, network: row.network, contentHash: row.contentHash, policyRevision: row.policyRevision, expiresAt, nonce })
  issueApprovalNonce(db, nonce, id, decision, message, row.expiresAt)
  return { message, owner: wallet.owner, expiresAt }
}

/**
 * Owner approval or rejection by signature; refuses replays, other requests, changed content and expiry. `inside`
 * runs in the transaction that records the decision (after every check), so a caller can consume something of its
 * own (an approval link) atomically with it; when it throws, nothing is decided.
 */
export async function ownerDecide(ctx: PipelineCtx, id: string, message: string, signature: string, inside?: () => void): Promise<RequestRow> {
  const db = ctx.env.db
  const row = getRequest(db, id)
  const wallet = findWallet(db, row.walletId)
  if (wallet.owner === null) throw new WaiaasError('OWNER_NOT_SET', `Wallet "${wallet.name}" has no owner address`, { details: { wallet: wallet.id } })
  const refuse = (reason: string): WaiaasError => {
    appendAudit(db, { actor: `owner:${wallet.owner}`, action: 'tx.owner-decision', target: id, outcome: 'denied', details: { reason } })
    return new WaiaasError('APPROVAL_INVALID', `Owner approval refused: ${reason}`, { details: { id, reason } })
  }
  let fields
  try {
    fields = parseApprovalMessage(message)
  } catch {
    throw refuse('the message is not a waiaas approval message')
  }
  const issued = findApprovalNonce(db, fields.nonce)
  if (fields.requestId !== id || (issued !== undefined && issued.request_id !== id)) throw refuse('the message is for another request')
  if (issued === undefined || issued.message !== message) throw refuse('the message was not issued by this daemon')
  if (issued.used_at !== null) throw refuse('this approval message was already used')
  if (fields.contentHash !== row.contentHash) throw refuse("the message does not match the request's content")
  if (fields.policyRevision !== row.policyRevision || fields.network !== row.network || fields.wallet !== wallet.address) throw refuse('the message does not match the request')
  if (ctx.now() >= issued.expires_at) throw refuse('the approval has expired')
  if (heldWallet(db, wallet.chain, wallet.owner) !== undefined) throw refuse('the owner key is held by this daemon')
  if (!verifyOwnerSignature(wallet.chain, wallet.owner, message, signature)) throw refuse("the signature is not the owner's")
  expireIfDue(ctx, row)
  const decision = fields.decision
  const nonce = fields.nonce
  decideApproval(ctx, id, decision, `owner:${wallet.owner}`, { nonce }, () => {
    if (!useApprovalNonce(db, nonce, ctx.now())) throw new WaiaasError('APPROVAL_INVALID', 'Owner approval refused: this approval message was already used', { details: { id } })
    inside?.()
  })
  if (decision === 'approve') await execute(ctx, id)
  return getRequest(db, id)
}

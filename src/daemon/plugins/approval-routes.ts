/**
 * The approval page's routes on the HTTP server, served while the REST plugin is enabled and needing no credential
 * (the one-time token in the path is the capability, the owner's signature the authority):
 * `GET /approve/<token>` answers the page (or a plain error page without request details: 404 unknown, 410 used,
 * expired or decided), `POST /approve/<token>` with `{message, signature}` decides the request by the owner's
 * signature and answers `{ok, data: {id, decision, state, txHash}}`. The token never reaches the log.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ERROR_CODES, toWaiaasError, WaiaasError } from '../../lib/errors.js'
import { encodeFrame } from '../../lib/wire.js'
import { describeActions, displayAddress, signingContent } from '../approval/describe.js'
import { APPROVE_PREFIX, decideByLink, openApprovalLink } from '../approval/link.js'
import { pageHeaders, renderApprovalPage, renderErrorPage } from '../approval/page.js'
import type { DaemonContext } from '../context.js'
import { effectiveNetwork } from '../networks.js'
import { requestView } from '../pipeline/view.js'
import { findWallet } from '../store/wallets.js'

/** Bodies of a decision are a message (≤ 4 KiB) and a signature. */
export const APPROVAL_BODY_BYTES = 16 * 1024

export function isApprovalPath(path: string): boolean {
  return path === '/approve' || path.startsWith(APPROVE_PREFIX)
}

/** A request path fit for the log: the token of an approval link is a capability, so it is cut. */
export function loggablePath(path: string | undefined): string | undefined {
  return path !== undefined && isApprovalPath(path) ? `${APPROVE_PREFIX}…` : path
}

export interface ApprovalRequest {
  path: string
  verb: string
  /** Whether the REST plugin is enabled right now. */
  serving: boolean
  readBody(): Promise<unknown>
}

const TITLES: Partial<Record<string, [string, string]>> = {
  APPROVAL_LINK_NOT_FOUND: ['Unknown approval link', 'This approval link is unknown. Ask the operator for a new one.'],
  APPROVAL_LINK_USED: ['Approval link already used', 'This approval link was already used. Each link works once.'],
  APPROVAL_LINK_EXPIRED: ['Approval link expired', 'This approval link has expired. Ask the operator for a new one if the request still waits.'],
  APPROVAL_LINK_STALE: ['Nothing to approve', 'The request behind this link no longer awaits approval: it was decided, cancelled or expired.'],
}

function sendHtml(res: ServerResponse, status: number, nonce: string, html: string, head: boolean): void {
  res.writeHead(status, { ...pageHeaders(nonce), 'content-length': String(Buffer.byteLength(html)) })
  res.end(head ? undefined : html)
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = encodeFrame(body)
  const { 'content-type': _html, ...security } = pageHeaders(randomBytes(16).toString('base64'))
  res.writeHead(status, { ...security, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) })
  res.end(text)
}

function sendErrorPage(res: ServerResponse, err: WaiaasError, head: boolean): void {
  const nonce = randomBytes(16).toString('base64')
  const [title, text] = TITLES[err.code] ?? ['This approval link cannot be used', err.hint]
  sendHtml(res, ERROR_CODES[err.code].http, nonce, renderErrorPage(nonce, title, text), head)
}

function page(ctx: DaemonContext, token: string, nonce: string): string {
  const { link, request } = openApprovalLink(ctx, token, ctx.now())
  const wallet = findWallet(ctx.db, request.walletId)
  // Only display fields of the network: its effective RPC URL may hold credentials.
  const net = effectiveNetwork(ctx.db, request.network)
  const view = requestView(request, wallet)
  const approve = ctx.pipeline.approvalMessage(request.id, 'approve')
  const reject = ctx.pipeline.approvalMessage(request.id, 'reject')
  return renderApprovalPage({
    nonce,
    request: { ...view, to: displayAddress(wallet.chain, view.to), token: displayAddress(wallet.chain, view.token) },
    chain: wallet.chain,
    networkName: net.name,
    owner: approve.owner,
    actions: describeActions(request, net, wallet.chain),
    signing: signingContent(request),
    linkExpiresAt: new Date(link.expiresAt).toISOString(),
    messages: { approve: approve.message, reject: reject.message },
  })
}

function decisionBody(body: unknown): { message: string; signature: string } {
  const b = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>
  const bad = (field: string, why: string): WaiaasError => new WaiaasError('INPUT_INVALID', `\`${field}\` ${why}`, { details: { issues: [{ path: field, message: why }] } })
  if (typeof b.message !== 'string' || b.message.length === 0 || b.message.length > 4096) throw bad('message', 'must be the approval message (at most 4096 characters)')
  if (typeof b.signature !== 'string' || b.signature.length === 0 || b.signature.length > 512) throw bad('signature', 'must be the signature (at most 512 characters)')
  return { message: b.message, signature: b.signature }
}

/** Serves `/approve/<token>`; never throws (every failure is answered here, as HTML for pages and JSON for decisions). */
export async function handleApproval(ctx: DaemonContext, res: ServerResponse, req: ApprovalRequest): Promise<void> {
  const token = req.path.startsWith(APPROVE_PREFIX) ? req.path.slice(APPROVE_PREFIX.length) : ''
  const head = req.verb === 'HEAD'
  if (req.verb === 'GET' || head) {
    try {
      if (!req.serving) throw new WaiaasError('APPROVAL_LINK_UNAVAILABLE', 'The REST plugin is not enabled', { details: {} })
      const nonce = randomBytes(16).toString('base64')
      return sendHtml(res, 200, nonce, page(ctx, token, nonce), head)
    } catch (err) {
      const e = toWaiaasError(err)
      if (e.code === 'INTERNAL') ctx.log.child('approval').error('approval page failed', { error: err instanceof Error ? err.message : String(err) })
      return sendErrorPage(res, e, head)
    }
  }
  if (req.verb === 'POST') {
    try {
      if (!req.serving) throw new WaiaasError('APPROVAL_LINK_UNAVAILABLE', 'The REST plugin is not enabled', { details: {} })
      const { message, signature } = decisionBody(await req.readBody())
      return sendJson(res, 200, { ok: true, data: await decideByLink(ctx, token, message, signature) })
    } catch (err) {
      const e = toWaiaasError(err)
      if (e.code === 'INTERNAL') ctx.log.child('approval').error('approval decision failed', { error: err instanceof Error ? err.message : String(err) })
      return sendJson(res, ERROR_CODES[e.code].http, { ok: false, error: e.toPayload() })
    }
  }
  res.setHeader('allow', 'GET, POST')
  return sendJson(res, 405, { ok: false, error: new WaiaasError('HTTP_METHOD_NOT_ALLOWED', 'The approval page takes GET and POST', { details: { allowed: ['GET', 'POST'] } }).toPayload() })
}

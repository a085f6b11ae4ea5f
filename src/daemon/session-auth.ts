/**
 * What an agent session may do, checked in one place for every transport (socket, REST, MCP): the token names a
 * live session; the method declares session access in the contract; the session holds the permission it needs;
 * the wallet it touches (named in the params, or reached through a request or a policy id) is one of the session's.
 * A wallet, request or policy outside the session is reported as not found or out of scope, never described.
 */
import type { MethodDef, MethodName } from '../lib/contract/index.js'
import { WaiaasError } from '../lib/errors.js'
import type { Caller, DaemonContext } from './context.js'
import { getPolicy } from './store/policies.js'
import { getRequest } from './store/requests.js'
import { findSessionByToken, sessionActor, touchSession, type SessionRow } from './store/sessions.js'
import { findWallet } from './store/wallets.js'

/** last_used_at is written at most this often per session, so a busy agent does not add a commit to every call. */
const TOUCH_EVERY_MS = 60_000

/** The caller a token stands for; SESSION_INVALID / SESSION_REVOKED / SESSION_EXPIRED otherwise. */
export function sessionCaller(ctx: DaemonContext, token: string, now: number = ctx.now()): Caller {
  const session = token.length > 200 ? undefined : findSessionByToken(ctx.db, token)
  if (session === undefined) throw new WaiaasError('SESSION_INVALID', 'The session token is not valid')
  assertSessionLive(session, now)
  if (session.lastUsedAt === null || now - session.lastUsedAt >= TOUCH_EVERY_MS) touchSession(ctx.db, session.id, now)
  return { role: 'agent', actor: sessionActor(session.id), session }
}

/** SESSION_REVOKED / SESSION_EXPIRED unless the session may still act at `now` (also re-checked by a waiting call). */
export function assertSessionLive(session: SessionRow, now: number): void {
  if (session.revokedAt !== null) throw new WaiaasError('SESSION_REVOKED', `Session ${session.id} was revoked`, { details: { session: session.id } })
  if (session.expiresAt <= now) {
    throw new WaiaasError('SESSION_EXPIRED', `Session ${session.id} expired at ${new Date(session.expiresAt).toISOString()}`, {
      details: { session: session.id, expiresAt: new Date(session.expiresAt).toISOString() },
    })
  }
}

const outOfScope = (what: string, details: Record<string, unknown>): WaiaasError => new WaiaasError('SESSION_SCOPE', what, { details })

/** Whether `ref` (an id or a name) is one of the session's wallets; its id if so. */
function sessionWallet(ctx: DaemonContext, session: SessionRow, ref: string): string | undefined {
  let id: string
  try {
    id = findWallet(ctx.db, ref).id
  } catch (err) {
    if (err instanceof WaiaasError && err.code === 'WALLET_NOT_FOUND') return undefined
    throw err
  }
  return session.walletIds.includes(id) ? id : undefined
}

/**
 * Whether a session may call `method` at all, before its params are looked at: the method allows sessions, the kill
 * switch is off, and the session holds the permission the method needs.
 */
export function checkSessionMethod(ctx: DaemonContext, method: MethodName, def: MethodDef, session: SessionRow): NonNullable<MethodDef['session']> {
  const access = def.session
  if (access === undefined) throw outOfScope(`An agent session may not call ${method}`, { method })
  if (ctx.pipeline.killSwitch().on && method !== 'killswitch.status') {
    throw new WaiaasError('KILL_SWITCH_ON', 'The kill switch is on: agent sessions are suspended until the operator turns it off', { details: { method } })
  }
  if (!session.permissions.includes(access.permission)) {
    throw outOfScope(`This session lacks the ${access.permission} permission that ${method} needs`, { method, permission: access.permission, session: session.permissions })
  }
  return access
}

/**
 * Checks a session's call against the method's declared session access and returns the params to run it with
 * (for `param` methods without a wallet, the session's only wallet filled in).
 */
export function checkSessionCall(ctx: DaemonContext, method: MethodName, def: MethodDef, session: SessionRow, params: Record<string, unknown>): Record<string, unknown> {
  const access = checkSessionMethod(ctx, method, def, session)
  const ref = typeof params.wallet === 'string' ? params.wallet : undefined
  switch (access.wallet) {
    case 'none':
      return params
    case 'param':
    case 'filter': {
      if (ref === undefined) {
        if (access.wallet === 'filter') return params
        const only = session.walletIds.length === 1 ? session.walletIds[0] : undefined
        if (only === undefined) throw outOfScope(`Name the wallet: this session has ${session.walletIds.length}`, { method, field: 'wallet' })
        return { ...params, wallet: only }
      }
      const id = sessionWallet(ctx, session, ref)
      if (id === undefined) throw outOfScope(`Wallet ${JSON.stringify(ref.slice(0, 64))} is not one of this session's wallets`, { method, field: 'wallet' })
      return { ...params, wallet: id }
    }
    case 'request': {
      const id = String(params.id)
      const row = getRequest(ctx.db, id)
      if (!session.walletIds.includes(row.walletId)) throw new WaiaasError('TX_NOT_FOUND', `No request with id "${id}"`, { details: { id } })
      return params
    }
    case 'policy': {
      const id = String(params.id)
      const p = getPolicy(ctx.db, id)
      if (p.walletId !== null && !session.walletIds.includes(p.walletId)) {
        throw new WaiaasError('POLICY_NOT_FOUND', `No policy with id "${id}"`, { details: { id } })
      }
      return params
    }
  }
}

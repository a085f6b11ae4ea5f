/**
 * Agent sessions: the operator creates, lists and revokes them; a session renews itself within its renewals and
 * reads its own scope. The token leaves the daemon once, in session.create's answer; it is never logged or audited.
 */
import type { SessionView } from '../../lib/contract/index.js'
import { formatAmount, parseAmount } from '../../lib/amounts.js'
import { WaiaasError } from '../../lib/errors.js'
import type { DaemonContext, Handler } from '../context.js'
import { appendAudit } from '../store/audit.js'
import { getSession, insertSession, listSessions, renewSession, revokeSession, type SessionRow } from '../store/sessions.js'
import { inTransaction } from '../store/statements.js'
import { sessionInfo } from '../session-info.js'
import { walletSummary } from '../store/wallet-summary.js'
import { findWallet } from '../store/wallets.js'

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

function sessionView(ctx: DaemonContext, s: SessionRow, now: number = ctx.now()): SessionView {
  const wallets = s.walletIds.map((id) => {
    const w = walletSummary(ctx.db, id)
    return { id, name: w?.name ?? '(deleted)', chain: w?.chain ?? 'evm', address: w?.address ?? '' }
  })
  return {
    id: s.id,
    name: s.name,
    wallets,
    permissions: s.permissions,
    status: s.revokedAt !== null ? 'revoked' : s.expiresAt <= now ? 'expired' : 'active',
    expiresAt: new Date(s.expiresAt).toISOString(),
    ttlSeconds: s.ttlSeconds,
    renewals: s.renewals,
    maxRenewals: s.maxRenewals,
    limitUsdPerDay: s.limitUsdPerDayMicros === null ? null : formatAmount(s.limitUsdPerDayMicros, 6),
    createdAt: new Date(s.createdAt).toISOString(),
    revokedAt: iso(s.revokedAt),
    lastUsedAt: iso(s.lastUsedAt),
  }
}

export const create: Handler<'session.create'> = (ctx, p, caller) => {
  const walletIds = [...new Set(p.wallets.map((w) => findWallet(ctx.db, w).id))]
  let limit: bigint | null = null
  if (p.limitUsdPerDay !== undefined) {
    limit = parseAmount(p.limitUsdPerDay, 6, 'limitUsdPerDay')
    if (limit <= 0n) throw new WaiaasError('INPUT_INVALID_AMOUNT', 'limitUsdPerDay must be above 0', { details: { field: 'limitUsdPerDay' } })
  }
  const permissions = [...new Set(p.permissions)]
  const now = ctx.now()
  return inTransaction(ctx.db, () => {
    const { session, token } = insertSession(
      ctx.db,
      { name: p.name ?? 'agent', walletIds, permissions, ttlSeconds: p.ttlSeconds, maxRenewals: p.maxRenewals, limitUsdPerDayMicros: limit },
      now,
    )
    appendAudit(ctx.db, {
      actor: caller.actor,
      action: 'session.create',
      target: session.id,
      outcome: 'ok',
      details: { name: session.name, wallets: walletIds, permissions, ttlSeconds: p.ttlSeconds, maxRenewals: p.maxRenewals, limitUsdPerDay: p.limitUsdPerDay ?? null },
    })
    return { session: sessionView(ctx, session, now), token }
  })
}

export const list: Handler<'session.list'> = (ctx) => {
  const now = ctx.now()
  return { sessions: listSessions(ctx.db).map((s) => sessionView(ctx, s, now)) }
}

export const revoke: Handler<'session.revoke'> = (ctx, p, caller) =>
  inTransaction(ctx.db, () => {
    const s = revokeSession(ctx.db, p.id, ctx.now())
    appendAudit(ctx.db, { actor: caller.actor, action: 'session.revoke', target: s.id, outcome: 'ok' })
    return sessionView(ctx, s)
  })

export const renew: Handler<'session.renew'> = (ctx, p, caller) => {
  const own = caller.session
  if (own !== undefined && p.id !== undefined && p.id !== own.id) {
    throw new WaiaasError('SESSION_SCOPE', 'A session may renew only itself', { details: { id: p.id } })
  }
  const id = own?.id ?? p.id
  if (id === undefined) throw new WaiaasError('INPUT_INVALID', 'Give the id of the session to renew', { details: { field: 'id' } })
  const now = ctx.now()
  return inTransaction(ctx.db, () => {
    const before = getSession(ctx.db, id)
    if (!renewSession(ctx.db, id, now)) {
      const why = before.revokedAt !== null ? 'it was revoked' : before.expiresAt <= now ? 'it has expired' : `it has used its ${before.maxRenewals} renewals`
      throw new WaiaasError('SESSION_RENEWAL_LIMIT', `Session ${id} cannot be renewed: ${why}`, {
        details: { id, renewals: before.renewals, maxRenewals: before.maxRenewals },
      })
    }
    const after = getSession(ctx.db, id)
    appendAudit(ctx.db, { actor: caller.actor, action: 'session.renew', target: id, outcome: 'ok', details: { expiresAt: new Date(after.expiresAt).toISOString(), renewals: after.renewals } })
    return sessionView(ctx, after, now)
  })
}

export const whoami: Handler<'session.whoami'> = (ctx, _p, caller) => {
  if (caller.session === undefined) throw new WaiaasError('INPUT_INVALID', 'session.whoami answers for a session token; the operator has no session')
  return sessionView(ctx, getSession(ctx.db, caller.session.id))
}

/** This session's view with what is left of its limits; the operator names the session to see what its agent sees. */
export const info: Handler<'session.info'> = (ctx, p, caller) => {
  const own = caller.session
  if (own !== undefined && p.id !== undefined && p.id !== own.id) {
    throw new WaiaasError('SESSION_SCOPE', 'A session may describe only itself', { details: { id: p.id } })
  }
  const id = own?.id ?? p.id
  if (id === undefined) throw new WaiaasError('INPUT_INVALID', 'Give the id of the session to describe', { details: { field: 'id' }, hint: 'List sessions with `waiaas session list`.' })
  return sessionInfo(ctx, getSession(ctx.db, id), p.network)
}

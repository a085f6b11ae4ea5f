/**
 * What of the audit log a caller of the event stream sees, for `event.wait` and `GET /v1/events` alike. The operator
 * (and an anonymous caller on the owner-only socket, as for `audit.list`) sees every entry. An agent session sees, deny
 * by default, only the actions of SESSION_EVENT_ACTIONS about its own wallets (a request's entries through the
 * request's wallet, an incoming transfer or low balance through its target wallet), each with only the fields listed
 * below for its action (what `tx.show` and `incoming.list` already show it), and the actor reduced to its kind unless it
 * is the operator, the daemon or the session itself. It never sees the chain hash of a filtered entry.
 */
import { SESSION_EVENT_ACTIONS, type EventEntry, type SessionEventAction } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import type { Caller, DaemonContext } from '../context.js'
import { assertSessionLive } from '../session-auth.js'
import type { AuditEntry } from '../store/audit.js'
import { findRequest } from '../store/requests.js'
import { findSession, sessionActor } from '../store/sessions.js'

/** Who follows the stream: everything, or one session's scope. */
export type EventViewer = { kind: 'all' } | { kind: 'session'; sessionId: string; actor: string; walletIds: readonly string[]; expiresAt: number }

/** The fields each action a session may see keeps in its details; every other field is dropped. */
const SESSION_FIELDS: Record<SessionEventAction, readonly string[]> = {
  'tx.decision': ['kind', 'network', 'tier', 'delaySeconds', 'rule', 'reason', 'policyRevision', 'to', 'amount', 'token'],
  'tx.approve': [],
  'tx.reject': ['reason'],
  'tx.delay-elapsed': [],
  'tx.expired': [],
  'tx.signed': ['kind', 'network', 'txHash'],
  'tx.rebuild': ['reason'],
  'tx.submitted': ['network', 'txHash'],
  'tx.confirmed': ['txHash', 'block', 'fee'],
  'tx.failed': ['code', 'reason'],
  'tx.cancel': ['from', 'replaces', 'txHash'],
  'tx.cancelled': ['txHash', 'block', 'fee'],
  'tx.speed-up': ['replaces', 'txHash', 'bumpPercent'],
  'incoming.transfer': ['network', 'asset', 'amount', 'decimals', 'symbol', 'from', 'tx', 'block'],
  'balance.low': ['network', 'balance', 'threshold', 'symbol', 'decimals'],
}
const SESSION_ACTIONS: ReadonlySet<string> = new Set(SESSION_EVENT_ACTIONS)
/** Actors shown to a session by their kind only (`owner:0xabc…` → `owner`). */
const ACTOR_KINDS: ReadonlySet<string> = new Set(['session', 'owner', 'telegram'])

/** The viewer a dispatched call stands for. */
export function viewerOf(caller: Caller): EventViewer {
  const s = caller.session
  if (s === undefined) return { kind: 'all' }
  return { kind: 'session', sessionId: s.id, actor: sessionActor(s.id), walletIds: [...s.walletIds], expiresAt: s.expiresAt }
}

/**
 * The viewer again, as the session is now: SESSION_REVOKED, SESSION_EXPIRED or KILL_SWITCH_ON end a stream that was
 * allowed when it started (a session's stream, like its calls, is suspended while the kill switch is on).
 */
export function recheckViewer(ctx: DaemonContext, viewer: EventViewer): EventViewer {
  if (viewer.kind === 'all') return viewer
  const session = findSession(ctx.db, viewer.sessionId)
  if (session === undefined) throw new WaiaasError('SESSION_INVALID', 'The session token is not valid')
  assertSessionLive(session, ctx.now())
  if (ctx.pipeline.killSwitch().on) {
    throw new WaiaasError('KILL_SWITCH_ON', 'The kill switch is on: agent sessions are suspended until the operator turns it off', { details: { method: 'event.wait' } })
  }
  return { ...viewer, expiresAt: session.expiresAt }
}

/** An entry as `audit.list` shows it (without the previous hash). */
export function operatorView(e: AuditEntry): EventEntry {
  return { seq: e.seq, ts: e.ts, actor: e.actor, action: e.action, target: e.target, outcome: e.outcome, details: e.details, hash: e.hash }
}

/**
 * The entries of `entries` the viewer may see, as it may see them, in order. `walletOf` caches request → wallet lookups
 * across calls of one read.
 */
export function scopeEntries(ctx: DaemonContext, viewer: EventViewer, entries: readonly AuditEntry[], walletOf = requestWallets(ctx)): EventEntry[] {
  if (viewer.kind === 'all') return entries.map(operatorView)
  const out: EventEntry[] = []
  for (const e of entries) {
    const seen = sessionView(viewer, e, walletOf)
    if (seen !== undefined) out.push(seen)
  }
  return out
}

/** A request's wallet by its id, looked up once per read (undefined: no such request). */
export function requestWallets(ctx: DaemonContext): (id: string) => string | undefined {
  const cache = new Map<string, string | undefined>()
  return (id) => {
    if (!cache.has(id)) cache.set(id, findRequest(ctx.db, id)?.walletId)
    return cache.get(id)
  }
}

function sessionView(viewer: Extract<EventViewer, { kind: 'session' }>, e: AuditEntry, walletOf: (id: string) => string | undefined): EventEntry | undefined {
  if (!SESSION_ACTIONS.has(e.action) || e.target === null) return undefined
  const action = e.action as SessionEventAction
  const wallet = action.startsWith('tx.') ? walletOf(e.target) : e.target
  if (wallet === undefined || !viewer.walletIds.includes(wallet)) return undefined
  const details: Record<string, unknown> = {}
  for (const k of SESSION_FIELDS[action]) if (Object.hasOwn(e.details, k)) details[k] = e.details[k]
  return { seq: e.seq, ts: e.ts, actor: actorFor(e.actor, viewer.actor), action, target: e.target, outcome: e.outcome, details, wallet }
}

function actorFor(actor: string, own: string): string {
  if (actor === 'operator' || actor === 'daemon' || actor === own) return actor
  const kind = actor.split(':', 1)[0] ?? ''
  return ACTOR_KINDS.has(kind) ? kind : 'other'
}

/**
 * The event stream as a call: the next audit entries the caller may see, waiting for them when there are none yet. The
 * operator (and the owner-only socket) see every entry, as `audit.list` shows it; an agent session sees only what
 * concerns its own wallets, from a fixed list of actions, with a fixed list of fields (src/daemon/events/scope.ts).
 * `GET /v1/events` streams the same entries as server-sent events.
 */
import { z } from 'zod'
import { auditEntry } from './audit.js'
import { def, type MethodDef } from './common.js'

/** The longest a call waits for an entry; the SDKs call again. Well under the HTTP server's request timeout. */
export const EVENTS_MAX_WAIT_MS = 30_000

/**
 * The actions an agent session's stream carries: its requests' state changes and what arrives at its wallets. Every
 * other action (policy edits, sessions, the kill switch, logins, failed passwords…) stays the operator's.
 */
export const SESSION_EVENT_ACTIONS = [
  'tx.decision', 'tx.approve', 'tx.reject', 'tx.delay-elapsed', 'tx.expired', 'tx.signed', 'tx.rebuild', 'tx.submitted',
  'tx.confirmed', 'tx.failed', 'tx.cancel', 'tx.cancelled', 'tx.speed-up', 'incoming.transfer', 'balance.low',
] as const
export type SessionEventAction = (typeof SESSION_EVENT_ACTIONS)[number]

/**
 * One event: an audit entry. The operator's carry the chain `hash`; a session's carry instead the `wallet` (id) it
 * concerns, only the fields its action allows, and an actor reduced to `operator`, `daemon`, the session's own actor
 * or the kind of another (`session`, `owner`, `telegram`).
 */
export const eventEntry = auditEntry.extend({
  /** The request id (`tx.*`) or the wallet id (`incoming.transfer`, `balance.low`). */
  target: z.string().nullable(),
  /** The audit hash chain's hash of this entry (operator view). */
  hash: z.string().optional(),
  /** The wallet the entry concerns (session view). */
  wallet: z.string().optional(),
})

/** The `event.*` methods (`event`, not `events`: the SDKs' `client.events()` is the iterator built on it). */
export const eventMethods = {
  'event.wait': def({
    summary:
      'The next events after a seq, waiting up to waitMs for one: audit entries for the operator; for an agent session, its own wallets\' request state changes and incoming transfers. Pass the returned cursor as `after` to go on.',
    role: 'public',
    input: z.object({
      after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('Start after this audit seq (the cursor of the previous call); absent: only what comes next'),
      limit: z.number().int().min(1).max(500).default(100).describe('At most this many events'),
      waitMs: z.number().int().min(0).max(EVENTS_MAX_WAIT_MS).default(25_000).describe('How long to wait when there is no event yet (0: answer at once)'),
    }),
    output: z.object({
      events: z.array(eventEntry),
      /** The seq to pass as `after` next: past every entry looked at, including those this caller may not see. */
      cursor: z.number().int(),
    }),
    errors: ['SESSION_REVOKED', 'SESSION_EXPIRED', 'KILL_SWITCH_ON'],
    transports: ['socket', 'rest'],
    session: { permission: 'read', wallet: 'none' },
    readOnly: true,
  }),
} as const satisfies Record<`event.${string}`, MethodDef>

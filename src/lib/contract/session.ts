/** Agent sessions: scoped, expiring bearer tokens instead of the master password. */
import { z } from 'zod'
import { DURATIONS } from '../durations.js'
import { def, READ_NONE, walletRef, chainSchema, isoTime, amountText, duration, networkRef, SESSION_PERMISSIONS, type MethodDef } from './common.js'
import { sessionInfoView } from './session-info.js'

export const sessionView = z.object({
  id: z.string(),
  name: z.string(),
  wallets: z.array(z.object({ id: z.string(), name: z.string(), chain: chainSchema, address: z.string() })),
  permissions: z.array(z.enum(SESSION_PERMISSIONS)),
  status: z.enum(['active', 'expired', 'revoked']),
  expiresAt: isoTime,
  ttlSeconds: z.number().int(),
  renewals: z.number().int(),
  maxRenewals: z.number().int(),
  /** Daily USD cap on top of the wallets' policies (decimal string), or null. */
  limitUsdPerDay: z.string().nullable(),
  createdAt: isoTime,
  revokedAt: isoTime.nullable(),
  lastUsedAt: isoTime.nullable(),
})

/** The `session.*` methods. */
export const sessionMethods = {
  'session.create': def({
    summary: 'Create an agent session: its wallets, permissions, expiry, renewals and optional daily USD cap. The token is returned once; only its hash is kept.',
    role: 'operator',
    input: z.object({
      wallets: z.array(walletRef).min(1).max(32),
      name: z.string().min(1).max(64).optional(),
      ttlSeconds: duration(DURATIONS.sessionTtl, 'How long the session lives between renewals, from 1m to 30d').default(86_400),
      maxRenewals: z.number().int().min(0).max(1000).default(0),
      permissions: z.array(z.enum(SESSION_PERMISSIONS)).min(1).max(3).default(['read', 'send', 'sign']),
      limitUsdPerDay: amountText.optional(),
    }),
    output: z.object({ session: sessionView, token: z.string() }),
    errors: ['WALLET_NOT_FOUND', 'INPUT_INVALID_AMOUNT', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'session.list': def({
    summary: 'List sessions (never their tokens), newest first.',
    role: 'operator',
    input: z.object({}),
    output: z.object({ sessions: z.array(sessionView) }),
    errors: [],
    transports: ['socket', 'rest'],
    readOnly: true,
  }),
  'session.revoke': def({
    summary: 'Revoke a session: its token is refused from now on.',
    role: 'operator',
    input: z.object({ id: z.string().min(1).max(64) }),
    output: sessionView,
    errors: ['SESSION_NOT_FOUND', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'session.renew': def({
    summary: 'Renew a session for another TTL, within its renewals. A session renews itself (no id); the operator renews any by id.',
    role: 'agent',
    input: z.object({ id: z.string().min(1).max(64).optional().describe('The session to renew (the operator names one); a session renews itself without it') }),
    output: sessionView,
    errors: ['SESSION_NOT_FOUND', 'SESSION_RENEWAL_LIMIT', 'AUDIT_WRITE_FAILED'],
    session: READ_NONE,
  }),
  'session.whoami': def({
    summary: "This session's scope: its wallets, permissions, expiry, renewals left and daily cap.",
    role: 'agent',
    input: z.object({}),
    output: sessionView,
    errors: [],
    session: READ_NONE,
    readOnly: true,
  }),
  'session.info': def({
    summary:
      "This session's own view with what is LEFT of its limits: expiry, permissions, and per wallet and network the SPENDING_LIMIT tiers (in numbers and words), each rolling window's used, remaining and release times, rate limits, pending requests and its own daily USD cap, from the same ledger the decisions reserve in. Never shows another wallet.",
    role: 'agent',
    input: z.object({
      id: z.string().min(1).max(64).optional().describe('The session to describe (the operator names one); a session describes itself without it'),
      network: networkRef.optional().describe('Only this network (a CAIP-2 id or an alias); else every network the wallets may use that the daemon knows of'),
    }),
    output: sessionInfoView,
    errors: ['SESSION_NOT_FOUND', 'SESSION_SCOPE', 'NETWORK_UNKNOWN'],
    session: READ_NONE,
    readOnly: true,
  }),
} as const satisfies Record<`session.${string}`, MethodDef>

/**
 * What `session.info` answers: a session's own view of itself with what is LEFT of its limits, per wallet and network,
 * computed from the spend ledger the decisions reserve in (so "remaining" is what the next request is judged against).
 */
import { z } from 'zod'
import { chainSchema, isoTime, SESSION_PERMISSIONS, TIER_NAMES } from './common.js'

const WINDOW_NAMES = ['day', 'week', 'month'] as const

const capWindow = z.object({
  window: z.enum(WINDOW_NAMES).describe('A rolling window: 24 h, 7 d or 30 d, counted in whole hours'),
  field: z.string().describe('The rule field, e.g. daily_limit_usd'),
  limit: z.string(),
  /** Committed plus reserved (accepted, not failed or cancelled) in the window now. */
  used: z.string().describe('Committed plus reserved in the window now: what the next decision counts'),
  remaining: z.string().describe('limit - used, never below 0'),
  /** When the oldest spend counted now leaves the window (remaining grows then); null when nothing is counted. */
  nextReleaseAt: isoTime.nullable().describe('When the oldest spend counted now leaves the window, so remaining grows; null when nothing is counted'),
  /** When all that is counted now has left the window. */
  clearAt: isoTime.nullable().describe('When everything counted now has left the window; null when nothing is counted'),
})

const tierStep = z.object({
  tier: z.enum(TIER_NAMES),
  /** Up to this amount per transaction (inclusive); null for the tier above the last threshold. */
  upTo: z.string().nullable(),
  delaySeconds: z.number().int().nullable(),
})

/** One SPENDING_LIMIT that applies, in one unit (USD, the native coin, or one token). */
const spendingCap = z.object({
  policyId: z.string(),
  scope: z.enum(['global', 'wallet', 'network']),
  /** 'USD', the native symbol, or the token's symbol (its address when the registry does not know it). */
  unit: z.string(),
  /** The token this limit counts (address or mint); null for USD and the native coin. */
  token: z.string().nullable(),
  /** Per-transaction tiers, lowest first; empty when the policy gives only rolling limits. */
  tiers: z.array(tierStep),
  windows: z.array(capWindow),
  /** What a request past a rolling limit gets. */
  onExceed: z.enum(['APPROVAL', 'DENY']),
  /** The most one transaction may move now and still be INSTANT (the instant threshold and every window's remaining); null: no instant tier. */
  instantNow: z.string().nullable(),
  /** The most one transaction may move now without waiting for approval or being denied; null when nothing bounds it. */
  withoutApprovalNow: z.string().nullable(),
  /** The same in words. */
  text: z.string(),
})

/** RATE_LIMIT: requests per window. */
const rateCap = z.object({
  policyId: z.string(),
  max: z.number().int(),
  perSeconds: z.number().int(),
  used: z.number().int(),
  remaining: z.number().int(),
  /** The tier past the rate. */
  then: z.enum(TIER_NAMES),
  text: z.string(),
})

const networkLimits = z.object({
  network: z.string().describe('CAIP-2 id'),
  name: z.string(),
  symbol: z.string(),
  spending: z.array(spendingCap),
  rate: z.array(rateCap),
  /** Requests of the wallet not final yet, and the MAX_PENDING bound when one applies. */
  pending: z.object({ count: z.number().int(), max: z.number().int().nullable() }),
  /** No SPENDING_LIMIT applies here: nothing may move (default deny). */
  nothingMoves: z.boolean(),
})

export const sessionInfoView = z.object({
  id: z.string(),
  name: z.string(),
  permissions: z.array(z.enum(SESSION_PERMISSIONS)),
  expiresAt: isoTime,
  expiresInSeconds: z.number().int(),
  renewalsLeft: z.number().int(),
  /** The session's own daily USD cap (on top of the policies), what its counted requests used of it in 24 h, and what is left; null: none. */
  dailyCapUsd: z
    .object({
      limit: z.string(),
      used: z.string(),
      remaining: z.string(),
      /** Counted requests without a USD price in the window (each escalates to APPROVAL under the cap). */
      unpriced: z.number().int(),
      nextReleaseAt: isoTime.nullable(),
      clearAt: isoTime.nullable(),
    })
    .nullable(),
  wallets: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      chain: chainSchema,
      address: z.string(),
      /** The networks it may use that the daemon knows of (the operator's, the devnet's, those its policies name), each with its limits now. */
      networks: z.array(networkLimits),
    }),
  ),
  /** The limits in words, one line each. */
  text: z.array(z.string()),
  now: isoTime,
})

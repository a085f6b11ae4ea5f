/**
 * A session's own daily USD cap, on top of its wallets' policies. It is judged inside the decision's transaction,
 * over the session's counted requests of the last 24 h (reservations included), so concurrent requests of one
 * session cannot pass it together. It only ever raises a tier: an unknown price fails closed to APPROVAL, a request
 * over what is left is denied.
 */
import { TIER_RANK, type Decision, type PolicyRequest, type Verdict } from '../policy/types.js'
import type { Db } from '../store/db.js'
import { findSession, sessionSpendSince } from '../store/sessions.js'
import { usdText } from './view.js'

const DAY_MS = 86_400_000

export function sessionCapVerdict(db: Db, actor: string, request: PolicyRequest, now: number): Verdict | undefined {
  if (!actor.startsWith('session:')) return undefined
  const session = findSession(db, actor.slice('session:'.length))
  const cap = session?.limitUsdPerDayMicros ?? null
  if (session === undefined || cap === null) return undefined
  const rule = { policyId: session.id, type: 'SPENDING_LIMIT' as const, version: 1, field: 'limit_usd_per_day' }
  if (request.usdMicros === null) {
    return { tier: 'APPROVAL', rule, reason: `The USD value is unknown, so this session's daily cap of ${usdText(cap)} USD cannot be checked` }
  }
  if (request.usdMicros === 0n) return undefined
  const spent = sessionSpendSince(db, actor, now - DAY_MS).micros
  if (spent + request.usdMicros <= cap) return undefined
  const left = cap > spent ? cap - spent : 0n
  return {
    tier: 'DENY',
    rule,
    reason: `This session's daily cap is ${usdText(cap)} USD: ${usdText(spent)} USD in the last 24 h, and this request is ${usdText(request.usdMicros)} USD`,
    ...(left > 0n ? { wouldPass: `${usdText(left)} USD or less would stay within the session's cap` } : {}),
  }
}

/** The decision with one more verdict: it decides when it is stricter than every verdict before it. */
export function withVerdict(d: Decision, v: Verdict | undefined): Decision {
  if (v === undefined) return d
  const verdicts = [...d.verdicts, v].sort((a, b) => TIER_RANK[b.tier] - TIER_RANK[a.tier])
  return TIER_RANK[v.tier] > TIER_RANK[d.tier] ? { ...d, tier: v.tier, delaySeconds: 0, decisive: v, verdicts } : { ...d, verdicts }
}

/**
 * The SESSION_CAP rule: a session's own daily USD cap, on top of its wallets' policies. The engine judges it after
 * every policy, over the session's counted requests of the last 24 h (reservations included), which the pipeline
 * reads inside the decision's transaction, so concurrent requests of one session cannot pass it together. It only
 * ever raises a tier: an unknown price fails closed to APPROVAL, a request over what is left is denied.
 *
 * It is not a stored policy: its RuleRef is `{ type: 'SESSION_CAP', policyId: 'session:<id>' }`, so `tx show` and
 * `policy test` name the session whose cap decided (`session list` shows it), never a policy id.
 */
import { formatAmount } from '../../lib/amounts.js'
import { SESSION_CAP, type PolicyRequest, type RuleRef, type SessionCap, type Verdict } from './types.js'

const usd = (micros: bigint): string => formatAmount(micros, 6)

/** The rule's identity in decisions. */
export function sessionCapRule(sessionId: string): RuleRef {
  return { policyId: `session:${sessionId}`, type: SESSION_CAP, version: 1, field: 'limit_usd_per_day' }
}

/** The verdict of a session's cap on `req`; undefined when the request stays within it. */
export function sessionCapVerdict(req: PolicyRequest, cap: SessionCap): Verdict | undefined {
  const rule = sessionCapRule(cap.sessionId)
  const limit = cap.capUsdMicros
  if (req.usdMicros === null) {
    return { tier: 'APPROVAL', rule, reason: `The USD value is unknown, so this session's daily cap of ${usd(limit)} USD cannot be checked` }
  }
  if (req.usdMicros === 0n) return undefined
  const spent = cap.spentUsdMicros()
  if (spent + req.usdMicros <= limit) return undefined
  const left = limit > spent ? limit - spent : 0n
  return {
    tier: 'DENY',
    rule,
    reason: `This session's daily cap is ${usd(limit)} USD: ${usd(spent)} USD in the last 24 h, and this request is ${usd(req.usdMicros)} USD`,
    ...(left > 0n ? { wouldPass: `${usd(left)} USD or less would stay within the session's cap` } : {}),
  }
}

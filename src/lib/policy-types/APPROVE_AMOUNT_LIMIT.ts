/**
 * APPROVE_AMOUNT_LIMIT: how large a token allowance may be. Unlimited approvals are denied unless one sets
 * `allow_unlimited`; an unlimited approval exceeds any cap in `limits`; a cap whose token's decimals are unknown
 * escalates to APPROVAL.
 */
import { formatAmount } from '../amounts.js'
import { Dec, invalid } from './helpers.js'
import { definePolicyType } from './module.js'

export const APPROVE_AMOUNT_LIMIT = definePolicyType({
  type: 'APPROVE_AMOUNT_LIMIT',
  doc: 'How large an allowance may be.',
  fields: {
    allow_unlimited: { kind: 'bool', default: false, doc: 'Whether unlimited allowances may be granted (default false)' },
    limits: { kind: 'limits', doc: 'JSON list of { "token", "max_amount" } capping the allowance per token (token units)' },
  },
  // The first one with allow_unlimited lifts the default deny of unlimited approvals.
  restricting: false,
  normalise(r) {
    const out: Record<string, unknown> = { allow_unlimited: r.allow_unlimited }
    if (r.limits !== undefined) {
      const seen = new Set<string>()
      r.limits.forEach((l, i) => {
        if (seen.has(l.token)) invalid('APPROVE_AMOUNT_LIMIT', `rules.limits.${i}.token`, 'duplicate', 'names a token that an earlier limit already caps')
        seen.add(l.token)
      })
      out.limits = r.limits.map((l) => ({ token: l.token, max_amount: l.max_amount }))
    }
    return out
  },
  compile(r) {
    const limits = (r.limits ?? []) as { token: string; max_amount: string }[]
    return { allowUnlimited: r.allow_unlimited === true, limits: new Map(limits.map((l) => [l.token, new Dec(l.max_amount)])) }
  },
  checks: {
    action(e, a, list) {
      if (a.kind !== 'token-approve') return
      if (a.unlimited && list.length === 0) {
        e.deny(null, null, 'Unlimited approvals are denied unless an APPROVE_AMOUNT_LIMIT policy sets allow_unlimited', 'approve a specific amount instead of an unlimited allowance')
      }
      for (const { p, c } of list) {
        const cap = c.limits.get(a.token)
        if (a.unlimited && !c.allowUnlimited) {
          e.deny(p, 'allow_unlimited', 'Unlimited approvals are not allowed by this APPROVE_AMOUNT_LIMIT policy', 'approve a specific amount instead of an unlimited allowance')
        }
        if (cap === undefined) continue
        const decimals = e.req.tokenDecimals[a.token]
        if (a.unlimited) {
          e.deny(p, 'limits', `An unlimited allowance of token ${a.token} exceeds its cap of ${cap.text}`, `allowance ≤ ${cap.text}`)
        } else if (decimals === undefined) {
          e.hit(p, 'limits', 'APPROVAL', 0, `the decimals of token ${a.token} are unknown, so its allowance cap cannot be checked`)
        } else if (a.amount > cap.at(decimals)) {
          const max = formatAmount(cap.at(decimals), decimals)
          e.deny(p, 'limits', `An allowance of ${formatAmount(a.amount, decimals)} of token ${a.token} exceeds its cap of ${max}`, `allowance ≤ ${max}`)
        }
      }
    },
  },
})

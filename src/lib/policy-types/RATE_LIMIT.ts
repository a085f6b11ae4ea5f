/** RATE_LIMIT: how many accepted requests per window; every request counts, sign-only ones included. */
import { delaySeconds, THIRTY_DAYS, tierOr } from './fields.js'
import { delayOf, num, tierOf, withDelay } from './helpers.js'
import { definePolicyType } from './module.js'

export const RATE_LIMIT = definePolicyType({
  type: 'RATE_LIMIT',
  doc: 'How many requests per window.',
  fields: {
    max_requests: { kind: 'int', min: 1, max: 1_000_000_000, required: true, doc: 'How many requests per window' },
    per_seconds: { kind: 'seconds', min: 1, max: THIRTY_DAYS, required: true, doc: 'The window, e.g. 3600 or 1h' },
    tier: tierOr(['DELAY', 'APPROVAL', 'DENY'], 'DENY', 'Past the rate'),
    delay_seconds: delaySeconds,
  },
  restricting: true,
  normalise: (r) => withDelay('RATE_LIMIT', r.tier, r.delay_seconds, { max_requests: r.max_requests, per_seconds: r.per_seconds, tier: r.tier }),
  compile: (r) => ({ max: num(r, 'max_requests'), per: num(r, 'per_seconds'), tier: tierOf(r, 'tier'), delay: delayOf(r) }),
  checks: {
    request(e, list) {
      for (const { p, c } of list) {
        const count = e.facts.countSince(c.per)
        if (count >= c.max) {
          e.hit(p, 'max_requests', c.tier, c.delay, `${count} requests in the last ${c.per} s reach the limit of ${c.max}`, `fewer than ${c.max} requests in the last ${c.per} s`)
        }
      }
    },
  },
})

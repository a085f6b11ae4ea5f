/** MAX_PENDING: how many requests may wait or be in flight at once. */
import { tierOr } from './fields.js'
import { num, tierOf } from './helpers.js'
import { definePolicyType } from './module.js'

export const MAX_PENDING = definePolicyType({
  type: 'MAX_PENDING',
  doc: 'How many requests may wait or be in flight at once.',
  fields: {
    max: { kind: 'int', min: 0, max: 1_000_000, required: true, doc: 'Requests waiting or in flight' },
    tier: tierOr(['NOTIFY', 'APPROVAL', 'DENY'], 'DENY', 'At or past it'),
  },
  restricting: true,
  normalise: (r) => ({ max: r.max, tier: r.tier }),
  compile: (r) => ({ max: num(r, 'max'), tier: tierOf(r, 'tier') }),
  checks: {
    request(e, list) {
      for (const { p, c } of list) {
        if (e.facts.pending >= c.max) {
          e.hit(p, 'max', c.tier, 0, `${e.facts.pending} requests are pending; the limit is ${c.max}`, `fewer than ${c.max} pending requests`)
        }
      }
    },
  },
})

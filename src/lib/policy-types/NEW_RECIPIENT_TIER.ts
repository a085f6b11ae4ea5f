/** NEW_RECIPIENT_TIER: a tier for the first native or token transfer to an address this wallet never sent to. */
import { delaySeconds, tier } from './fields.js'
import { delayOf, tierOf, withDelay } from './helpers.js'
import { definePolicyType } from './module.js'

export const NEW_RECIPIENT_TIER = definePolicyType({
  type: 'NEW_RECIPIENT_TIER',
  doc: 'A tier for the first transfer to an address.',
  fields: {
    tier: tier(['NOTIFY', 'DELAY', 'APPROVAL', 'DENY'], 'For a transfer to an address this wallet never sent to'),
    delay_seconds: delaySeconds,
  },
  restricting: true,
  normalise: (r) => withDelay('NEW_RECIPIENT_TIER', r.tier, r.delay_seconds, { tier: r.tier }),
  compile: (r) => ({ tier: tierOf(r, 'tier'), delay: delayOf(r) }),
  checks: {
    recipients(e, list) {
      for (const { p, c } of list) {
        for (const a of e.req.actions) {
          if ((a.kind === 'native-transfer' || a.kind === 'token-transfer') && !e.isKnown(a.to)) {
            e.hit(p, 'tier', c.tier, c.delay, `${a.to} is a recipient this wallet has not sent to before`, 'a recipient this wallet has sent to before')
            break
          }
        }
      }
    },
  },
})

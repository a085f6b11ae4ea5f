/** RECIPIENT_DENYLIST: never to these addresses, whether as a transfer's recipient, an approval's spender or a call's contract. */
import { addresses } from './fields.js'
import { dedupe, strs } from './helpers.js'
import { definePolicyType } from './module.js'

export const RECIPIENT_DENYLIST = definePolicyType({
  type: 'RECIPIENT_DENYLIST',
  doc: 'Never to these addresses.',
  fields: { recipients: addresses('Addresses that transfers, approvals and calls may not go to') },
  restricting: true,
  normalise: (r) => ({ recipients: dedupe(r.recipients) }),
  compile: (r) => new Set(strs(r, 'recipients')),
  checks: {
    screen(e, list) {
      for (const { p, c } of list) {
        for (const a of e.req.actions) {
          const target = a.kind === 'native-transfer' || a.kind === 'token-transfer' ? a.to : a.kind === 'token-approve' ? a.spender : a.kind === 'contract-call' ? a.contract : null
          if (target !== null && c.has(target)) e.deny(p, 'recipients', `${target} is on a RECIPIENT_DENYLIST`)
        }
      }
    },
  },
})

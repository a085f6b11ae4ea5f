/** APPROVED_SPENDERS: who may be given a token allowance. Default deny. */
import { addresses } from './fields.js'
import { dedupe, listText, strs, suggestAdd } from './helpers.js'
import { definePolicyType } from './module.js'

export const APPROVED_SPENDERS = definePolicyType({
  type: 'APPROVED_SPENDERS',
  doc: 'Who may be given a token allowance.',
  fields: { spenders: addresses('Addresses that may be given a token allowance; approvals for others are denied') },
  // The first one lifts the default deny of approvals.
  restricting: false,
  normalise: (r) => ({ spenders: dedupe(r.spenders) }),
  compile: (r) => new Set(strs(r, 'spenders')),
  checks: {
    action(e, a, list) {
      if (a.kind !== 'token-approve') return
      if (list.length === 0) {
        e.deny(null, null, `No APPROVED_SPENDERS policy applies: ${a.spender} may not be given an allowance`, suggestAdd(e.req.walletId, 'APPROVED_SPENDERS', `{"spenders":["${a.spender}"]}`))
      }
      for (const { p, c } of list) {
        if (c.has(a.spender)) e.pass(p, 'spenders', () => `spender ${a.spender} is approved`)
        else e.deny(p, 'spenders', `Spender ${a.spender} is not in this APPROVED_SPENDERS policy`, `a spender in: ${listText(c)}`)
      }
    },
  },
})

/** ALLOWED_TOKENS: which tokens may be transferred. Default deny: with none, no token moves. */
import { addresses } from './fields.js'
import { dedupe, listText, strs, suggestAdd } from './helpers.js'
import { definePolicyType } from './module.js'

export const ALLOWED_TOKENS = definePolicyType({
  type: 'ALLOWED_TOKENS',
  doc: 'Which tokens may be transferred (the native coin is governed by SPENDING_LIMIT).',
  fields: { tokens: addresses('Token addresses (ERC-20 contracts, SPL mints) that may be transferred; empty means none') },
  // The first one lifts the default deny of token transfers.
  restricting: false,
  normalise: (r) => ({ tokens: dedupe(r.tokens) }),
  compile: (r) => new Set(strs(r, 'tokens')),
  checks: {
    action(e, a, list) {
      if (a.kind !== 'token-transfer') return
      if (list.length === 0) {
        e.deny(null, null, `No ALLOWED_TOKENS policy applies: token ${a.token} may not move`, suggestAdd(e.req.walletId, 'ALLOWED_TOKENS', `{"tokens":["${a.token}"]}`))
      }
      for (const { p, c } of list) {
        if (c.has(a.token)) e.pass(p, 'tokens', () => `token ${a.token} is allowed`)
        else e.deny(p, 'tokens', `Token ${a.token} is not in this ALLOWED_TOKENS policy`, `a token in: ${listText(c)}`)
      }
    },
  },
})

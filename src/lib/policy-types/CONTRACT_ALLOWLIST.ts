/** CONTRACT_ALLOWLIST: which contracts (Solana programs) may be called (the seed article's CONTRACT_WHITELIST). Default deny. */
import { addresses } from './fields.js'
import { dedupe, listText, strs, suggestAdd } from './helpers.js'
import { definePolicyType } from './module.js'

export const CONTRACT_ALLOWLIST = definePolicyType({
  type: 'CONTRACT_ALLOWLIST',
  doc: 'Which contracts may be called (the seed article\'s CONTRACT_WHITELIST).',
  fields: { contracts: addresses('Contract addresses (Solana program ids too) that may be called; other calls are denied') },
  aliases: ['CONTRACT_WHITELIST'],
  // The first one lifts the default deny of contract calls.
  restricting: false,
  normalise: (r) => ({ contracts: dedupe(r.contracts) }),
  compile: (r) => new Set(strs(r, 'contracts')),
  checks: {
    action(e, a, list) {
      if (a.kind !== 'contract-call') return
      if (list.length === 0) {
        e.deny(null, null, `No CONTRACT_ALLOWLIST policy applies: contract ${a.contract} may not be called`, suggestAdd(e.req.walletId, 'CONTRACT_ALLOWLIST', `{"contracts":["${a.contract}"]}`))
      }
      for (const { p, c } of list) {
        if (c.has(a.contract)) e.pass(p, 'contracts', () => `contract ${a.contract} is allowed`)
        else e.deny(p, 'contracts', `Contract ${a.contract} is not in this CONTRACT_ALLOWLIST policy`, `a contract in: ${listText(c)}`)
      }
    },
  },
})

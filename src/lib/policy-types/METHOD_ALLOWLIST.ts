/** METHOD_ALLOWLIST: which functions of a named contract may be called (the seed article's METHOD_WHITELIST). */
import { dedupe, listText } from './helpers.js'
import { definePolicyType } from './module.js'

export const METHOD_ALLOWLIST = definePolicyType({
  type: 'METHOD_ALLOWLIST',
  doc: 'Which functions of a contract may be called (the seed article\'s METHOD_WHITELIST).',
  fields: {
    methods: {
      kind: 'selectors',
      required: true,
      doc: 'JSON object: contract address → list of selectors ("0xa9059cbb") or signatures ("transfer(address,uint256)"); contracts not named are not restricted here',
    },
  },
  aliases: ['METHOD_WHITELIST'],
  restricting: true,
  normalise(r, kit) {
    const methods: Record<string, string[]> = {}
    for (const [k, sels] of Object.entries(r.methods)) {
      const key = kit.addressKey(['methods', k], k)
      methods[key] = dedupe([...(methods[key] ?? []), ...sels])
    }
    return { methods }
  },
  compile: (r) => new Map(Object.entries(r.methods as Record<string, string[]>).map(([k, v]) => [k, new Set(v)])),
  checks: {
    action(e, a, list) {
      if (a.kind !== 'contract-call') return
      for (const { p, c } of list) {
        const selectors = c.get(a.contract)
        if (selectors === undefined) continue
        if (a.selector === null || !selectors.has(a.selector)) {
          e.deny(p, 'methods', `${a.selector === null ? 'A call without a selector' : `Method ${a.selector}`} is not allowed on ${a.contract} by METHOD_ALLOWLIST`, `a method in: ${listText(selectors)}`)
        }
      }
    },
  },
})

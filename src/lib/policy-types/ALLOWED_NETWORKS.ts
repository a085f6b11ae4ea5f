/** ALLOWED_NETWORKS: only these networks; a request on any other is denied. */
import { dedupe, listText, strs } from './helpers.js'
import { definePolicyType } from './module.js'

export const ALLOWED_NETWORKS = definePolicyType({
  type: 'ALLOWED_NETWORKS',
  doc: 'Only these networks.',
  fields: {
    networks: { kind: 'list', of: 'network', min: 1, required: true, doc: 'CAIP-2 ids or aliases (e.g. base, eip155:8453); any other network is denied' },
  },
  restricting: true,
  normalise: (r) => ({ networks: dedupe(r.networks) }),
  compile: (r) => new Set(strs(r, 'networks')),
  checks: {
    screen(e, list) {
      for (const { p, c } of list) {
        if (!c.has(e.req.network)) e.deny(p, 'networks', `Network ${e.req.network} is not in this ALLOWED_NETWORKS policy`, `use one of: ${listText(c)}`)
      }
    },
  },
})

/** RECIPIENT_ALLOWLIST: native and token transfers only to these addresses (the seed article's WHITELIST). */
import { addresses } from './fields.js'
import { dedupe, listText, strs } from './helpers.js'
import { definePolicyType } from './module.js'

export const RECIPIENT_ALLOWLIST = definePolicyType({
  type: 'RECIPIENT_ALLOWLIST',
  doc: 'Transfers only to these addresses (the seed article\'s WHITELIST).',
  fields: { recipients: addresses('Addresses a transfer may go to; any other is denied') },
  aliases: ['WHITELIST'],
  restricting: true,
  normalise: (r) => ({ recipients: dedupe(r.recipients) }),
  compile: (r) => new Set(strs(r, 'recipients')),
  checks: {
    action(e, a, list) {
      if (a.kind !== 'native-transfer' && a.kind !== 'token-transfer') return
      for (const { p, c } of list) {
        if (!c.has(a.to)) e.deny(p, 'recipients', `Recipient ${a.to} is not in this RECIPIENT_ALLOWLIST`, `a recipient in: ${listText(c)}`)
      }
    },
  },
})

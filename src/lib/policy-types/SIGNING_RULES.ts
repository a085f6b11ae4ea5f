/**
 * SIGNING_RULES: message and typed-data signing. Default deny: with none, nothing is signed but transactions; typed
 * data is signed only when its domain matches every field of one `typed_data_domains` entry.
 */
import { delaySeconds, tierOr } from './fields.js'
import { delayOf, invalid, suggestAdd, tierOf, withDelay } from './helpers.js'
import type { TypedDataDomain } from './model.js'
import { definePolicyType } from './module.js'

function domainMatches(d: TypedDataDomain, got: TypedDataDomain): boolean {
  if (d.name !== undefined && got.name !== d.name) return false
  if (d.version !== undefined && got.version !== d.version) return false
  if (d.chainId !== undefined && got.chainId !== d.chainId) return false
  if (d.verifyingContract !== undefined && got.verifyingContract?.toLowerCase() !== d.verifyingContract) return false
  return true
}

export const SIGNING_RULES = definePolicyType({
  type: 'SIGNING_RULES',
  doc: 'Message and typed-data signing.',
  fields: {
    allow_personal_sign: { kind: 'bool', default: false, doc: 'Allow EIP-191 / Solana message signing (default false)' },
    typed_data_domains: {
      kind: 'domains',
      default: [],
      doc: 'JSON list of { name?, version?, chainId?, verifyingContract? }: typed data is signed only if its domain matches every field of one entry',
    },
    tier: tierOr(['INSTANT', 'NOTIFY', 'DELAY', 'APPROVAL', 'DENY'], 'INSTANT', 'For allowed signing'),
    delay_seconds: delaySeconds,
  },
  // The first one lifts the default deny of signing.
  restricting: false,
  allows: true,
  normalise(r) {
    const domains = r.typed_data_domains.map((d, i) => {
      const e: Record<string, string> = {}
      if (d.name !== undefined) e.name = d.name
      if (d.version !== undefined) e.version = d.version
      if (d.chainId !== undefined) e.chainId = d.chainId
      if (d.verifyingContract !== undefined) e.verifyingContract = d.verifyingContract
      if (Object.keys(e).length === 0) invalid('SIGNING_RULES', `rules.typed_data_domains.${i}`, 'empty-domain', 'must give at least one of name, version, chainId, verifyingContract')
      return e
    })
    return withDelay('SIGNING_RULES', r.tier, r.delay_seconds, { allow_personal_sign: r.allow_personal_sign, typed_data_domains: domains, tier: r.tier })
  },
  compile(r) {
    const domains = (r.typed_data_domains as Record<string, string>[]).map((d) => {
      const out: TypedDataDomain = {}
      if (d.name !== undefined) out.name = d.name
      if (d.version !== undefined) out.version = d.version
      if (d.chainId !== undefined) out.chainId = BigInt(d.chainId)
      if (d.verifyingContract !== undefined) out.verifyingContract = d.verifyingContract
      return out
    })
    return { personal: r.allow_personal_sign === true, domains, tier: tierOf(r, 'tier'), delay: delayOf(r) }
  },
  checks: {
    action(e, a, list) {
      if (a.kind !== 'sign-message' && a.kind !== 'sign-typed-data') return
      const what = a.kind === 'sign-message' ? 'message signing' : 'typed-data signing'
      if (list.length === 0) {
        const example = a.kind === 'sign-message' ? '{"allow_personal_sign":true}' : '{"typed_data_domains":[{"name":"…","chainId":1}]}'
        e.deny(null, null, `No SIGNING_RULES policy applies: ${what} is denied`, suggestAdd(e.req.walletId, 'SIGNING_RULES', example))
      }
      for (const { p, c } of list) {
        if (a.kind === 'sign-message') {
          if (!c.personal) e.deny(p, 'allow_personal_sign', 'Message signing is not allowed by this SIGNING_RULES policy', 'set allow_personal_sign to true')
          else e.hit(p, 'tier', c.tier, c.delay, `message signing is allowed at tier ${c.tier}`)
        } else if (c.domains.some((d) => domainMatches(d, a.domain))) {
          e.hit(p, 'tier', c.tier, c.delay, `the typed-data domain matches; signing at tier ${c.tier}`)
        } else {
          const got = a.domain
          const shown = [got.name !== undefined ? `name ${JSON.stringify(got.name.slice(0, 40))}` : '', got.chainId !== undefined ? `chainId ${got.chainId}` : '', got.verifyingContract ?? '']
            .filter((s) => s !== '')
            .join(', ')
          e.deny(p, 'typed_data_domains', `The typed-data domain (${shown || 'empty'}) matches no entry of typed_data_domains`, 'a domain matching every field of one typed_data_domains entry')
        }
      }
    },
  },
})

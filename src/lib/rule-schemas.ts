/**
 * The rules of each policy type, as zod schemas: what `policy add` and `policy update` accept for `rules`, field by
 * field, with a description and a JSON Schema shape for each. The daemon validates with them (src/daemon/policy/
 * rules.ts normalises what they return); the contract advertises them, one branch per type, so an agent, a REST
 * client or a person reading `policy_add`'s schema sees every field without guessing.
 *
 * Shared and light: the two checks that need a chain library (an EIP-55 checksum, a function signature's selector)
 * are passed in by the daemon, so the contract (loaded by `waiaas mcp`) never loads ethers. The schemas built with
 * `ADVERTISED_ONLY` checks are for describing, never for validating.
 *
 * Custom failures carry `params.issue`, which the daemon reports as `details.issue`.
 */
import { base58 } from '@scure/base'
import { z } from 'zod'
import { parseAmount } from './amounts.js'
import { durationSchema } from './duration-schema.js'
import { WaiaasError } from './errors.js'
import { resolveNetwork } from './networks.js'
import { DAYS, POLICY_TYPE_DOCS, POLICY_TYPES, RULE_FIELDS, type PolicyType, type RuleField } from './policy-fields.js'
import type { ParsedFields } from './policy-types/fields.js'
import { DECIMAL_PATTERN, places, shown } from './policy-types/helpers.js'

/** The checks a rule field needs from a chain library, given by whoever validates. */
export interface RuleChecks {
  /** True when a mixed-case EVM address carries a valid EIP-55 checksum. */
  validChecksum(address: string): boolean
  /** The 4-byte selector (`0x` + 8 hex) of a function signature such as "transfer(address,uint256)"; throws when it is not one. */
  selectorOf(signature: string): string
}

/** Checks for schemas that are only turned into JSON Schema: they refuse everything, so they never validate by mistake. */
export const ADVERTISED_ONLY: RuleChecks = {
  validChecksum: () => false,
  selectorOf: () => {
    throw new Error('rule schemas built with ADVERTISED_ONLY checks do not validate')
  },
}

const MAX_LIST = 10_000
const MAX_TEXT = 256
export { DAYS }

type Ctx = z.core.$RefinementCtx
const issue = (ctx: Ctx, input: unknown, code: string, message: string): never => {
  ctx.issues.push({ code: 'custom', message, input, params: { issue: code } })
  return z.NEVER
}

const DECIMAL = new RegExp(DECIMAL_PATTERN)
export { places, shown }

/**
 * A decimal amount: JSON number or decimal string → the decimal string. `maxPlaces` caps significant decimal
 * places (6 for USD); otherwise the value must fit in uint256 at its own precision.
 */
function decimal(maxPlaces?: number) {
  return z
    .unknown()
    .transform((v, ctx): string => {
      let text: string
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) return issue(ctx, v, 'not-a-number', 'must be a finite number or a decimal string such as "10.5"')
        text = String(v)
      } else if (typeof v === 'string') {
        if (v.length > 100) return issue(ctx, v, 'too-long', 'is longer than 100 characters')
        text = v
      } else {
        return issue(ctx, v, 'invalid_type', `must be a decimal string such as "10.5" or a number, not ${v === null ? 'null' : typeof v}`)
      }
      const p = DECIMAL.test(text) ? places(text) : 0
      if (maxPlaces !== undefined && p > maxPlaces) {
        return issue(ctx, v, 'too-many-decimals', `${shown(text)} has more than ${maxPlaces} decimal places`)
      }
      try {
        parseAmount(text, p, 'amount', { allowZero: true })
      } catch (err) {
        const reason = err instanceof WaiaasError ? String(err.details.reason) : 'not-a-number'
        const why: Record<string, string> = {
          empty: 'is empty',
          negative: `${shown(text)} must not be negative`,
          exponent: `${shown(text)} must be a plain decimal such as "1000", without exponent notation`,
          'too-large': `${shown(text)} is too large`,
        }
        return issue(ctx, v, reason, why[reason] ?? `${shown(text)} is not a plain decimal such as "10.5" (no sign, spaces, hex or leading zeros)`)
      }
      return text
    })
    .meta({ type: ['string', 'number'], pattern: DECIMAL.source, maxLength: 100, minimum: 0 })
}

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/
const SOLANA_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/
/** Canonical address key: EVM lower-case (checksum checked if mixed case), Solana base58 as is. */
export function ruleAddress(checks: RuleChecks, family: 'any' | 'evm' = 'any') {
  return z
    .unknown()
    .transform((v, ctx): string => {
      if (typeof v !== 'string') return issue(ctx, v, 'invalid_type', `must be an address string, not ${v === null ? 'null' : typeof v}`)
      if (EVM_ADDRESS.test(v)) {
        const hex = v.slice(2)
        // Only a mixed-case address carries an EIP-55 checksum to verify.
        if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return `0x${hex.toLowerCase()}`
        if (!checks.validChecksum(v)) {
          return issue(ctx, v, 'bad-checksum', `${shown(v)} has mixed case but an invalid EIP-55 checksum; check it or write it in lower case`)
        }
        return v.toLowerCase()
      }
      if (family === 'any' && SOLANA_ADDRESS.test(v)) {
        let length = 0
        try {
          length = base58.decode(v).length
        } catch {
          // not base58: reported below
        }
        if (length === 32) return v
      }
      const expected = family === 'evm' ? 'an EVM address (0x and 40 hex digits)' : 'an EVM address (0x and 40 hex digits) or a Solana address (base58 32-byte key)'
      return issue(ctx, v, 'bad-address', `${shown(v)} is not ${expected}`)
    })
    .meta(family === 'evm' ? { type: 'string', pattern: EVM_ADDRESS.source } : { type: 'string', pattern: `${EVM_ADDRESS.source}|${SOLANA_ADDRESS.source}` })
}

function network() {
  return z
    .unknown()
    .transform((v, ctx): string => {
      if (typeof v !== 'string') return issue(ctx, v, 'invalid_type', `must be a network id or alias, not ${v === null ? 'null' : typeof v}`)
      try {
        return resolveNetwork(v).id
      } catch (err) {
        const suggestion = err instanceof WaiaasError ? err.details.suggestion : undefined
        return issue(ctx, v, 'unknown-network', `${shown(v)} is not a known network${typeof suggestion === 'string' ? ` (did you mean "${suggestion}"?)` : ''}; see \`waiaas network list\``)
      }
    })
    .meta({ type: 'string', description: 'A CAIP-2 network id or an alias, e.g. "base" or "eip155:8453"' })
}

const SELECTOR = /^0x[0-9a-fA-F]{8}$/
const SIGNATURE = /^[A-Za-z_$][A-Za-z0-9_$]*\(.*\)$/

function selector(checks: RuleChecks) {
  return z
    .unknown()
    .transform((v, ctx): string => {
      if (typeof v !== 'string') return issue(ctx, v, 'invalid_type', `must be a selector or function signature, not ${v === null ? 'null' : typeof v}`)
      if (SELECTOR.test(v)) return v.toLowerCase()
      if (v.length <= MAX_TEXT && SIGNATURE.test(v)) {
        try {
          return checks.selectorOf(v)
        } catch {
          // reported below
        }
      }
      return issue(ctx, v, 'bad-selector', `${shown(v)} is neither a selector (0x and 8 hex digits) nor a function signature such as "transfer(address,uint256)"`)
    })
    .meta({ type: 'string', maxLength: MAX_TEXT, description: 'A 4-byte selector ("0xa9059cbb") or a function signature ("transfer(address,uint256)")' })
}

const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_LIST)
const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/

function clock(allow24: boolean) {
  return z
    .unknown()
    .transform((v, ctx): string => {
      if (typeof v === 'string' && (HHMM.test(v) || (allow24 && v === '24:00'))) return v
      return issue(ctx, v, 'bad-time', `${typeof v === 'string' ? shown(v) : 'it'} is not a 24-hour time "HH:MM" such as "09:00"${allow24 ? ' (or "24:00")' : ''}`)
    })
    .meta({ type: 'string', pattern: allow24 ? `${HHMM.source}|^24:00$` : HHMM.source })
}

/** Canonical names of the time zones seen (building a DateTimeFormat costs ~60 µs). */
const ZONES = new Map<string, string>()

function timezone() {
  return z
    .unknown()
    .transform((v, ctx): string => {
      if (typeof v === 'string' && v.length <= 64) {
        const hit = ZONES.get(v)
        if (hit !== undefined) return hit
        try {
          const zone = new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone
          if (ZONES.size < 1000) ZONES.set(v, zone)
          return zone
        } catch {
          // reported below
        }
      }
      return issue(ctx, v, 'bad-timezone', `${typeof v === 'string' ? shown(v) : 'it'} is not an IANA time zone such as "UTC" or "Europe/Berlin"`)
    })
    .meta({ type: 'string', maxLength: 64 })
}

const day = z
  .unknown()
  .transform((v, ctx): (typeof DAYS)[number] => {
    const d = typeof v === 'string' ? v.toLowerCase() : ''
    if ((DAYS as readonly string[]).includes(d)) return d as (typeof DAYS)[number]
    return issue(ctx, v, 'bad-day', `${typeof v === 'string' ? shown(v) : 'it'} is not one of ${DAYS.join(', ')}`)
  })
  .meta({ type: 'string', enum: [...DAYS], description: 'A day of the week' })

const chainId = z
  .unknown()
  .transform((v, ctx): string => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v)
    if (typeof v === 'string' && /^(0|[1-9][0-9]{0,77})$/.test(v)) return v
    return issue(ctx, v, 'bad-chain-id', 'must be a non-negative integer or a decimal string of one')
  })
  .meta({ type: ['integer', 'string'], pattern: '^(0|[1-9][0-9]{0,77})$', minimum: 0 })

/** The validator of one kind of field (without optionality or default), with its JSON Schema shape. */
function valueSchema(checks: RuleChecks, f: RuleField): z.ZodType {
  switch (f.kind) {
    case 'usd':
      return decimal(6)
    case 'amount':
      return decimal()
    case 'address':
      return ruleAddress(checks)
    case 'list': {
      if (f.of === 'day') return z.array(day).min(f.min ?? 0).max(DAYS.length)
      const l = list(f.of === 'address' ? ruleAddress(checks) : network())
      return f.min === undefined ? l : l.min(f.min)
    }
    case 'enum':
      return z.enum(f.values)
    case 'bool':
      return z.boolean()
    case 'int':
      return z.number().int().min(f.min).max(f.max)
    case 'seconds':
      return durationSchema({ unit: 's', min: f.min, max: f.max })
    case 'clock':
      return clock(f.allow24)
    case 'timezone':
      return timezone()
    case 'selectors':
      return z.record(z.string().max(100), list(selector(checks)).describe('The selectors or signatures allowed on this contract'))
    case 'limits':
      return list(
        z.strictObject({
          token: ruleAddress(checks).describe('The token (ERC-20 contract or SPL mint) this cap applies to'),
          max_amount: decimal().describe('The largest allowance for it, in token units (a decimal)'),
        }),
      )
    case 'domains':
      return list(
        z
          .strictObject({
            name: z.string().max(MAX_TEXT).optional().describe("The domain's name"),
            version: z.string().max(MAX_TEXT).optional().describe("The domain's version"),
            chainId: chainId.optional().describe("The domain's chain id"),
            verifyingContract: ruleAddress(checks, 'evm').optional().describe("The domain's verifying contract (0x address)"),
          })
          .describe('An EIP-712 domain to match: every field it gives must match; give at least one'),
      )
  }
}

function fieldSchema(checks: RuleChecks, f: RuleField): z.ZodType {
  const v = valueSchema(checks, f).describe(f.doc)
  if (f.default !== undefined) return v.default(f.default as never)
  return f.required === true ? v : v.optional()
}

/** The validated rules of a type, before normalisation. */
export type ParsedRules<T extends PolicyType> = ParsedFields<(typeof RULE_FIELDS)[T]>

/**
 * The rules schema of every policy type, validating with `checks`: built from the field table (src/lib/policy-fields.ts)
 * that `policy create` builds its flags from, so validation, flags, help and the advertised schema are one declaration.
 */
export function ruleSchemas(checks: RuleChecks): { [T in PolicyType]: z.ZodType<ParsedRules<T>, unknown> & { shape: Record<string, z.ZodType> } } {
  return Object.fromEntries(
    POLICY_TYPES.map((t) => [
      t,
      z.strictObject(Object.fromEntries((Object.entries(RULE_FIELDS[t]) as [string, RuleField][]).map(([k, f]) => [k, fieldSchema(checks, f)]))),
    ]),
  ) as never
}

export type RuleSchemas = ReturnType<typeof ruleSchemas>

/** The policy types, in the order they are documented. */
export const RULE_TYPES: readonly PolicyType[] = POLICY_TYPES

/**
 * The JSON Schema of each type's rules (what a caller sends), titled with the type and described by its summary:
 * the branches of `policy.add`'s `rules`.
 */
export function rulesJsonSchemas(): Record<string, unknown>[] {
  const schemas = ruleSchemas(ADVERTISED_ONLY)
  return RULE_TYPES.map((type) => {
    const s = z.toJSONSchema(schemas[type] as z.ZodType, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>
    delete s.$schema
    return { title: type, description: `${type} rules: ${POLICY_TYPE_DOCS[type]}`, ...s }
  })
}

/**
 * Validation and normalisation of policy rules. What `policy add` / `policy update` store is the output of
 * `validateRules`: canonical, JSON-safe and explicit (defaults filled in), so the engine, `policy list` and the
 * audit log all read the same thing.
 *
 * Normal forms:
 * - Amounts: JSON numbers or plain decimal strings (the `parseAmount` grammar: no sign, exponent, spaces, hex or
 *   leading zeros), stored as the decimal string given (`10` → "10", `0.5` → "0.5", "1.50" stays "1.50"). USD
 *   amounts have at most 6 decimal places (micro-dollars); asset amounts any number that fits in uint256 minor
 *   units (the engine rounds a finer threshold down to the asset's decimals, which is the stricter way).
 * - Addresses: EVM `0x` + 40 hex → lower-case (a mixed-case address must carry a valid EIP-55 checksum); Solana
 *   base58 32-byte public keys as given. Lists are de-duplicated, first occurrence kept.
 * - Networks: CAIP-2 ids or aliases → CAIP-2 ids. Selectors: `0x` + 8 hex lower-case, or a function signature
 *   converted to its selector. Days: lower-case `mon`…`sun` in week order. Time zones: Intl's canonical name.
 * - `delay_seconds` is present exactly when the type's tier (or a SPENDING_LIMIT delay threshold) is DELAY.
 *
 * Every error is POLICY_INVALID with `details: { type, field, issue }`, `field` the exact path (`rules.recipients.2`).
 */
import { base58 } from '@scure/base'
import { FunctionFragment, getAddress } from 'ethers'
import { z } from 'zod'
import { parseAmount } from '../../lib/amounts.js'
import { checkDuration } from '../../lib/durations.js'
import { WaiaasError } from '../../lib/errors.js'
import { resolveNetwork } from '../../lib/networks.js'
import { DAYS, POLICY_TYPE_DOCS, policyTypeNames, RULE_FIELDS, ruleFieldsHelp, type Day, type RuleField } from '../../lib/policy-fields.js'
import { POLICY_TYPES, type PolicyType, type Tier } from './types.js'

/** The delay of a DELAY tier when the rules do not give one. */
export const DEFAULT_DELAY_SECONDS = 900
const MAX_LIST = 10_000
const MAX_TEXT = 256

/** True when `x` is one of the policy types. */
/**
 * Types whose policies only ever restrict: adding one (where it hides no policy of its type) can raise a tier or
 * deny, never lower a tier or allow. The others grant: the first one of its type lifts a default deny (ALLOWED_TOKENS,
 * CONTRACT_ALLOWLIST, APPROVED_SPENDERS, APPROVE_AMOUNT_LIMIT, SIGNING_RULES), and a SPENDING_LIMIT for an asset no
 * limit covered lifts its fail-closed APPROVAL. test/unit/policy-tightening.test.ts proves that adding these tightens, over generated policies and requests.
 */
export const RESTRICTING_TYPES: readonly PolicyType[] = [
  'ALLOWED_NETWORKS', 'RECIPIENT_ALLOWLIST', 'RECIPIENT_DENYLIST', 'METHOD_ALLOWLIST', 'RATE_LIMIT', 'TIME_WINDOW',
  'NEW_RECIPIENT_TIER', 'MAX_PENDING', 'FEE_CAP',
]

export function isPolicyType(x: string): x is PolicyType {
  return (POLICY_TYPES as readonly string[]).includes(x)
}

/** One paragraph per type: what it does and every rule field (from RULE_FIELDS), for help and error hints. */
export const RULE_DOCS = Object.fromEntries(POLICY_TYPES.map((t) => [t, `${POLICY_TYPE_DOCS[t]} Fields: ${ruleFieldsHelp(t)}.`])) as Record<PolicyType, string>

// ---------------------------------------------------------------------------------------------------------------
// Field schemas. Custom failures carry `params.issue`, which becomes `details.issue`.

type Ctx = z.core.$RefinementCtx
const issue = (ctx: Ctx, input: unknown, code: string, message: string): never => {
  ctx.issues.push({ code: 'custom', message, input, params: { issue: code } })
  return z.NEVER
}

/** A string shown in a message: at most 40 characters, quoted. */
function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v)
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)
}

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/

/** Decimal-place count of a valid decimal string, trailing zeros not counted. */
function places(text: string): number {
  const frac = DECIMAL.exec(text)?.[2] ?? ''
  let end = frac.length
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--
  return end
}

/**
 * A decimal amount: JSON number or decimal string → the decimal string. `maxPlaces` caps significant decimal
 * places (6 for USD); otherwise the value must fit in uint256 at its own precision.
 */
function decimal(maxPlaces?: number) {
  return z.unknown().transform((v, ctx): string => {
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
}

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/
const SOLANA_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/

/** Canonical address key: EVM lower-case (checksum checked if mixed case), Solana base58 as is. */
function address(family: 'any' | 'evm' = 'any') {
  return z.unknown().transform((v, ctx): string => {
    if (typeof v !== 'string') return issue(ctx, v, 'invalid_type', `must be an address string, not ${v === null ? 'null' : typeof v}`)
    if (EVM_ADDRESS.test(v)) {
      const hex = v.slice(2)
      // Only a mixed-case address carries an EIP-55 checksum to verify.
      if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return `0x${hex.toLowerCase()}`
      try {
        getAddress(v)
      } catch {
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
}

function network() {
  return z.unknown().transform((v, ctx): string => {
    if (typeof v !== 'string') return issue(ctx, v, 'invalid_type', `must be a network id or alias, not ${v === null ? 'null' : typeof v}`)
    try {
      return resolveNetwork(v).id
    } catch (err) {
      const suggestion = err instanceof WaiaasError ? err.details.suggestion : undefined
      return issue(ctx, v, 'unknown-network', `${shown(v)} is not a known network${typeof suggestion === 'string' ? ` (did you mean "${suggestion}"?)` : ''}; see \`waiaas network list\``)
    }
  })
}

const SELECTOR = /^0x[0-9a-fA-F]{8}$/
const SIGNATURE = /^[A-Za-z_$][A-Za-z0-9_$]*\(.*\)$/

function selector() {
  return z.unknown().transform((v, ctx): string => {
    if (typeof v !== 'string') return issue(ctx, v, 'invalid_type', `must be a selector or function signature, not ${v === null ? 'null' : typeof v}`)
    if (SELECTOR.test(v)) return v.toLowerCase()
    if (v.length <= MAX_TEXT && SIGNATURE.test(v)) {
      try {
        return FunctionFragment.from(v).selector
      } catch {
        // reported below
      }
    }
    return issue(ctx, v, 'bad-selector', `${shown(v)} is neither a selector (0x and 8 hex digits) nor a function signature such as "transfer(address,uint256)"`)
  })
}

/** Whole seconds: a number, or a text of the one duration grammar ("5m", "1.5h"), stored as the number. */
function seconds(min: number, max: number) {
  return z.unknown().transform((v, ctx): number => {
    if (typeof v !== 'number' && typeof v !== 'string') {
      return issue(ctx, v, 'invalid_type', `must be a number of seconds or a duration such as "5m", not ${v === null ? 'null' : typeof v}`)
    }
    const r = checkDuration(v, { unit: 's', min, max })
    return r.ok ? r.value : issue(ctx, v, r.issue, r.reason)
  })
}
const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_LIST)

const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/

function clock(allow24: boolean) {
  return z.unknown().transform((v, ctx): string => {
    if (typeof v === 'string' && (HHMM.test(v) || (allow24 && v === '24:00'))) return v
    return issue(ctx, v, 'bad-time', `${typeof v === 'string' ? shown(v) : 'it'} is not a 24-hour time "HH:MM" such as "09:00"${allow24 ? ' (or "24:00")' : ''}`)
  })
}

/** Canonical names of the time zones seen (building a DateTimeFormat costs ~60 µs). */
const ZONES = new Map<string, string>()

function timezone() {
  return z.unknown().transform((v, ctx): string => {
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
}

const day = z.unknown().transform((v, ctx): Day => {
  const d = typeof v === 'string' ? v.toLowerCase() : ''
  if ((DAYS as readonly string[]).includes(d)) return d as Day
  return issue(ctx, v, 'bad-day', `${typeof v === 'string' ? shown(v) : 'it'} is not one of ${DAYS.join(', ')}`)
})

const chainId = z.unknown().transform((v, ctx): string => {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v)
  if (typeof v === 'string' && /^(0|[1-9][0-9]{0,77})$/.test(v)) return v
  return issue(ctx, v, 'bad-chain-id', 'must be a non-negative integer or a decimal string of one')
})

// ---------------------------------------------------------------------------------------------------------------
// Per-type schemas, built from the field table (src/lib/policy-fields.ts) that `policy create` builds its flags from.

const USD_TIERS = ['instant_max_usd', 'notify_max_usd', 'delay_max_usd'] as const
const USD_LIMITS = ['daily_limit_usd', 'weekly_limit_usd', 'monthly_limit_usd'] as const
const ASSET_TIERS = ['instant_max', 'notify_max', 'delay_max'] as const
const ASSET_LIMITS = ['daily_limit', 'weekly_limit', 'monthly_limit'] as const

/** The validator of one kind of field (without optionality or default). */
function valueSchema(f: RuleField): z.ZodType {
  switch (f.kind) {
    case 'usd':
      return decimal(6)
    case 'amount':
      return decimal()
    case 'address':
      return address()
    case 'list': {
      const item = f.of === 'address' ? address() : f.of === 'network' ? network() : day
      const l = f.of === 'day' ? z.array(item).max(DAYS.length) : list(item)
      return f.min === undefined ? l : l.min(f.min)
    }
    case 'enum':
      return z.enum(f.values)
    case 'bool':
      return z.boolean()
    case 'int':
      return z.number().int().min(f.min).max(f.max)
    case 'seconds':
      return seconds(f.min, f.max)
    case 'clock':
      return clock(f.allow24)
    case 'timezone':
      return timezone()
    case 'selectors':
      return z.record(z.string().max(100), list(selector()))
    case 'limits':
      return list(z.strictObject({ token: address(), max_amount: decimal() }))
    case 'domains':
      return list(
        z.strictObject({
          name: z.string().max(MAX_TEXT).optional(),
          version: z.string().max(MAX_TEXT).optional(),
          chainId: chainId.optional(),
          verifyingContract: address('evm').optional(),
        }),
      )
  }
}

function fieldSchema(f: RuleField): z.ZodType {
  const v = valueSchema(f)
  if (f.default !== undefined) return v.default(f.default)
  return f.required === true ? v : v.optional()
}

const SCHEMAS = Object.fromEntries(
  POLICY_TYPES.map((t) => [t, z.strictObject(Object.fromEntries((Object.entries(RULE_FIELDS[t]) as [string, RuleField][]).map(([k, f]) => [k, fieldSchema(f)])))]),
) as Record<PolicyType, z.ZodObject>

/** The value a field of a kind holds once validated. */
type ValueOf<F> = F extends { kind: 'usd' | 'amount' | 'address' | 'clock' | 'timezone' }
  ? string
  : F extends { kind: 'list'; of: 'day' }
    ? Day[]
    : F extends { kind: 'list' }
      ? string[]
      : F extends { kind: 'enum'; values: readonly (infer V)[] }
        ? V
        : F extends { kind: 'bool' }
          ? boolean
          : F extends { kind: 'int' | 'seconds' }
            ? number
            : F extends { kind: 'selectors' }
              ? Record<string, string[]>
              : F extends { kind: 'limits' }
                ? { token: string; max_amount: string }[]
                : F extends { kind: 'domains' }
                  ? { name?: string | undefined; version?: string | undefined; chainId?: string | undefined; verifyingContract?: string | undefined }[]
                  : never
type Always<F> = F extends { required: true } ? true : F extends { default: unknown } ? true : false
type Fields<T extends PolicyType> = (typeof RULE_FIELDS)[T]
/** The validated rules of a type, before normalisation. */
type Parsed<T extends PolicyType> = { [K in keyof Fields<T> as Always<Fields<T>[K]> extends true ? K : never]: ValueOf<Fields<T>[K]> } & {
  [K in keyof Fields<T> as Always<Fields<T>[K]> extends true ? never : K]?: ValueOf<Fields<T>[K]> | undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Errors.

function fail(type: PolicyType, field: string, issueCode: string, message: string): never {
  throw new WaiaasError('POLICY_INVALID', `Invalid ${type} rules: ${field} ${message}`, { details: { type, field, issue: issueCode } })
}

function fieldPath(path: readonly PropertyKey[]): string {
  return ['rules', ...path.map((p) => (typeof p === 'string' && p.length > 64 ? `${p.slice(0, 64)}…` : String(p)))].join('.')
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[p]
  }
  return v
}

function fromZod(type: PolicyType, raw: unknown, issues: readonly z.core.$ZodIssue[]): never {
  const first = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]
  if (first === undefined) fail(type, 'rules', 'invalid', 'are invalid')
  if (first.code === 'unrecognized_keys') {
    const fields = first.path.length === 0 ? `; the fields of ${type} are: ${Object.keys(SCHEMAS[type].shape).join(', ')}` : ''
    fail(type, fieldPath([...first.path, first.keys[0] ?? '']), 'unknown-field', `is not a known field${fields}`)
  }
  const field = fieldPath(first.path)
  if (first.path.length > 0 && valueAt(raw, first.path) === undefined) fail(type, field, 'missing', 'is required')
  if (first.code === 'custom') fail(type, field, String(first.params?.issue ?? 'invalid'), first.message)
  if (first.path.length === 0) fail(type, field, 'invalid_type', 'must be a JSON object')
  fail(type, field, first.code, first.message.replace(/^Invalid input: /, '').replace(/^./, (c) => c.toLowerCase()))
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation and cross-field checks.

/** Exact comparison of two valid decimal strings. */
function compareDecimals(a: string, b: string): number {
  const scale = Math.max(places(a), places(b))
  const x = parseAmount(a, scale, 'a', { allowZero: true })
  const y = parseAmount(b, scale, 'b', { allowZero: true })
  return x < y ? -1 : x > y ? 1 : 0
}

const dedupe = <T>(xs: readonly T[]): T[] => [...new Set(xs)]

/** Sets `delay_seconds` when `tier` is DELAY (default 900); refuses it otherwise. */
function withDelay(type: PolicyType, tier: Tier, given: number | undefined, out: Record<string, unknown>): Record<string, unknown> {
  if (tier === 'DELAY') out.delay_seconds = given ?? DEFAULT_DELAY_SECONDS
  else if (given !== undefined) fail(type, 'rules.delay_seconds', 'not-applicable', 'applies only when tier is DELAY')
  return out
}

function checkOrder(type: PolicyType, r: Record<string, unknown>, fields: readonly string[]): void {
  let prev: string | undefined
  for (const f of fields) {
    const v = r[f]
    if (typeof v !== 'string') continue
    if (prev !== undefined && compareDecimals(v, r[prev] as string) < 0) {
      fail(type, `rules.${f}`, 'not-monotone', `(${shown(v)}) must not be below ${prev} (${shown(r[prev])}): tiers go instant ≤ notify ≤ delay`)
    }
    prev = f
  }
}

const NORMALISE: { [T in PolicyType]: (r: Parsed<T>) => Record<string, unknown> } = {
  SPENDING_LIMIT(r) {
    const type = 'SPENDING_LIMIT'
    const out: Record<string, unknown> = {}
    for (const f of [...USD_TIERS, ...USD_LIMITS, ...ASSET_TIERS, ...ASSET_LIMITS]) if (r[f] !== undefined) out[f] = r[f]
    if (Object.keys(out).length === 0) {
      fail(type, 'rules', 'no-threshold', `needs at least one threshold or limit: ${[...USD_TIERS, ...USD_LIMITS, ...ASSET_TIERS, ...ASSET_LIMITS].join(', ')}`)
    }
    checkOrder(type, out, USD_TIERS)
    checkOrder(type, out, ASSET_TIERS)
    const hasAsset = [...ASSET_TIERS, ...ASSET_LIMITS].some((f) => out[f] !== undefined)
    if (r.token !== undefined) {
      if (!hasAsset) fail(type, 'rules.token', 'unused', `applies to ${[...ASSET_TIERS, ...ASSET_LIMITS].join(', ')}; give at least one of them`)
      out.token = r.token
    }
    if (out.delay_max_usd !== undefined || out.delay_max !== undefined) out.delay_seconds = r.delay_seconds ?? DEFAULT_DELAY_SECONDS
    else if (r.delay_seconds !== undefined) fail(type, 'rules.delay_seconds', 'not-applicable', 'applies only with delay_max_usd or delay_max')
    out.on_exceed = r.on_exceed
    out.price_unavailable = r.price_unavailable
    if (r.approval_timeout_seconds !== undefined) out.approval_timeout_seconds = r.approval_timeout_seconds
    return out
  },
  ALLOWED_NETWORKS: (r) => ({ networks: dedupe(r.networks) }),
  ALLOWED_TOKENS: (r) => ({ tokens: dedupe(r.tokens) }),
  RECIPIENT_ALLOWLIST: (r) => ({ recipients: dedupe(r.recipients) }),
  RECIPIENT_DENYLIST: (r) => ({ recipients: dedupe(r.recipients) }),
  CONTRACT_ALLOWLIST: (r) => ({ contracts: dedupe(r.contracts) }),
  METHOD_ALLOWLIST(r) {
    const methods: Record<string, string[]> = {}
    const key = address()
    for (const [k, sels] of Object.entries(r.methods)) {
      const parsed = key.safeParse(k)
      if (!parsed.success) {
        const i = parsed.error.issues[0]
        fail('METHOD_ALLOWLIST', fieldPath(['methods', k]), i?.code === 'custom' ? String(i.params?.issue ?? 'bad-address') : 'bad-address', `(a contract key): ${i?.message ?? 'is not an address'}`)
      }
      methods[parsed.data] = dedupe([...(methods[parsed.data] ?? []), ...sels])
    }
    return { methods }
  },
  APPROVED_SPENDERS: (r) => ({ spenders: dedupe(r.spenders) }),
  APPROVE_AMOUNT_LIMIT(r) {
    const out: Record<string, unknown> = { allow_unlimited: r.allow_unlimited }
    if (r.limits !== undefined) {
      const seen = new Set<string>()
      r.limits.forEach((l, i) => {
        if (seen.has(l.token)) fail('APPROVE_AMOUNT_LIMIT', `rules.limits.${i}.token`, 'duplicate', 'names a token that an earlier limit already caps')
        seen.add(l.token)
      })
      out.limits = r.limits.map((l) => ({ token: l.token, max_amount: l.max_amount }))
    }
    return out
  },
  RATE_LIMIT: (r) => withDelay('RATE_LIMIT', r.tier, r.delay_seconds, { max_requests: r.max_requests, per_seconds: r.per_seconds, tier: r.tier }),
  TIME_WINDOW(r) {
    if (r.start === r.end) fail('TIME_WINDOW', 'rules.end', 'empty-window', 'equals start; for no time restriction, remove the TIME_WINDOW policy')
    const out: Record<string, unknown> = { start: r.start, end: r.end }
    if (r.days !== undefined) out.days = DAYS.filter((d) => r.days?.includes(d))
    out.timezone = r.timezone
    out.outside = r.outside
    return out
  },
  SIGNING_RULES(r) {
    const domains = r.typed_data_domains.map((d, i) => {
      const e: Record<string, string> = {}
      if (d.name !== undefined) e.name = d.name
      if (d.version !== undefined) e.version = d.version
      if (d.chainId !== undefined) e.chainId = d.chainId
      if (d.verifyingContract !== undefined) e.verifyingContract = d.verifyingContract
      if (Object.keys(e).length === 0) fail('SIGNING_RULES', `rules.typed_data_domains.${i}`, 'empty-domain', 'must give at least one of name, version, chainId, verifyingContract')
      return e
    })
    return withDelay('SIGNING_RULES', r.tier, r.delay_seconds, { allow_personal_sign: r.allow_personal_sign, typed_data_domains: domains, tier: r.tier })
  },
  NEW_RECIPIENT_TIER: (r) => withDelay('NEW_RECIPIENT_TIER', r.tier, r.delay_seconds, { tier: r.tier }),
  MAX_PENDING: (r) => ({ max: r.max, tier: r.tier }),
  FEE_CAP: (r) => withDelay('FEE_CAP', r.tier, r.delay_seconds, { max_fee: r.max_fee, tier: r.tier }),
}

/**
 * Validates `raw` as the rules of a `type` policy and returns them normalised (see the module comment); the
 * result validates to itself. Throws POLICY_INVALID with `details: { type, field, issue }`.
 */
export function validateRules(type: PolicyType, raw: unknown): Record<string, unknown> {
  if (!isPolicyType(type)) {
    throw new WaiaasError('POLICY_INVALID', `Unknown policy type ${shown(type)}; types are: ${policyTypeNames()}`, {
      details: { type: String(type).slice(0, 40), field: 'type', issue: 'unknown-type' },
    })
  }
  const parsed = SCHEMAS[type].safeParse(raw)
  if (!parsed.success) fromZod(type, raw, parsed.error.issues)
  return (NORMALISE[type] as (r: unknown) => Record<string, unknown>)(parsed.data)
}

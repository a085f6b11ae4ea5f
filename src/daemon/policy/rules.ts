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
 * The per-type field schemas live in src/lib/rule-schemas.ts, shared with the contract that advertises them.
 */
import { FunctionFragment, getAddress } from 'ethers'
import type { z } from 'zod'
import { parseAmount } from '../../lib/amounts.js'
import { checkDuration } from '../../lib/durations.js'
import { WaiaasError } from '../../lib/errors.js'
import { POLICY_TYPE_DOCS, policyTypeNames, ruleFieldsHelp } from '../../lib/policy-fields.js'
import { DAYS, places, ruleAddress, ruleSchemas, shown, type ParsedRules, type RuleChecks } from '../../lib/rule-schemas.js'
import { POLICY_TYPES, type PolicyType, type Tier } from './types.js'
import { DEFAULT_DELAY_SECONDS } from '../../lib/resolve-settings.js'

/** The delay of a DELAY tier when the rules do not give one: the resolver's default, re-exported for the engine. */
export { DEFAULT_DELAY_SECONDS }

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

/** True when `x` is one of the policy types (our names; aliases are read as ours before this). */
export function isPolicyType(x: string): x is PolicyType {
  return (POLICY_TYPES as readonly string[]).includes(x)
}

/** One paragraph per type: what it does and every rule field (from RULE_FIELDS), for help and error hints. */
export const RULE_DOCS = Object.fromEntries(POLICY_TYPES.map((t) => [t, `${POLICY_TYPE_DOCS[t]} Fields: ${ruleFieldsHelp(t)}.`])) as Record<PolicyType, string>

// ---------------------------------------------------------------------------------------------------------------
// Per-type schemas: shared with the contract (src/lib/rule-schemas.ts), validating here with ethers' checks.

const CHECKS: RuleChecks = {
  validChecksum(address) {
    try {
      getAddress(address)
      return true
    } catch {
      return false
    }
  },
  selectorOf: (signature) => FunctionFragment.from(signature).selector,
}

const SCHEMAS = ruleSchemas(CHECKS)
type Parsed<T extends PolicyType> = ParsedRules<T>

const USD_TIERS = ['instant_max_usd', 'notify_max_usd', 'delay_max_usd'] as const
const USD_LIMITS = ['daily_limit_usd', 'weekly_limit_usd', 'monthly_limit_usd'] as const
const ASSET_TIERS = ['instant_max', 'notify_max', 'delay_max'] as const
const ASSET_LIMITS = ['daily_limit', 'weekly_limit', 'monthly_limit'] as const

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
    const key = ruleAddress(CHECKS)
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

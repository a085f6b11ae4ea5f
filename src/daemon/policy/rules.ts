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
 * The per-type field schemas live in src/lib/rule-schemas.ts, shared with the contract that advertises them; each
 * type's normalisation is in its module (src/lib/policy-types/<TYPE>.ts).
 */
import { FunctionFragment, getAddress } from 'ethers'
import type { z } from 'zod'
import { WaiaasError } from '../../lib/errors.js'
import { POLICY_TYPE_DOCS, policyTypeNames, ruleFieldsHelp } from '../../lib/policy-fields.js'
import { invalid } from '../../lib/policy-types/helpers.js'
import { ANY_POLICY_TYPE_MODULES, POLICY_TYPE_MODULE } from '../../lib/policy-types/index.js'
import type { NormaliseKit, PolicyTypeModule } from '../../lib/policy-types/module.js'
import { ruleAddress, ruleSchemas, shown, type RuleChecks } from '../../lib/rule-schemas.js'
import { POLICY_TYPES, type PolicyType } from './types.js'

/** The delay of a DELAY tier when the rules do not give one. */
export { DEFAULT_DELAY_SECONDS } from '../../lib/policy-types/helpers.js'

/**
 * Types whose policies only ever restrict (each module's `restricting`): adding one (where it hides no policy of its
 * type) can raise a tier or deny, never lower a tier or allow. The others grant: the first one of its type lifts a
 * default deny (ALLOWED_TOKENS, CONTRACT_ALLOWLIST, APPROVED_SPENDERS, APPROVE_AMOUNT_LIMIT, SIGNING_RULES), and a
 * SPENDING_LIMIT for an asset no limit covered lifts its fail-closed APPROVAL. test/unit/policy-tightening.test.ts
 * proves that adding these tightens, over generated policies and requests.
 */
export const RESTRICTING_TYPES: readonly PolicyType[] = ANY_POLICY_TYPE_MODULES.filter((m) => m.restricting).map((m) => m.type as PolicyType)

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

// ---------------------------------------------------------------------------------------------------------------
// Errors.

const fail: (type: PolicyType, field: string, issueCode: string, message: string) => never = invalid

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
// Normalisation: each type's module (src/lib/policy-types/<TYPE>.ts).

const ADDRESS_KEY = ruleAddress(CHECKS)

function kitFor(type: PolicyType): NormaliseKit {
  return {
    addressKey(path, key) {
      const parsed = ADDRESS_KEY.safeParse(key)
      if (parsed.success) return parsed.data
      const i = parsed.error.issues[0]
      return fail(type, fieldPath(path), i?.code === 'custom' ? String(i.params?.issue ?? 'bad-address') : 'bad-address', `(a contract key): ${i?.message ?? 'is not an address'}`)
    },
  }
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
  return (POLICY_TYPE_MODULE[type] as PolicyTypeModule).normalise(parsed.data as never, kitFor(type))
}

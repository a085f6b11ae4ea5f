/**
 * The policy types and the fields of their rules, as data gathered from the type modules (src/lib/policy-types/):
 * the one declaration that the daemon's validator builds its schemas from (src/daemon/policy/rules.ts) and that
 * `waiaas policy create TYPE` builds its flags from, so a new type or field gets its flags, its help and its
 * validation from one module. The seed article's type names are accepted as aliases of ours. No zod, no ethers:
 * the CLI loads it.
 */
import { DAYS, type RuleField, type RuleValue } from './policy-types/fields.js'
import { POLICY_TYPE_MODULES, POLICY_TYPES, type PolicyType, type PolicyTypeModuleOf } from './policy-types/index.js'

export { POLICY_TYPES, type PolicyType } from './policy-types/index.js'
export { DAYS, THIRTY_DAYS, type Day, type RuleField, type RuleValue } from './policy-types/fields.js'

/**
 * The seed article's (WAIaaS's) names for our types, accepted wherever a type is given (CLI, socket, REST, MCP) and
 * stored and shown under ours. Its WHITELIST is a list of recipients; the others are ours under another word. Each
 * type module names its own (`aliases`).
 */
export const POLICY_TYPE_ALIASES: Readonly<Record<string, PolicyType>> = Object.fromEntries(
  POLICY_TYPE_MODULES.flatMap((m) => (m.aliases ?? []).map((a) => [a, m.type])),
)

/** Our name of a type given in any case, or as one of the seed's aliases; undefined when it is neither. */
export function canonicalPolicyType(text: string): PolicyType | undefined {
  const upper = text.trim().toUpperCase().replaceAll('-', '_')
  if ((POLICY_TYPES as readonly string[]).includes(upper)) return upper as PolicyType
  return Object.hasOwn(POLICY_TYPE_ALIASES, upper) ? POLICY_TYPE_ALIASES[upper] : undefined
}

/** The accepted type names in words, for errors and help. */
export function policyTypeNames(): string {
  const aliases = Object.entries(POLICY_TYPE_ALIASES).map(([a, t]) => `${a} (= ${t})`)
  return `${POLICY_TYPES.join(', ')}; the seed article's names are aliases: ${aliases.join(', ')}`
}

/** Every type's rule fields, in the order help shows them (each type module's `fields`). */
export const RULE_FIELDS = Object.fromEntries(POLICY_TYPE_MODULES.map((m) => [m.type, m.fields])) as unknown as {
  [T in PolicyType]: PolicyTypeModuleOf<T>['fields']
}

/** One paragraph per type: what it does (its fields are listed from RULE_FIELDS). */
export const POLICY_TYPE_DOCS = Object.fromEntries(POLICY_TYPE_MODULES.map((m) => [m.type, m.doc])) as Record<PolicyType, string>

/** `instant_max` → `instant-max`. */
export const kebab = (field: string): string => field.replaceAll('_', '-')

/** The `policy create` flag of one field. */
export function ruleFlag(field: string, spec: RuleField): string {
  return spec.flag ?? kebab(field)
}

/** One flag of `policy create` for one type: the field it sets, and the native-unit field when it is a USD/native pair. */
export interface TypeFlag {
  flag: string
  field: string
  spec: RuleField
  nativeField?: string
}

/** The flags of a type, in field order, a USD/native pair once. */
export function typeFlags(type: PolicyType): TypeFlag[] {
  const out = new Map<string, TypeFlag>()
  for (const [field, spec] of Object.entries(RULE_FIELDS[type]) as [string, RuleField][]) {
    const flag = ruleFlag(field, spec)
    const seen = out.get(flag)
    if (seen !== undefined && spec.unit === 'native') seen.nativeField = field
    else if (seen === undefined) out.set(flag, { flag, field, spec })
  }
  return [...out.values()]
}

/** Every type that has a flag, by flag. */
export function flagTypes(): Map<string, PolicyType[]> {
  const out = new Map<string, PolicyType[]>()
  for (const type of POLICY_TYPES) for (const f of typeFlags(type)) out.set(f.flag, [...(out.get(f.flag) ?? []), type])
  return out
}

/** What a field accepts, in words, for help and errors. */
export function describeRuleValue(v: RuleValue): string {
  switch (v.kind) {
    case 'usd':
    case 'amount':
      return 'decimal'
    case 'address':
      return 'address'
    case 'list':
      return v.of === 'day' ? `list of ${DAYS.join('|')}` : `list of ${v.of}es`.replace('networkes', 'networks')
    case 'enum':
      return v.values.join('|')
    case 'bool':
      return 'boolean'
    case 'int':
      return `integer ${v.min}..${v.max}`
    case 'seconds':
      return 'duration'
    case 'clock':
      return 'HH:MM'
    case 'timezone':
      return 'IANA zone'
    case 'selectors':
    case 'limits':
    case 'domains':
      return 'JSON'
  }
}

/** The fields of a type in words, one line each, for the validator's errors and `policy create TYPE --help`. */
export function ruleFieldsHelp(type: PolicyType): string {
  return (Object.entries(RULE_FIELDS[type]) as [string, RuleField][])
    .map(([field, f]) => `${field} (${describeRuleValue(f)}${f.required === true ? ', required' : ''}): ${f.doc}`)
    .join('; ')
}

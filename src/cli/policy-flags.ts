/**
 * `waiaas policy create TYPE`'s rule flags, generated from the policy field table (src/lib/policy-fields.ts): one flag
 * per field, kebab-case (`delay_seconds` → `--delay-seconds`), the USD and native-unit fields of SPENDING_LIMIT
 * sharing one (`--instant-max` is USD; `--native` or `--token` makes it native). Lists take repeated flags and/or
 * comma lists, booleans take `--x`/`--no-x`, enums and integers are checked here with the allowed values in the
 * error, durations take the one duration grammar; the daemon then validates the rules like any `--rules`.
 */
import * as Flags from '@oclif/core/flags'
import { durationBounds, durationFlag } from '../lib/durations.js'
import { WaiaasError } from '../lib/errors.js'
import { parseJson } from './flag-input.js'
import { canonicalPolicyType, describeRuleValue, flagTypes, POLICY_TYPE_DOCS, POLICY_TYPES, policyTypeNames, typeFlags, type PolicyType, type RuleField, type TypeFlag } from '../lib/policy-fields.js'

export const RULE_FLAGS_GROUP = 'RULE'

/** A flag's help line for one type: the field's doc, what it takes, and which field(s) it sets. */
export function ruleFlagDescription(f: TypeFlag): string {
  const sets = f.nativeField === undefined ? f.field : `${f.field}; with --native: ${f.nativeField}`
  const takes = f.spec.kind === 'list' ? `${describeRuleValue(f.spec)}, repeat or comma-separate` : describeRuleValue(f.spec)
  const bounds = f.spec.kind === 'seconds' ? `, ${durationBounds({ unit: 's', min: f.spec.min, max: f.spec.max })}` : ''
  return `${f.spec.doc} [${takes}${bounds}${f.spec.required === true ? ', required' : ''}] (${sets})`
}

/** The help of a flag several types share: the same line when they agree, else what each type takes. */
function sharedDescription(flag: string, types: readonly PolicyType[]): string {
  const per = types.map((t) => [t, typeFlags(t).find((f) => f.flag === flag) as TypeFlag] as const)
  const lines = per.map(([, f]) => ruleFlagDescription(f))
  if (lines.every((l) => l === lines[0])) return `${lines[0] ?? ''} — ${types.join(', ')}`
  return per
    .map(([t, f]) => `${t}: ${describeRuleValue(f.spec)}${f.spec.default === undefined ? '' : ` (default ${String(f.spec.default)})`}${f.spec.required === true ? ' (required)' : ''}`)
    .join('; ')
}

/** The oclif definition of one rule flag; `types` are the types it belongs to (named in the shared help). */
function flagDef(f: TypeFlag, types: readonly PolicyType[]) {
  const description = types.length === 1 ? `${types[0]}: ${ruleFlagDescription(f)}` : sharedDescription(f.flag, types)
  const common = { description, helpGroup: RULE_FLAGS_GROUP }
  if (f.spec.kind === 'bool') return Flags.boolean({ ...common, allowNo: true })
  if (f.spec.kind === 'list') return Flags.string({ ...common, multiple: true, multipleNonGreedy: true, delimiter: ',' })
  return Flags.string(common)
}

/** One flag per rule field of every type, built from the field table when the command module loads. */
export function ruleFlagDefs(): Record<string, ReturnType<typeof flagDef>> {
  const byFlag = flagTypes()
  const out: Record<string, ReturnType<typeof flagDef>> = {}
  for (const [flag, types] of byFlag) {
    const first = typeFlags(types[0] as PolicyType).find((f) => f.flag === flag) as TypeFlag
    out[flag] = flagDef(first, types)
  }
  return out
}

/** Our type for the TYPE argument (any case, or a seed-article alias); POLICY_INVALID listing the names otherwise. */
export function policyTypeArg(text: string): PolicyType {
  const t = canonicalPolicyType(text)
  if (t !== undefined) return t
  throw new WaiaasError('POLICY_INVALID', `Unknown policy type "${text.slice(0, 64)}"; types are: ${policyTypeNames()}`, {
    details: { field: 'type', issue: 'unknown-type', types: [...POLICY_TYPES] },
    hint: '`waiaas policy create --help` lists every type; `waiaas policy create TYPE --help` shows its flags.',
  })
}

function invalid(flag: string, message: string, details: Record<string, unknown>, hint: string): WaiaasError {
  return new WaiaasError('INPUT_INVALID', message, { details: { flag: `--${flag}`, ...details }, hint })
}

/** A flag's value as the rule field wants it (checked where the CLI can say more than the daemon would). */
function fieldValue(f: TypeFlag, field: string, raw: unknown): unknown {
  const spec: RuleField = f.spec
  const flag = `--${f.flag}`
  switch (spec.kind) {
    case 'bool':
      return raw === true
    case 'list':
      return (raw as string[]).map((x) => x.trim()).filter((x) => x !== '')
    case 'enum': {
      const v = String(raw).trim().toUpperCase()
      if ((spec.values as readonly string[]).includes(v)) return v
      throw invalid(f.flag, `${flag} must be one of ${spec.values.join(', ')}; got "${String(raw).slice(0, 40)}"`, { field: `rules.${field}`, allowed: [...spec.values] }, `Give ${flag} ${spec.values.join('|')}.`)
    }
    case 'int': {
      const text = String(raw).trim()
      const n = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN
      if (Number.isSafeInteger(n) && n >= spec.min && n <= spec.max) return n
      throw invalid(f.flag, `${flag} must be a whole number from ${spec.min} to ${spec.max}; got "${text.slice(0, 40)}"`, { field: `rules.${field}`, min: spec.min, max: spec.max }, `Give ${flag} a whole number from ${spec.min} to ${spec.max}.`)
    }
    case 'seconds':
      return durationFlag(String(raw), flag, { unit: 's', min: spec.min, max: spec.max })
    case 'selectors':
    case 'limits':
    case 'domains':
      return parseJson(String(raw), flag)
    default:
      return String(raw).trim()
  }
}

/**
 * The rules of a `type` policy from the parsed flags. INPUT_INVALID for a flag of another type (naming the type's own
 * flags and the types the flag belongs to) or a bad enum, integer or duration; USAGE for a missing required flag.
 */
export function rulesFromFlags(type: PolicyType, flags: Record<string, unknown>, opts: { native: boolean }): Record<string, unknown> {
  const mine = typeFlags(type)
  const own = new Set(mine.map((f) => f.flag))
  const ownList = mine.map((f) => `--${f.flag}`).join(' ')
  for (const [flag, types] of flagTypes()) {
    if (flags[flag] === undefined || own.has(flag)) continue
    throw invalid(flag, `--${flag} is not a ${type} field (it belongs to ${types.join(', ')})`, { type, types, flags: mine.map((f) => `--${f.flag}`) }, `${type} takes ${ownList}; \`waiaas policy create ${type} --help\` describes them.`)
  }
  const pairs = mine.some((f) => f.nativeField !== undefined)
  if (opts.native && !pairs) {
    throw invalid('native', `--native applies only to types with USD and native-unit amounts (SPENDING_LIMIT), not ${type}`, { type }, `Drop --native.`)
  }
  const rules: Record<string, unknown> = {}
  const missing: string[] = []
  for (const f of mine) {
    const raw = flags[f.flag]
    if (raw === undefined) {
      if (f.spec.required === true) missing.push(`--${f.flag}`)
      continue
    }
    const field = opts.native && f.nativeField !== undefined ? f.nativeField : f.field
    rules[field] = fieldValue(f, field, raw)
  }
  if (missing.length > 0) {
    throw new WaiaasError('USAGE', `${type} needs ${missing.join(' and ')}`, {
      details: { type, flags: missing },
      hint: `\`waiaas policy create ${type} --help\` describes its flags.`,
    })
  }
  return rules
}

/** The flag that set a rules field (`rules.instant_max_usd` → `--instant-max`), to point a daemon error at the flag. */
export function flagOfField(type: PolicyType, field: string): string | undefined {
  const name = field.replace(/^rules\./, '').split('.')[0]
  const f = typeFlags(type).find((x) => x.field === name || x.nativeField === name)
  return f === undefined ? undefined : `--${f.flag}`
}

/** Every type's flags in one line each, for `policy create --help`. */
export function typesHelp(): string {
  return POLICY_TYPES.map((t) => `${t}: ${typeFlags(t).map((f) => `--${f.flag}`).join(' ')}. ${POLICY_TYPE_DOCS[t]}`).join('\n')
}

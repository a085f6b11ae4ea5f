/**
 * `policy create TYPE`'s flags come from the policy field table that the daemon's validator is built from: every
 * field of every type has a flag on the command, a value given through the flags passes the validator as the field,
 * a flag of another type, a bad enum, integer or duration is refused naming the flag, and the per-type help lists
 * exactly the type's flags. Type names: ours in any case, the seed article's as aliases.
 */
import { describe, expect, it } from 'vitest'
import PolicyCreate from '../../src/commands/policy/create.js'
import { validateRules } from '../../src/daemon/policy/rules.js'
import { contract } from '../../src/lib/contract/index.js'
import { narrowPolicyCreate, policyCreateHelpType } from '../../src/cli/help.js'
import { canonicalPolicyType, POLICY_TYPE_ALIASES, POLICY_TYPES, RULE_FIELDS, ruleFlag, typeFlags, type PolicyType, type RuleField, type TypeFlag } from '../../src/lib/policy-fields.js'
import { flagOfField, policyTypeArg, rulesFromFlags } from '../../src/cli/policy-flags.js'
import { catchErr } from '../helpers/errors.js'

const A1 = '0x' + '11'.repeat(20)
const A2 = '0x' + '22'.repeat(20)

/** A valid flag value for a field of this kind, as the user would type it (oclif has already split lists). */
function sample(spec: RuleField): unknown {
  switch (spec.kind) {
    case 'usd':
    case 'amount':
      return '2.5'
    case 'address':
      return A1
    case 'list':
      return spec.of === 'network' ? ['base', 'evm-local'] : spec.of === 'day' ? ['mon', 'fri'] : [A1, A2]
    case 'enum':
      return spec.values.at(-1)?.toLowerCase()
    case 'bool':
      return true
    case 'int':
      return String(spec.min + 1)
    case 'seconds':
      return '1.5h'
    case 'clock':
      return spec.allow24 ? '24:00' : '09:30'
    case 'timezone':
      return 'Europe/Berlin'
    case 'selectors':
      return JSON.stringify({ [A1]: ['transfer(address,uint256)'] })
    case 'limits':
      return JSON.stringify([{ token: A1, max_amount: '100' }])
    case 'domains':
      return JSON.stringify([{ name: 'Permit2', chainId: 1 }])
  }
}

/** Flags for every field of a type but those that need another (delay_seconds a DELAY tier, token native amounts). */
function allFlags(type: PolicyType, native: boolean): Record<string, unknown> {
  const flags: Record<string, unknown> = {}
  for (const f of typeFlags(type)) {
    if ((f.field === 'delay_seconds' && type !== 'SPENDING_LIMIT') || (f.field === 'token' && !native)) continue
    flags[f.flag] = sample(f.spec)
  }
  return flags
}

describe('policy create flags come from the field table', () => {
  const commandFlags = PolicyCreate.flags as Record<string, { type: string; multiple?: boolean; allowNo?: boolean }>

  it('gives every field of every type a flag on the command, of the right shape', () => {
    let fields = 0
    for (const type of POLICY_TYPES) {
      for (const [field, spec] of Object.entries(RULE_FIELDS[type]) as [string, RuleField][]) {
        fields++
        const flag = commandFlags[ruleFlag(field, spec)]
        expect(flag, `${type}.${field}`).toBeDefined()
        if (spec.kind === 'bool') expect(flag, field).toMatchObject({ type: 'boolean', allowNo: true })
        else expect(flag?.type, field).toBe('option')
        if (spec.kind === 'list') expect(flag?.multiple, field).toBe(true)
      }
    }
    expect(fields).toBeGreaterThan(30)
    // Rule flags never shadow the command's own.
    for (const own of ['wallet', 'network', 'global', 'native', 'json', 'password-file', 'session-token-file']) expect(typeFlags('SPENDING_LIMIT').map((f) => f.flag)).not.toContain(own)
  })

  it('for every type, values given through its flags pass the validator as its fields', () => {
    for (const type of POLICY_TYPES) {
      const flags = allFlags(type, false)
      const rules = rulesFromFlags(type, flags, { native: false })
      for (const f of typeFlags(type)) if (flags[f.flag] !== undefined) expect(Object.keys(rules), `${type} --${f.flag}`).toContain(f.field)
      expect(() => validateRules(type, rules), `${type} ${JSON.stringify(rules)}`).not.toThrow()
    }
  })

  it("SPENDING_LIMIT: the seed's amounts are USD; --native makes them the native unit", () => {
    const seed = rulesFromFlags('SPENDING_LIMIT', { 'instant-max': '10', 'daily-limit': '500' }, { native: false })
    expect(seed).toEqual({ instant_max_usd: '10', daily_limit_usd: '500' })
    expect(validateRules('SPENDING_LIMIT', seed)).toMatchObject({ instant_max_usd: '10', daily_limit_usd: '500' })
    const native = rulesFromFlags('SPENDING_LIMIT', { 'instant-max': '0.01', 'delay-max': '1', 'delay-seconds': '5m' }, { native: true })
    expect(native).toEqual({ instant_max: '0.01', delay_max: '1', delay_seconds: 300 })
    const all = rulesFromFlags('SPENDING_LIMIT', allFlags('SPENDING_LIMIT', true), { native: true })
    for (const f of typeFlags('SPENDING_LIMIT')) if (f.nativeField !== undefined) expect(Object.keys(all)).toContain(f.nativeField)
    expect(() => validateRules('SPENDING_LIMIT', all)).not.toThrow()
  })

  it('refuses a flag of another type, a bad enum, integer or duration, a missing field, naming the flag', () => {
    const other = catchErr(() => rulesFromFlags('RECIPIENT_ALLOWLIST', { recipients: [A1], tier: 'DENY' }, { native: false }))
    expect(other.code).toBe('INPUT_INVALID')
    expect(other.details).toMatchObject({ flag: '--tier', type: 'RECIPIENT_ALLOWLIST', flags: ['--recipients'] })
    expect(other.details.types).toContain('RATE_LIMIT')
    const tier = catchErr(() => rulesFromFlags('MAX_PENDING', { max: '3', tier: 'INSTANT' }, { native: false }))
    expect(tier.details).toMatchObject({ flag: '--tier', allowed: ['NOTIFY', 'APPROVAL', 'DENY'] })
    expect(catchErr(() => rulesFromFlags('MAX_PENDING', { max: '-1' }, { native: false })).details).toMatchObject({ flag: '--max', min: 0, max: 1_000_000 })
    const window = catchErr(() => rulesFromFlags('RATE_LIMIT', { 'max-requests': '3', 'per-seconds': '31d' }, { native: false }))
    expect(window.details).toMatchObject({ field: '--per-seconds', issue: 'too-large', max: '30d' })
    const missing = catchErr(() => rulesFromFlags('RATE_LIMIT', { 'max-requests': '3' }, { native: false }))
    expect(missing.code).toBe('USAGE')
    expect(missing.details).toMatchObject({ type: 'RATE_LIMIT', flags: ['--per-seconds'] })
    expect(catchErr(() => rulesFromFlags('RATE_LIMIT', { 'max-requests': '3', 'per-seconds': '1h' }, { native: true })).details).toMatchObject({ flag: '--native' })
  })

  it('points a daemon error on a rules field back at its flag', () => {
    expect(flagOfField('SPENDING_LIMIT', 'rules.notify_max_usd')).toBe('--notify-max')
    expect(flagOfField('SPENDING_LIMIT', 'rules.daily_limit')).toBe('--daily-limit')
    expect(flagOfField('APPROVE_AMOUNT_LIMIT', 'rules.limits.0.token')).toBe('--limits')
    expect(flagOfField('SPENDING_LIMIT', 'type')).toBeUndefined()
  })
})

describe('help per type', () => {
  it('finds the type in a help request, in any spelling', () => {
    expect(policyCreateHelpType(['policy', 'create', 'SPENDING_LIMIT', '--help'])).toBe('SPENDING_LIMIT')
    expect(policyCreateHelpType(['help', 'policy', 'create', 'whitelist'])).toBe('RECIPIENT_ALLOWLIST')
    expect(policyCreateHelpType(['policy:create', 'TIME_RESTRICTION', '-h'])).toBe('TIME_WINDOW')
    expect(policyCreateHelpType(['policy', 'create', '--help'])).toBeUndefined()
    expect(policyCreateHelpType(['policy', 'add', 'SPENDING_LIMIT', '--help'])).toBeUndefined()
  })

  it("lists exactly the type's rule flags, described for it", () => {
    const cached = { id: 'policy:create', flags: PolicyCreate.flags, args: PolicyCreate.args, examples: PolicyCreate.examples } as never
    const ruleFlags = new Set(POLICY_TYPES.flatMap((t) => typeFlags(t).map((f) => f.flag)))
    for (const type of POLICY_TYPES) {
      const narrowed = narrowPolicyCreate(cached, type)
      const shown = Object.keys(narrowed.flags).filter((f) => ruleFlags.has(f)).sort()
      expect(shown, type).toEqual(typeFlags(type).map((f: TypeFlag) => f.flag).sort())
      expect('native' in narrowed.flags, type).toBe(type === 'SPENDING_LIMIT')
      for (const f of typeFlags(type)) expect(narrowed.flags[f.flag]?.description, `${type} --${f.flag}`).toContain(`(${f.field}`)
    }
  })
})

describe('type names', () => {
  it("reads ours in any case and the seed article's as aliases, everywhere a type is given", () => {
    for (const t of POLICY_TYPES) expect(canonicalPolicyType(t.toLowerCase())).toBe(t)
    expect(POLICY_TYPE_ALIASES).toEqual({ WHITELIST: 'RECIPIENT_ALLOWLIST', CONTRACT_WHITELIST: 'CONTRACT_ALLOWLIST', METHOD_WHITELIST: 'METHOD_ALLOWLIST', TIME_RESTRICTION: 'TIME_WINDOW' })
    for (const [alias, ours] of Object.entries(POLICY_TYPE_ALIASES)) {
      expect(policyTypeArg(alias)).toBe(ours)
      expect(contract['policy.add'].input.parse({ wallet: 'w', type: alias, rules: {} }).type).toBe(ours)
      expect(contract['policy.list'].input.parse({ type: alias.toLowerCase() }).type).toBe(ours)
    }
    expect(catchErr(() => policyTypeArg('SPENDING_LIMITS')).details).toMatchObject({ field: 'type', issue: 'unknown-type' })
    // An unknown name reaches the handler as given, for its POLICY_INVALID.
    expect(contract['policy.add'].input.parse({ global: true, type: 'NOPE', rules: {} }).type).toBe('NOPE')
  })
})

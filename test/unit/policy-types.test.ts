/**
 * The policy type modules (src/lib/policy-types/): one file per type registered in one index, loadable by the CLI
 * (nothing from the daemon), evaluated by the engine in a fixed order of stages; the session's cap is the engine's
 * own SESSION_CAP rule; the FEE_CAP check the pipeline repeats for a later fee is the module's own.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { evaluate, feeAboveCap } from '../../src/daemon/policy/engine.js'
import { RESTRICTING_TYPES, validateRules } from '../../src/daemon/policy/rules.js'
import type { Action, Policy, PolicyFacts, PolicyRequest, PolicyType, SessionCap } from '../../src/daemon/policy/types.js'
import { canonicalPolicyType, POLICY_TYPE_ALIASES, POLICY_TYPE_DOCS, POLICY_TYPES, RULE_FIELDS } from '../../src/lib/policy-fields.js'
import { POLICY_TYPE_MODULES } from '../../src/lib/policy-types/index.js'

const DIR = join(import.meta.dirname, '../../src/lib/policy-types')
const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`
const ALICE = addr(0xa11ce)
let seq = 0
const pol = (type: PolicyType, rules: unknown, o: Partial<Policy> = {}): Policy => ({ id: `p${++seq}`, walletId: null, network: null, type, rules: validateRules(type, rules), version: 1, enabled: true, ...o })
const send = (o: Partial<PolicyRequest> = {}): PolicyRequest => ({
  walletId: 'w',
  chain: 'evm',
  network: 'eip155:8453',
  actions: [{ kind: 'native-transfer', to: ALICE, amount: 10n ** 16n } as Action],
  maxFee: 0n,
  usdMicros: 1_000_000n,
  nativeValue: 10n ** 16n,
  nativeDecimals: 18,
  tokenDecimals: {},
  ...o,
})
const facts = (o: Partial<PolicyFacts> = {}): PolicyFacts => ({
  now: Date.UTC(2025, 0, 6, 10),
  spent: Object.fromEntries(['day', 'week', 'month'].map((w) => [w, { usdMicros: 0n, native: 0n, nativeClass: 0n, tokens: {} }])) as PolicyFacts['spent'],
  countSince: () => 0,
  pending: 0,
  knownRecipient: () => false,
  ...o,
})

describe('one module per type', () => {
  it('each type is a file named after it, listed once in the index, in the documented order', () => {
    const files = readdirSync(DIR).filter((f) => /^[A-Z_]+\.ts$/.test(f)).map((f) => f.slice(0, -3)).sort()
    expect(files).toEqual([...POLICY_TYPES].sort())
    expect(POLICY_TYPE_MODULES.map((m) => m.type)).toEqual([...POLICY_TYPES])
    for (const m of POLICY_TYPE_MODULES) {
      expect(readFileSync(join(DIR, `${m.type}.ts`), 'utf8')).toContain(`type: '${m.type}'`)
      expect(RULE_FIELDS[m.type]).toBe(m.fields)
      expect(POLICY_TYPE_DOCS[m.type]).toBe(m.doc)
    }
  })

  it('the modules import nothing from the daemon, so the CLI can load them', () => {
    for (const f of readdirSync(DIR)) {
      const imports = [...readFileSync(join(DIR, f), 'utf8').matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '')
      for (const i of imports) expect(i, `${f} imports ${i}`).toMatch(/^\.\/|^\.\.\/(amounts|errors|networks)\.js$/)
    }
  })

  it("the seed article's names and the restricting types come from the modules", () => {
    expect(POLICY_TYPE_ALIASES).toEqual({ WHITELIST: 'RECIPIENT_ALLOWLIST', CONTRACT_WHITELIST: 'CONTRACT_ALLOWLIST', METHOD_WHITELIST: 'METHOD_ALLOWLIST', TIME_RESTRICTION: 'TIME_WINDOW' })
    expect(canonicalPolicyType('time-restriction')).toBe('TIME_WINDOW')
    expect(RESTRICTING_TYPES).toEqual(['ALLOWED_NETWORKS', 'RECIPIENT_ALLOWLIST', 'RECIPIENT_DENYLIST', 'METHOD_ALLOWLIST', 'RATE_LIMIT', 'TIME_WINDOW', 'NEW_RECIPIENT_TIER', 'MAX_PENDING', 'FEE_CAP'])
  })
})

describe('the order of stages breaks ties', () => {
  it('a network screen decides before the default deny of value', () => {
    const d = evaluate(send(), [pol('ALLOWED_NETWORKS', { networks: ['eip155:1'] })], facts())
    expect(d.verdicts.map((v) => v.rule?.type ?? null)).toEqual(['ALLOWED_NETWORKS', null])
    expect(d.decisive.rule?.type).toBe('ALLOWED_NETWORKS')
  })

  it('a new recipient decides before the rate, the time window, the pending count and the fee', () => {
    const policies = [
      pol('FEE_CAP', { max_fee: '0.001', tier: 'APPROVAL' }),
      pol('MAX_PENDING', { max: 0, tier: 'APPROVAL' }),
      pol('TIME_WINDOW', { start: '00:00', end: '01:00', outside: 'APPROVAL' }),
      pol('RATE_LIMIT', { max_requests: 1, per_seconds: 60, tier: 'APPROVAL' }),
      pol('NEW_RECIPIENT_TIER', { tier: 'APPROVAL' }),
      pol('SPENDING_LIMIT', { instant_max_usd: 100 }),
    ]
    const d = evaluate(send({ maxFee: 10n ** 16n }), policies, facts({ countSince: () => 5 }))
    expect(d.verdicts.map((v) => v.rule?.type)).toEqual(['NEW_RECIPIENT_TIER', 'RATE_LIMIT', 'TIME_WINDOW', 'MAX_PENDING', 'FEE_CAP'])
    expect(d.tier).toBe('APPROVAL')
  })
})

describe('SESSION_CAP', () => {
  const cap = (spent: bigint): SessionCap => ({ sessionId: 's1', capUsdMicros: 100_000_000n, spentUsdMicros: () => spent })
  const base = [pol('SPENDING_LIMIT', { instant_max_usd: 1000 })]

  it('denies past the cap as its own rule, named after the session', () => {
    const d = evaluate(send({ usdMicros: 30_000_000n }), base, facts(), { session: cap(80_000_000n) })
    expect(d.tier).toBe('DENY')
    expect(d.decisive.rule).toEqual({ policyId: 'session:s1', type: 'SESSION_CAP', version: 1, field: 'limit_usd_per_day' })
    expect(d.decisive.wouldPass).toBe("20 USD or less would stay within the session's cap")
    expect(evaluate(send({ usdMicros: 20_000_000n }), base, facts(), { session: cap(80_000_000n) }).tier).toBe('INSTANT')
  })

  it('fails closed without a price, reads no spend when nothing of value moves, and is not judged offline', () => {
    expect(evaluate(send({ usdMicros: null }), [pol('SPENDING_LIMIT', { instant_max: '1' })], facts(), { session: cap(0n) }).decisive.rule?.type).toBe('SESSION_CAP')
    const unread: SessionCap = { sessionId: 's1', capUsdMicros: 1n, spentUsdMicros: () => { throw new Error('read') } }
    expect(evaluate(send({ usdMicros: 0n }), base, facts(), { session: unread }).tier).toBe('INSTANT')
    expect(evaluate(send({ usdMicros: 30_000_000n }), base, facts(), { offline: true, session: unread }).tier).toBe('INSTANT')
  })

  it('comes after every policy: an equally strict policy verdict stays decisive', () => {
    const d = evaluate(send({ usdMicros: 30_000_000n }), [...base, pol('RECIPIENT_DENYLIST', { recipients: [ALICE] })], facts(), { session: cap(80_000_000n) })
    expect(d.verdicts.map((v) => v.rule?.type)).toEqual(['RECIPIENT_DENYLIST', 'SESSION_CAP'])
    expect(d.decisive.rule?.type).toBe('RECIPIENT_DENYLIST')
  })
})

describe('FEE_CAP on a fee set after the decision', () => {
  it('is the same check as the decision: above the first exceeded cap, a finer cap rounded down', () => {
    const loose = pol('FEE_CAP', { max_fee: '1' })
    const fine = pol('FEE_CAP', { max_fee: '0.0000000000000000015' })
    expect(feeAboveCap([loose, fine], 1n, 18)).toBeUndefined()
    expect(feeAboveCap([loose, fine], 2n, 18)).toEqual({ policy: fine, cap: 1n })
    expect(feeAboveCap([loose, pol('SPENDING_LIMIT', { instant_max: '0' })], 10n ** 18n + 1n, 18)).toEqual({ policy: loose, cap: 10n ** 18n })
    expect(feeAboveCap([{ ...loose, enabled: false }], 10n ** 19n, 18)).toBeUndefined()
    // The decision judges the same fee the same way.
    expect(evaluate(send({ maxFee: 2n }), [pol('SPENDING_LIMIT', { instant_max: '1' }), fine], facts()).decisive.rule?.policyId).toBe(fine.id)
  })
})

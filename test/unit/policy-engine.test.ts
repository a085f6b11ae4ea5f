import { describe, expect, it } from 'vitest'
import { FEE_BOUND_FACTOR, applicablePolicies, evaluate } from '../../src/daemon/policy/engine.js'
import { validateRules } from '../../src/daemon/policy/rules.js'
import type { Action, Decision, Policy, PolicyFacts, PolicyRequest, PolicyType, TypedDataDomain, WindowName } from '../../src/daemon/policy/types.js'
import { parseAmount } from '../../src/lib/amounts.js'

// ---------------------------------------------------------------------------------------------------------------
// Builders.

const W = 'wallet-1'
const NET = 'eip155:8453'
const OTHER_NET = 'eip155:1'
const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`
const ALICE = addr(0xa11ce)
const BOB = addr(0xb0b)
const TOKEN = addr(0x70c3)
const TOKEN2 = addr(0x70c4)
const SPENDER = addr(0x5be)
const ROUTER = addr(0x4047)
const ETH = 10n ** 18n
const usd = (d: string | number): bigint => parseAmount(String(d), 6, 'usd', { allowZero: true })
const eth = (d: string): bigint => parseAmount(d, 18, 'eth', { allowZero: true })
const units = (d: string): bigint => parseAmount(d, 6, 'token', { allowZero: true })

let seq = 0
function pol(type: PolicyType, rules: unknown, scope: { walletId?: string | null; network?: string | null; enabled?: boolean; id?: string; version?: number } = {}): Policy {
  return {
    id: scope.id ?? `pol-${++seq}`,
    walletId: scope.walletId === undefined ? null : scope.walletId,
    network: scope.network ?? null,
    type,
    rules: validateRules(type, rules),
    version: scope.version ?? 1,
    enabled: scope.enabled ?? true,
  }
}

const native = (to: string, amount: bigint): Action => ({ kind: 'native-transfer', to, amount })
const tokenTx = (token: string, to: string, amount: bigint): Action => ({ kind: 'token-transfer', token, to, amount })
const approve = (token: string, spender: string, amount: bigint, unlimited = false): Action => ({ kind: 'token-approve', token, spender, amount, unlimited })
const call = (contract: string, selector: string | null, value = 0n): Action => ({ kind: 'contract-call', contract, selector, value })
const signMsg: Action = { kind: 'sign-message' }
const signTyped = (domain: TypedDataDomain): Action => ({ kind: 'sign-typed-data', domain })

/** A transaction request; its fee is 0 unless given, so threshold tests judge values alone (fees: their own tests). */
function req(actions: Action[], o: Partial<PolicyRequest> = {}): PolicyRequest {
  let nativeValue = 0n
  for (const a of actions) nativeValue += a.kind === 'native-transfer' ? a.amount : a.kind === 'contract-call' ? a.value : 0n
  return { walletId: W, chain: 'evm', network: NET, actions, maxFee: 0n, usdMicros: 0n, nativeValue, nativeDecimals: 18, tokenDecimals: { [TOKEN]: 6, [TOKEN2]: 6 }, ...o }
}

type Spent = { usdMicros: bigint; native: bigint; nativeClass: bigint; tokens: Record<string, bigint> }
/** Monday 6 January 2025, 10:00 UTC. */
const MONDAY_10_UTC = Date.UTC(2025, 0, 6, 10, 0, 0)

function facts(o: { now?: number; spent?: Partial<Record<WindowName, Partial<Spent>>>; count?: number; pending?: number; known?: string[] } = {}): PolicyFacts {
  const spent = (w: WindowName): Spent => {
    const given = { usdMicros: 0n, native: 0n, tokens: {}, ...o.spent?.[w] }
    return { nativeClass: given.native, ...given }
  }
  const known = new Set(o.known ?? [])
  return {
    now: o.now ?? MONDAY_10_UTC,
    spent: { day: spent('day'), week: spent('week'), month: spent('month') },
    countSince: () => o.count ?? 0,
    pending: o.pending ?? 0,
    knownRecipient: (to) => known.has(to),
  }
}

/** A base that lets a small native send through: a SPENDING_LIMIT with an instant tier. */
const usdLimit = (rules: Record<string, unknown> = { instant_max_usd: 100 }, scope = {}): Policy => pol('SPENDING_LIMIT', rules, scope)
const send = (amountUsd: string | number, o: Partial<PolicyRequest> = {}): PolicyRequest => req([native(ALICE, ETH / 100n)], { usdMicros: usd(amountUsd), ...o })

function expectTier(d: Decision, tier: Decision['tier'], type?: PolicyType | null, field?: string | null): void {
  expect(d.tier).toBe(tier)
  expect(d.decisive.tier).toBe(tier)
  if (type !== undefined) expect(d.decisive.rule?.type ?? null).toBe(type)
  if (field !== undefined) expect(d.decisive.rule?.field ?? null).toBe(field)
}

// ---------------------------------------------------------------------------------------------------------------

describe('default deny', () => {
  it('denies moving anything without a SPENDING_LIMIT, saying what to add', () => {
    const d = evaluate(send(1), [], facts())
    expectTier(d, 'DENY', null)
    expect(d.decisive.reason).toBe(`No SPENDING_LIMIT applies to this wallet on ${NET}: nothing may move`)
    expect(d.decisive.wouldPass).toContain(`waiaas policy add --wallet ${W} --type SPENDING_LIMIT --rules '{"instant_max":"0.01","daily_limit":"0.1"}'`)
    expect(d.verdicts).toHaveLength(1)
  })

  it('denies a contract call with value without a SPENDING_LIMIT, but not one without value', () => {
    const allow = pol('CONTRACT_ALLOWLIST', { contracts: [ROUTER] })
    expectTier(evaluate(req([call(ROUTER, '0x12345678', 1n)]), [allow], facts()), 'DENY', null)
    const d = evaluate(req([call(ROUTER, '0x12345678')]), [allow], facts())
    expectTier(d, 'INSTANT', 'CONTRACT_ALLOWLIST')
    expect(d.verdicts).toEqual([])
  })

  it('denies every kind of action with no policy at all', () => {
    for (const a of [tokenTx(TOKEN, ALICE, 1n), call(ROUTER, null), approve(TOKEN, SPENDER, 1n), signMsg, signTyped({ name: 'x' })]) {
      expect(evaluate(req([a]), [], facts()).tier).toBe('DENY')
    }
    expect(evaluate(req([]), [usdLimit()], facts()).tier).toBe('DENY')
  })

  it('an INSTANT decision names the SPENDING_LIMIT that allowed it', () => {
    const p = usdLimit({ instant_max_usd: 10 })
    const d = evaluate(send(5), [p], facts())
    expectTier(d, 'INSTANT', 'SPENDING_LIMIT', 'instant_max_usd')
    expect(d.decisive.rule?.policyId).toBe(p.id)
    expect(d.verdicts).toEqual([])
    expect(d.delaySeconds).toBe(0)
  })
})

describe('SPENDING_LIMIT', () => {
  const tiers = usdLimit({ instant_max_usd: 10, notify_max_usd: 100, delay_max_usd: 1000, delay_seconds: 300 })

  it('tiers per transaction on USD: ≤ instant, ≤ notify, ≤ delay, above', () => {
    expectTier(evaluate(send(10), [tiers], facts()), 'INSTANT')
    const n = evaluate(send('10.000001'), [tiers], facts())
    expectTier(n, 'NOTIFY', 'SPENDING_LIMIT', 'instant_max_usd')
    expect(n.decisive.wouldPass).toBe('amount ≤ 10 USD would be INSTANT')
    const d = evaluate(send(500), [tiers], facts())
    expectTier(d, 'DELAY', 'SPENDING_LIMIT', 'notify_max_usd')
    expect(d.delaySeconds).toBe(300)
    expect(d.decisive.delaySeconds).toBe(300)
    const a = evaluate(send(5000), [tiers], facts())
    expectTier(a, 'APPROVAL', 'SPENDING_LIMIT', 'delay_max_usd')
    expect(a.decisive.wouldPass).toBe('amount ≤ 10 USD would be INSTANT; amount ≤ 100 USD would be NOTIFY; amount ≤ 1000 USD would be DELAY')
    expect(a.decisive.reason).toContain('5000 USD')
  })

  it('skips missing thresholds: only delay_max gives DELAY or APPROVAL', () => {
    const p = pol('SPENDING_LIMIT', { delay_max: '1' })
    const d = evaluate(req([native(ALICE, ETH)]), [p], facts())
    expectTier(d, 'DELAY', 'SPENDING_LIMIT', 'delay_max')
    expect(d.delaySeconds).toBe(900)
    const a = evaluate(req([native(ALICE, ETH + 1n)]), [p], facts())
    expectTier(a, 'APPROVAL', 'SPENDING_LIMIT', 'delay_max')
    expect(a.decisive.wouldPass).toBe('amount ≤ 1 ETH would be DELAY')
  })

  it('native thresholds use the request decimals exactly (no floats)', () => {
    const p = pol('SPENDING_LIMIT', { instant_max: '0.1', notify_max: 0.3 })
    expectTier(evaluate(req([native(ALICE, eth('0.1'))]), [p], facts()), 'INSTANT')
    expectTier(evaluate(req([native(ALICE, eth('0.1') + 1n)]), [p], facts()), 'NOTIFY')
    expectTier(evaluate(req([native(ALICE, eth('0.3'))]), [p], facts()), 'NOTIFY')
    expectTier(evaluate(req([native(ALICE, eth('0.3') + 1n)]), [p], facts()), 'APPROVAL')
    // Solana: 9 decimals; a threshold finer than that rounds down.
    const sol = pol('SPENDING_LIMIT', { instant_max: '0.0000000015' })
    const r = (n: bigint): PolicyRequest => req([native(ALICE, n)], { chain: 'solana', network: 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1', nativeDecimals: 9 })
    expectTier(evaluate(r(1n), [sol], facts()), 'INSTANT')
    const d = evaluate(r(2n), [sol], facts())
    expectTier(d, 'APPROVAL')
    expect(d.decisive.wouldPass).toBe('amount ≤ 0.000000001 SOL would be INSTANT')
  })

  it('a zero amount in a dimension is INSTANT; a dimension without tiers is INSTANT', () => {
    const p = pol('SPENDING_LIMIT', { instant_max: '0', daily_limit_usd: 100 })
    expectTier(evaluate(req([native(ALICE, 0n)]), [p], facts()), 'INSTANT')
    expectTier(evaluate(req([native(ALICE, 1n)], { usdMicros: usd(1) }), [p], facts()), 'APPROVAL', 'SPENDING_LIMIT', 'instant_max')
    const limitOnly = pol('SPENDING_LIMIT', { daily_limit_usd: 100 })
    expectTier(evaluate(send(99), [limitOnly], facts()), 'INSTANT', 'SPENDING_LIMIT', null)
  })

  it('token thresholds apply to the sum of that token\'s transfers', () => {
    const allow = pol('ALLOWED_TOKENS', { tokens: [TOKEN] })
    const p = pol('SPENDING_LIMIT', { instant_max: '100', token: TOKEN })
    const one = req([tokenTx(TOKEN, ALICE, units('60'))])
    expectTier(evaluate(one, [allow, p], facts()), 'INSTANT', 'SPENDING_LIMIT')
    const two = req([tokenTx(TOKEN, ALICE, units('60')), tokenTx(TOKEN, BOB, units('60'))])
    const d = evaluate(two, [allow, p], facts())
    expectTier(d, 'APPROVAL', 'SPENDING_LIMIT', 'instant_max')
    expect(d.decisive.wouldPass).toBe(`amount ≤ 100 of token ${TOKEN} would be INSTANT`)
  })

  it('fails closed to APPROVAL when a token\'s decimals are missing', () => {
    const allow = pol('ALLOWED_TOKENS', { tokens: [TOKEN] })
    const p = pol('SPENDING_LIMIT', { instant_max: '100', token: TOKEN })
    const d = evaluate(req([tokenTx(TOKEN, ALICE, 1n)], { tokenDecimals: {} }), [allow, p], facts())
    expectTier(d, 'APPROVAL', 'SPENDING_LIMIT', 'token')
  })

  it('an uncovered token transfer needs approval', () => {
    const allow = pol('ALLOWED_TOKENS', { tokens: [TOKEN, TOKEN2] })
    const nativeOnly = pol('SPENDING_LIMIT', { instant_max: '1' })
    const tokenLimit = pol('SPENDING_LIMIT', { instant_max: '100', token: TOKEN })
    const d = evaluate(req([tokenTx(TOKEN2, ALICE, 1n)]), [allow, nativeOnly, tokenLimit], facts())
    expectTier(d, 'APPROVAL', null)
    expect(d.decisive.reason).toContain(TOKEN2)
    expect(d.decisive.wouldPass).toBe(`add a SPENDING_LIMIT with *_usd thresholds or token=${TOKEN2}`)
    expectTier(evaluate(req([tokenTx(TOKEN, ALICE, 1n)]), [allow, nativeOnly, tokenLimit], facts()), 'INSTANT')
    // USD covers everything.
    expectTier(evaluate(req([tokenTx(TOKEN2, ALICE, 1n)], { usdMicros: usd(1) }), [allow, usdLimit()], facts()), 'INSTANT')
    // A token-only limit does not cover the native coin.
    expectTier(evaluate(req([native(ALICE, 1n)]), [tokenLimit], facts()), 'APPROVAL', null)
  })

  it('USD rules fail closed without a fresh price: APPROVAL by default, DENY when price_unavailable is DENY', () => {
    const d = evaluate(send(1, { usdMicros: null }), [usdLimit({ instant_max_usd: 10 })], facts())
    expectTier(d, 'APPROVAL', 'SPENDING_LIMIT', 'price_unavailable')
    expect(d.decisive.reason).toContain('no fresh USD price')
    expectTier(evaluate(send(1, { usdMicros: null }), [usdLimit({ instant_max_usd: 10, price_unavailable: 'DENY' })], facts()), 'DENY', 'SPENDING_LIMIT', 'price_unavailable')
    // A native-only limit needs no price.
    expectTier(evaluate(send(1, { usdMicros: null }), [pol('SPENDING_LIMIT', { instant_max: '1' })], facts()), 'INSTANT')
  })

  it('rolling limits: spent + amount above the limit escalates to on_exceed, saying what would fit', () => {
    const p = usdLimit({ instant_max_usd: 100, daily_limit_usd: 100, weekly_limit_usd: 300, monthly_limit_usd: 1000 })
    expectTier(evaluate(send(10), [p], facts({ spent: { day: { usdMicros: usd(90) } } })), 'INSTANT')
    const d = evaluate(send(20), [p], facts({ spent: { day: { usdMicros: usd(90) } } }))
    expectTier(d, 'APPROVAL', 'SPENDING_LIMIT', 'daily_limit_usd')
    expect(d.decisive.wouldPass).toBe('amount ≤ 10 USD would fit the daily limit')
    const w = evaluate(send(20), [p], facts({ spent: { week: { usdMicros: usd('290.5') } } }))
    expectTier(w, 'APPROVAL', 'SPENDING_LIMIT', 'weekly_limit_usd')
    expect(w.decisive.wouldPass).toBe('amount ≤ 9.5 USD would fit the weekly limit')
    const m = evaluate(send(20), [p], facts({ spent: { month: { usdMicros: usd(1000) } } }))
    expectTier(m, 'APPROVAL', 'SPENDING_LIMIT', 'monthly_limit_usd')
    expect(m.decisive.wouldPass).toContain('nothing more fits the monthly limit')
    const deny = usdLimit({ instant_max_usd: 100, daily_limit_usd: 100, on_exceed: 'DENY' })
    expectTier(evaluate(send(20), [deny], facts({ spent: { day: { usdMicros: usd(90) } } })), 'DENY', 'SPENDING_LIMIT', 'daily_limit_usd')
    // Every window that is passed is listed.
    const all = evaluate(send(20), [p], facts({ spent: { day: { usdMicros: usd(90) }, week: { usdMicros: usd(290) }, month: { usdMicros: usd(990) } } }))
    expect(all.verdicts.map((v) => v.rule?.field)).toEqual(['daily_limit_usd', 'weekly_limit_usd', 'monthly_limit_usd'])
  })

  it('rolling limits in native and token units', () => {
    const n = pol('SPENDING_LIMIT', { daily_limit: '1' })
    const d = evaluate(req([native(ALICE, eth('0.5'))]), [n], facts({ spent: { day: { native: eth('0.75') } } }))
    expectTier(d, 'APPROVAL', 'SPENDING_LIMIT', 'daily_limit')
    expect(d.decisive.wouldPass).toBe('amount ≤ 0.25 ETH would fit the daily limit')
    const allow = pol('ALLOWED_TOKENS', { tokens: [TOKEN] })
    const t = pol('SPENDING_LIMIT', { weekly_limit: '500', token: TOKEN, on_exceed: 'DENY' })
    const r = req([tokenTx(TOKEN, ALICE, units('100'))])
    expectTier(evaluate(r, [allow, t], facts({ spent: { week: { tokens: { [TOKEN]: units('400') } } } })), 'INSTANT')
    expectTier(evaluate(r, [allow, t], facts({ spent: { week: { tokens: { [TOKEN]: units('400.000001') } } } })), 'DENY', 'SPENDING_LIMIT', 'weekly_limit')
  })

  it('sets the approval timeout on APPROVAL decisions', () => {
    const a = usdLimit({ instant_max_usd: 10, approval_timeout_seconds: 3600 })
    const b = usdLimit({ instant_max_usd: 10, approval_timeout_seconds: 600 })
    expect(evaluate(send(50), [a, b], facts()).approvalTimeoutSeconds).toBe(600)
    expect(evaluate(send(5), [a, b], facts())).not.toHaveProperty('approvalTimeoutSeconds')
  })
})

describe('allowlists and denylists', () => {
  const base = usdLimit({ instant_max_usd: 100, notify_max_usd: 1000 })

  it('ALLOWED_NETWORKS: allowed, escalated by another rule, denied', () => {
    const p = pol('ALLOWED_NETWORKS', { networks: ['base'] })
    expectTier(evaluate(send(5), [p, base], facts()), 'INSTANT', 'SPENDING_LIMIT')
    expectTier(evaluate(send(500), [p, base], facts()), 'NOTIFY', 'SPENDING_LIMIT')
    const d = evaluate(send(5, { network: OTHER_NET }), [p, base], facts())
    expectTier(d, 'DENY', 'ALLOWED_NETWORKS', 'networks')
    expect(d.decisive.wouldPass).toContain(NET)
  })

  it('ALLOWED_TOKENS: allowed, escalated, denied (absent policy or token not listed)', () => {
    const p = pol('ALLOWED_TOKENS', { tokens: [TOKEN] })
    const r = (token: string, u: number): PolicyRequest => req([tokenTx(token, ALICE, 1n)], { usdMicros: usd(u) })
    expectTier(evaluate(r(TOKEN, 5), [p, base], facts()), 'INSTANT', 'SPENDING_LIMIT')
    expectTier(evaluate(r(TOKEN, 500), [p, base], facts()), 'NOTIFY', 'SPENDING_LIMIT')
    expectTier(evaluate(r(TOKEN2, 5), [p, base], facts()), 'DENY', 'ALLOWED_TOKENS', 'tokens')
    const none = evaluate(r(TOKEN, 5), [base], facts())
    expectTier(none, 'DENY', null)
    expect(none.decisive.wouldPass).toContain('--type ALLOWED_TOKENS')
    expectTier(evaluate(r(TOKEN, 5), [pol('ALLOWED_TOKENS', { tokens: [] }), base], facts()), 'DENY', 'ALLOWED_TOKENS')
  })

  it('RECIPIENT_ALLOWLIST: a token transfer to a non-listed recipient is denied even though the token is allowed', () => {
    const tokens = pol('ALLOWED_TOKENS', { tokens: [TOKEN] })
    const p = pol('RECIPIENT_ALLOWLIST', { recipients: [ALICE] })
    expectTier(evaluate(req([tokenTx(TOKEN, ALICE, 1n)], { usdMicros: usd(1) }), [tokens, p, base], facts()), 'INSTANT')
    expectTier(evaluate(req([tokenTx(TOKEN, ALICE, 1n)], { usdMicros: usd(500) }), [tokens, p, base], facts()), 'NOTIFY')
    const d = evaluate(req([tokenTx(TOKEN, BOB, 1n)], { usdMicros: usd(1) }), [tokens, p, base], facts())
    expectTier(d, 'DENY', 'RECIPIENT_ALLOWLIST', 'recipients')
    expect(d.decisive.reason).toContain(BOB)
    expectTier(evaluate(req([native(BOB, 1n)], { usdMicros: usd(1) }), [p, base], facts()), 'DENY', 'RECIPIENT_ALLOWLIST')
    // Approvals and calls are not transfers.
    const spenders = pol('APPROVED_SPENDERS', { spenders: [SPENDER] })
    expectTier(evaluate(req([approve(TOKEN, SPENDER, 1n)]), [p, spenders], facts()), 'INSTANT')
  })

  it('RECIPIENT_DENYLIST: allowed, escalated, denied (transfers, approvals and calls)', () => {
    const p = pol('RECIPIENT_DENYLIST', { recipients: [BOB] })
    expectTier(evaluate(send(5), [p, base], facts()), 'INSTANT')
    expectTier(evaluate(send(500), [p, base], facts()), 'NOTIFY')
    expectTier(evaluate(req([native(BOB, 1n)], { usdMicros: usd(1) }), [p, base], facts()), 'DENY', 'RECIPIENT_DENYLIST', 'recipients')
    const spenders = pol('APPROVED_SPENDERS', { spenders: [BOB] })
    expectTier(evaluate(req([approve(TOKEN, BOB, 1n)]), [p, spenders], facts()), 'DENY', 'RECIPIENT_DENYLIST')
    const contracts = pol('CONTRACT_ALLOWLIST', { contracts: [BOB] })
    expectTier(evaluate(req([call(BOB, null)]), [p, contracts], facts()), 'DENY', 'RECIPIENT_DENYLIST')
  })

  it('CONTRACT_ALLOWLIST: allowed, escalated, denied', () => {
    const p = pol('CONTRACT_ALLOWLIST', { contracts: [ROUTER] })
    expectTier(evaluate(req([call(ROUTER, '0x12345678', 1n)], { usdMicros: usd(1) }), [p, base], facts()), 'INSTANT', 'SPENDING_LIMIT')
    expectTier(evaluate(req([call(ROUTER, '0x12345678', 1n)], { usdMicros: usd(500) }), [p, base], facts()), 'NOTIFY', 'SPENDING_LIMIT')
    expectTier(evaluate(req([call(BOB, '0x12345678')]), [p, base], facts()), 'DENY', 'CONTRACT_ALLOWLIST', 'contracts')
    const none = evaluate(req([call(ROUTER, '0x12345678')]), [base], facts())
    expectTier(none, 'DENY', null)
    expect(none.decisive.wouldPass).toContain('--type CONTRACT_ALLOWLIST')
  })

  it('METHOD_ALLOWLIST: allowed, escalated, denied; null selector is not listed; unmentioned contracts are free', () => {
    const contracts = pol('CONTRACT_ALLOWLIST', { contracts: [ROUTER, BOB] })
    const p = pol('METHOD_ALLOWLIST', { methods: { [ROUTER]: ['transfer(address,uint256)'] } })
    const r = (contract: string, sel: string | null, u = 0): PolicyRequest => req([call(contract, sel, u > 0 ? 1n : 0n)], { usdMicros: usd(u) })
    expectTier(evaluate(r(ROUTER, '0xa9059cbb'), [contracts, p], facts()), 'INSTANT', 'CONTRACT_ALLOWLIST')
    expectTier(evaluate(r(ROUTER, '0xa9059cbb', 500), [contracts, p, base], facts()), 'NOTIFY')
    const d = evaluate(r(ROUTER, '0x095ea7b3'), [contracts, p], facts())
    expectTier(d, 'DENY', 'METHOD_ALLOWLIST', 'methods')
    expect(d.decisive.wouldPass).toContain('0xa9059cbb')
    expectTier(evaluate(r(ROUTER, null), [contracts, p], facts()), 'DENY', 'METHOD_ALLOWLIST')
    expectTier(evaluate(r(BOB, '0x095ea7b3'), [contracts, p], facts()), 'INSTANT')
  })

  it('APPROVED_SPENDERS: allowed, escalated, denied', () => {
    const p = pol('APPROVED_SPENDERS', { spenders: [SPENDER] })
    const d = evaluate(req([approve(TOKEN, SPENDER, 5n)]), [p], facts())
    expectTier(d, 'INSTANT', 'APPROVED_SPENDERS', 'spenders')
    expectTier(evaluate(req([approve(TOKEN, SPENDER, 5n)]), [p, pol('MAX_PENDING', { max: 1, tier: 'APPROVAL' })], facts({ pending: 1 })), 'APPROVAL', 'MAX_PENDING')
    expectTier(evaluate(req([approve(TOKEN, BOB, 5n)]), [p], facts()), 'DENY', 'APPROVED_SPENDERS', 'spenders')
    expectTier(evaluate(req([approve(TOKEN, SPENDER, 5n)]), [], facts()), 'DENY', null)
  })

  it('APPROVE_AMOUNT_LIMIT: unlimited denied by default; allow_unlimited; caps per token; unknown decimals escalate', () => {
    const spenders = pol('APPROVED_SPENDERS', { spenders: [SPENDER] })
    const unlimited = req([approve(TOKEN, SPENDER, (1n << 256n) - 1n, true)])
    const d = evaluate(unlimited, [spenders], facts())
    expectTier(d, 'DENY', null)
    expect(d.decisive.reason).toContain('Unlimited approvals are denied')
    expectTier(evaluate(unlimited, [spenders, pol('APPROVE_AMOUNT_LIMIT', {})], facts()), 'DENY', 'APPROVE_AMOUNT_LIMIT', 'allow_unlimited')
    expectTier(evaluate(unlimited, [spenders, pol('APPROVE_AMOUNT_LIMIT', { allow_unlimited: true })], facts()), 'INSTANT')
    const capped = pol('APPROVE_AMOUNT_LIMIT', { allow_unlimited: true, limits: [{ token: TOKEN, max_amount: '100.5' }] })
    expectTier(evaluate(unlimited, [spenders, capped], facts()), 'DENY', 'APPROVE_AMOUNT_LIMIT', 'limits')
    expectTier(evaluate(req([approve(TOKEN, SPENDER, units('100.5'))]), [spenders, capped], facts()), 'INSTANT')
    const over = evaluate(req([approve(TOKEN, SPENDER, units('100.5') + 1n)]), [spenders, capped], facts())
    expectTier(over, 'DENY', 'APPROVE_AMOUNT_LIMIT', 'limits')
    expect(over.decisive.wouldPass).toBe('allowance ≤ 100.5')
    expectTier(evaluate(req([approve(TOKEN, SPENDER, 1n)], { tokenDecimals: {} }), [spenders, capped], facts()), 'APPROVAL', 'APPROVE_AMOUNT_LIMIT', 'limits')
    // Other tokens are not capped by it.
    expectTier(evaluate(req([approve(TOKEN2, SPENDER, 10n ** 30n)]), [spenders, capped], facts()), 'INSTANT')
  })
})

describe('tiers from facts', () => {
  const base = usdLimit({ instant_max_usd: 100 })

  it('RATE_LIMIT: under the limit, DELAY, DENY', () => {
    const seen: number[] = []
    const f = (count: number): PolicyFacts => ({
      ...facts(),
      countSince: (s) => {
        seen.push(s)
        return count
      },
    })
    const delay = pol('RATE_LIMIT', { max_requests: 3, per_seconds: 60, tier: 'DELAY', delay_seconds: 120 })
    expectTier(evaluate(send(1), [base, delay], f(2)), 'INSTANT')
    expect(seen).toContain(60)
    const d = evaluate(send(1), [base, delay], f(3))
    expectTier(d, 'DELAY', 'RATE_LIMIT', 'max_requests')
    expect(d.delaySeconds).toBe(120)
    expectTier(evaluate(send(1), [base, pol('RATE_LIMIT', { max_requests: 3, per_seconds: 60 })], f(4)), 'DENY', 'RATE_LIMIT')
  })

  it('TIME_WINDOW: inside, outside DELAY until the window opens, outside DENY; time zones, days, overnight', () => {
    const office = pol('TIME_WINDOW', { start: '09:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], timezone: 'Europe/Berlin', outside: 'DELAY' })
    // Monday 10:00 UTC is 11:00 in Berlin.
    expectTier(evaluate(send(1), [base, office], facts()), 'INSTANT')
    // Monday 16:30 UTC is 17:30 in Berlin: opens Tuesday 09:00 Berlin, 15.5 hours later.
    const late = evaluate(send(1), [base, office], facts({ now: Date.UTC(2025, 0, 6, 16, 30, 0) }))
    expectTier(late, 'DELAY', 'TIME_WINDOW', 'outside')
    expect(late.delaySeconds).toBe(15.5 * 3600)
    // Saturday noon UTC: opens Monday 09:00 Berlin = Monday 08:00 UTC.
    const sat = Date.UTC(2025, 0, 11, 12, 0, 0)
    expect(evaluate(send(1), [base, office], facts({ now: sat })).delaySeconds).toBe((Date.UTC(2025, 0, 13, 8, 0, 0) - sat) / 1000)
    const strict = pol('TIME_WINDOW', { start: '09:00', end: '17:00' })
    expectTier(evaluate(send(1), [base, strict], facts({ now: Date.UTC(2025, 0, 6, 8, 59, 59) })), 'DENY', 'TIME_WINDOW')
    expectTier(evaluate(send(1), [base, strict], facts({ now: Date.UTC(2025, 0, 6, 9, 0, 0) })), 'INSTANT')
    expectTier(evaluate(send(1), [base, strict], facts({ now: Date.UTC(2025, 0, 6, 17, 0, 0) })), 'DENY')
    // Overnight Friday 22:00 to 06:00: Saturday 02:00 belongs to Friday's window, Monday 02:00 does not.
    const night = pol('TIME_WINDOW', { start: '22:00', end: '06:00', days: ['fri'], outside: 'APPROVAL' })
    expectTier(evaluate(send(1), [base, night], facts({ now: Date.UTC(2025, 0, 10, 23, 0) })), 'INSTANT')
    expectTier(evaluate(send(1), [base, night], facts({ now: Date.UTC(2025, 0, 11, 2, 0) })), 'INSTANT')
    expectTier(evaluate(send(1), [base, night], facts({ now: Date.UTC(2025, 0, 11, 22, 0) })), 'APPROVAL', 'TIME_WINDOW')
    expectTier(evaluate(send(1), [base, night], facts({ now: Date.UTC(2025, 0, 6, 2, 0) })), 'APPROVAL')
  })

  it('NEW_RECIPIENT_TIER: known recipient, NOTIFY, DENY', () => {
    const p = pol('NEW_RECIPIENT_TIER', { tier: 'NOTIFY' })
    expectTier(evaluate(send(1), [base, p], facts({ known: [ALICE] })), 'INSTANT')
    const d = evaluate(send(1), [base, p], facts())
    expectTier(d, 'NOTIFY', 'NEW_RECIPIENT_TIER', 'tier')
    expect(d.decisive.reason).toContain(ALICE)
    expectTier(evaluate(send(1), [base, pol('NEW_RECIPIENT_TIER', { tier: 'DENY' })], facts()), 'DENY')
    const delay = evaluate(send(1), [base, pol('NEW_RECIPIENT_TIER', { tier: 'DELAY', delay_seconds: 42 })], facts())
    expect(delay.delaySeconds).toBe(42)
  })

  it('MAX_PENDING: under, APPROVAL, DENY (max 0 refuses everything)', () => {
    expectTier(evaluate(send(1), [base, pol('MAX_PENDING', { max: 2 })], facts({ pending: 1 })), 'INSTANT')
    expectTier(evaluate(send(1), [base, pol('MAX_PENDING', { max: 2, tier: 'APPROVAL' })], facts({ pending: 2 })), 'APPROVAL', 'MAX_PENDING', 'max')
    expectTier(evaluate(send(1), [base, pol('MAX_PENDING', { max: 2 })], facts({ pending: 3 })), 'DENY', 'MAX_PENDING')
    expectTier(evaluate(send(1), [base, pol('MAX_PENDING', { max: 0 })], facts()), 'DENY', 'MAX_PENDING')
  })

  it('FEE_CAP: under, DELAY, DENY; sign-only requests carry no fee', () => {
    const cap = pol('FEE_CAP', { max_fee: '0.001' })
    expectTier(evaluate(send(1, { maxFee: eth('0.001') }), [base, cap], facts()), 'INSTANT')
    const d = evaluate(send(1, { maxFee: eth('0.001') + 1n }), [base, cap], facts())
    expectTier(d, 'DENY', 'FEE_CAP', 'max_fee')
    expect(d.decisive.wouldPass).toBe('fee ≤ 0.001 ETH')
    expectTier(evaluate(send(1, { maxFee: eth('0.01') }), [base, pol('FEE_CAP', { max_fee: '0.001', tier: 'DELAY' })], facts()), 'DELAY', 'FEE_CAP')
    const signing = pol('SIGNING_RULES', { allow_personal_sign: true })
    expectTier(evaluate(req([signMsg], { maxFee: null }), [signing, cap], facts()), 'INSTANT', 'SIGNING_RULES')
  })
})

describe('SIGNING_RULES', () => {
  const PERMIT2 = '0x000000000022d473030f116ddee9f6b43ac78ba3'
  const rules = pol('SIGNING_RULES', { allow_personal_sign: true, typed_data_domains: [{ name: 'Permit2', chainId: 8453, verifyingContract: '0x000000000022D473030F116dDEE9F6B43aC78BA3' }, { name: 'Other', version: '1' }] })

  it('message signing: allowed, escalated by tier, denied', () => {
    expectTier(evaluate(req([signMsg], { maxFee: null }), [rules], facts()), 'INSTANT', 'SIGNING_RULES', 'tier')
    expectTier(evaluate(req([signMsg]), [pol('SIGNING_RULES', { allow_personal_sign: true, tier: 'APPROVAL' })], facts()), 'APPROVAL', 'SIGNING_RULES', 'tier')
    expectTier(evaluate(req([signMsg]), [pol('SIGNING_RULES', {})], facts()), 'DENY', 'SIGNING_RULES', 'allow_personal_sign')
    const none = evaluate(req([signMsg]), [], facts())
    expectTier(none, 'DENY', null)
    expect(none.decisive.wouldPass).toContain('SIGNING_RULES')
  })

  it('typed data: a domain must match every field one entry gives', () => {
    expectTier(evaluate(req([signTyped({ name: 'Permit2', chainId: 8453n, verifyingContract: PERMIT2 })]), [rules], facts()), 'INSTANT', 'SIGNING_RULES')
    expectTier(evaluate(req([signTyped({ name: 'Permit2', version: '9', chainId: 8453n, verifyingContract: PERMIT2.toUpperCase().replace('0X', '0x') })]), [rules], facts()), 'INSTANT')
    expectTier(evaluate(req([signTyped({ name: 'Permit2', chainId: 1n, verifyingContract: PERMIT2 })]), [rules], facts()), 'DENY', 'SIGNING_RULES', 'typed_data_domains')
    expectTier(evaluate(req([signTyped({ name: 'Permit2', chainId: 8453n })]), [rules], facts()), 'DENY')
    expectTier(evaluate(req([signTyped({ name: 'Other', version: '1', chainId: 5n })]), [rules], facts()), 'INSTANT')
    expectTier(evaluate(req([signTyped({ name: 'Other' })]), [rules], facts()), 'DENY')
    const delayed = pol('SIGNING_RULES', { typed_data_domains: [{ name: 'Other' }], tier: 'DELAY', delay_seconds: 30 })
    const d = evaluate(req([signTyped({ name: 'Other' })]), [delayed], facts())
    expectTier(d, 'DELAY', 'SIGNING_RULES')
    expect(d.delaySeconds).toBe(30)
  })
})

describe('applicablePolicies: scopes per type', () => {
  const g = pol('SPENDING_LIMIT', { instant_max_usd: 10 })
  const w = pol('SPENDING_LIMIT', { instant_max_usd: 100 }, { walletId: W })
  const wn = pol('SPENDING_LIMIT', { instant_max_usd: 1000 }, { walletId: W, network: NET })
  const tokensGlobal = pol('ALLOWED_TOKENS', { tokens: [TOKEN] })
  const otherWallet = pol('SPENDING_LIMIT', { instant_max_usd: 5 }, { walletId: 'wallet-2' })
  const all = [g, w, wn, tokensGlobal, otherWallet]

  it('wallet+network beats wallet beats global, per type', () => {
    expect(applicablePolicies(all, W, NET)).toEqual([wn, tokensGlobal])
    expect(applicablePolicies(all, W, OTHER_NET)).toEqual([w, tokensGlobal])
    expect(applicablePolicies(all, 'wallet-2', NET)).toEqual([tokensGlobal, otherWallet])
    expect(applicablePolicies(all, 'wallet-3', NET)).toEqual([g, tokensGlobal])
    // Decisions follow.
    expectTier(evaluate(send(500), applicablePolicies(all, W, NET), facts()), 'INSTANT')
    expectTier(evaluate(send(500), applicablePolicies(all, W, OTHER_NET), facts()), 'APPROVAL')
    expectTier(evaluate(send(50), applicablePolicies(all, 'wallet-3', NET), facts()), 'APPROVAL')
  })

  it('a more specific scope can loosen a broader one of the same type only', () => {
    const net = pol('ALLOWED_TOKENS', { tokens: [TOKEN, TOKEN2] }, { walletId: W, network: NET })
    const applied = applicablePolicies([...all, net], W, NET)
    expect(applied).toEqual([wn, net])
    expectTier(evaluate(req([tokenTx(TOKEN2, ALICE, 1n)], { usdMicros: usd(1) }), applied, facts()), 'INSTANT')
  })

  it('all policies of a type at the winning scope apply; disabled ones do not', () => {
    const w2 = pol('SPENDING_LIMIT', { instant_max_usd: 50 }, { walletId: W })
    const off = pol('SPENDING_LIMIT', { instant_max_usd: 1 }, { walletId: W, enabled: false })
    expect(applicablePolicies([g, w, w2, off], W, NET)).toEqual([w, w2])
    expect(applicablePolicies([g, off], W, NET)).toEqual([g])
    expect(evaluate(send(5), [off], facts()).tier).toBe('DENY')
  })
})

describe('combining verdicts', () => {
  it('strictest wins; ties go to the first in evaluation order; verdicts are listed strictest first', () => {
    const a = usdLimit({ instant_max_usd: 10, notify_max_usd: 1000 })
    const b = usdLimit({ instant_max_usd: 100, delay_max_usd: 1000, delay_seconds: 60 })
    const c = usdLimit({ delay_max_usd: 1000, delay_seconds: 600 })
    const d = evaluate(send(50), [a, b, c], facts())
    expectTier(d, 'DELAY')
    expect(d.decisive.rule?.policyId).toBe(c.id)
    expect(d.delaySeconds).toBe(600)
    expect(d.verdicts.map((v) => v.tier)).toEqual(['DELAY', 'NOTIFY'])
    const deny = pol('RECIPIENT_DENYLIST', { recipients: [ALICE] })
    const both = evaluate(send(5000), [a, deny, pol('NEW_RECIPIENT_TIER', { tier: 'DENY' })], facts())
    expect(both.verdicts.map((v) => v.tier)).toEqual(['DENY', 'DENY', 'APPROVAL'])
    expect(both.decisive.rule?.type).toBe('RECIPIENT_DENYLIST')
    // Several allowlists of one type intersect.
    const t1 = pol('ALLOWED_TOKENS', { tokens: [TOKEN, TOKEN2] })
    const t2 = pol('ALLOWED_TOKENS', { tokens: [TOKEN] })
    expectTier(evaluate(req([tokenTx(TOKEN2, ALICE, 1n)], { usdMicros: usd(1) }), [a, t1, t2], facts()), 'DENY', 'ALLOWED_TOKENS')
  })

  it('stored rules that no longer validate deny', () => {
    const bad: Policy = { id: 'bad-1', walletId: null, network: null, type: 'SPENDING_LIMIT', rules: { instant_max_usd: '-1' }, version: 1, enabled: true }
    const d = evaluate(send(1), [usdLimit(), bad], facts())
    expectTier(d, 'DENY', 'SPENDING_LIMIT', null)
    expect(d.decisive.rule?.policyId).toBe('bad-1')
  })

  it('recompiles a policy when its version changes', () => {
    const v1 = pol('SPENDING_LIMIT', { instant_max_usd: 10 }, { id: 'same' })
    const v2 = pol('SPENDING_LIMIT', { instant_max_usd: 1000 }, { id: 'same', version: 2 })
    expectTier(evaluate(send(50), [v1], facts()), 'APPROVAL')
    expectTier(evaluate(send(50), [v2], facts()), 'INSTANT')
    expectTier(evaluate(send(50), [v1], facts()), 'APPROVAL')
  })
})

describe('fees leave the wallet too', () => {
  const limit = pol('SPENDING_LIMIT', { instant_max: '0.1', notify_max: '0.5', daily_limit: '1' })

  it('the maximum fee counts towards the per-transaction tiers', () => {
    expectTier(evaluate(req([native(ALICE, eth('0.1'))]), [limit], facts()), 'INSTANT')
    const d = evaluate(req([native(ALICE, eth('0.1'))], { maxFee: 1n }), [limit], facts())
    expectTier(d, 'NOTIFY', 'SPENDING_LIMIT', 'instant_max')
    expect(d.decisive.reason).toContain('0.100000000000000001 ETH')
  })

  it('a 1-wei transfer with a 2.1 ETH fee passes neither the tiers nor the daily limit', () => {
    const d = evaluate(req([native(ALICE, 1n)], { maxFee: 21_000n * 100_000n * 10n ** 9n }), [limit], facts())
    expectTier(d, 'APPROVAL')
    expect(d.verdicts.map((v) => v.rule?.field)).toEqual(expect.arrayContaining(['notify_max', 'daily_limit']))
    expectTier(evaluate(req([native(ALICE, 1n)], { maxFee: eth('0.4') }), [limit], facts({ spent: { day: { native: eth('0.7') } } })), 'APPROVAL', 'SPENDING_LIMIT', 'daily_limit')
  })

  it('a call or approval that moves only its fee is counted where a native limit exists, and needs none where none does', () => {
    const contracts = pol('CONTRACT_ALLOWLIST', { contracts: [ROUTER] })
    expectTier(evaluate(req([call(ROUTER, '0x12345678')], { maxFee: eth('0.2') }), [contracts, limit], facts()), 'NOTIFY', 'SPENDING_LIMIT', 'instant_max')
    expectTier(evaluate(req([call(ROUTER, '0x12345678')], { maxFee: eth('0.2') }), [contracts], facts()), 'INSTANT')
    const spenders = pol('APPROVED_SPENDERS', { spenders: [SPENDER] })
    expectTier(evaluate(req([approve(TOKEN, SPENDER, 5n)], { maxFee: eth('0.01') }), [spenders, limit], facts({ spent: { day: { native: eth('0.995') } } })), 'APPROVAL', 'SPENDING_LIMIT', 'daily_limit')
    // A token-only limit does not make a fee-only native outflow need approval.
    const tokens = [pol('ALLOWED_TOKENS', { tokens: [TOKEN] }), pol('SPENDING_LIMIT', { instant_max: '100', token: TOKEN })]
    expectTier(evaluate(req([tokenTx(TOKEN, ALICE, 1n)], { maxFee: eth('0.01') }), tokens, facts()), 'INSTANT')
  })

  it('a wallet-wide native limit counts every network of the same coin; a network-scoped one counts its network', () => {
    const spent = facts({ spent: { day: { native: 0n, nativeClass: eth('0.95') } } })
    expectTier(evaluate(req([native(ALICE, eth('0.1'))]), [limit], spent), 'APPROVAL', 'SPENDING_LIMIT', 'daily_limit')
    const scoped = pol('SPENDING_LIMIT', { instant_max: '0.1', daily_limit: '1' }, { walletId: W, network: NET })
    expectTier(evaluate(req([native(ALICE, eth('0.1'))]), [scoped], spent), 'INSTANT')
  })

  it(`without a FEE_CAP a caller's fee may be at most the bound (${FEE_BOUND_FACTOR}× the suggested fee); a FEE_CAP replaces it`, () => {
    const d = evaluate(req([native(ALICE, 1n)], { maxFee: 1001n, feeBound: 1000n }), [limit], facts())
    expectTier(d, 'DENY', null)
    expect(d.decisive.wouldPass).toContain('FEE_CAP')
    expectTier(evaluate(req([native(ALICE, 1n)], { maxFee: 1000n, feeBound: 1000n }), [limit], facts()), 'INSTANT')
    expectTier(evaluate(req([native(ALICE, 1n)], { maxFee: 1001n, feeBound: 1000n }), [limit, pol('FEE_CAP', { max_fee: '0.001' })], facts()), 'INSTANT')
  })
})

describe('simulated effects', () => {
  const contracts = pol('CONTRACT_ALLOWLIST', { contracts: [ROUTER] })

  it('an authority change is always denied', () => {
    const d = evaluate(req([call(ROUTER, '0x12345678'), { kind: 'authority-change', account: ALICE, what: 'ownership handed to someone else' }]), [contracts], facts())
    expectTier(d, 'DENY', null)
    expect(d.decisive.reason).toContain('ownership handed')
  })

  it('a contract call that no simulation explained waits for approval; a decoded transfer does not', () => {
    expectTier(evaluate(req([call(ROUTER, '0x12345678')], { effects: 'unavailable' }), [contracts], facts()), 'APPROVAL', null)
    expectTier(evaluate(req([call(ROUTER, '0x12345678')], { effects: 'reverted' }), [contracts], facts()), 'APPROVAL', null)
    expectTier(evaluate(req([call(ROUTER, '0x12345678')], { effects: 'simulated' }), [contracts], facts()), 'INSTANT')
    const tokens = [pol('ALLOWED_TOKENS', { tokens: [TOKEN] }), pol('SPENDING_LIMIT', { instant_max: '100', token: TOKEN })]
    expectTier(evaluate(req([tokenTx(TOKEN, ALICE, 1n)], { effects: 'unavailable' }), tokens, facts()), 'INSTANT')
  })
})

describe('offline pass', () => {
  it('denies on networks, lists and signing rules without amounts, and judges no amount', () => {
    const limit = pol('SPENDING_LIMIT', { instant_max: '0.1' })
    const nets = pol('ALLOWED_NETWORKS', { networks: [OTHER_NET] })
    expectTier(evaluate(req([native(ALICE, 0n)]), [limit, nets], facts(), { offline: true }), 'DENY', 'ALLOWED_NETWORKS')
    expectTier(evaluate(req([tokenTx(TOKEN, ALICE, 0n)]), [limit], facts(), { offline: true }), 'DENY', null)
    // Amounts are placeholders here: a huge one is not judged, and no fee bound applies.
    expectTier(evaluate(req([native(ALICE, eth('5'))], { maxFee: 5n, feeBound: 1n }), [limit], facts(), { offline: true }), 'INSTANT')
  })
})


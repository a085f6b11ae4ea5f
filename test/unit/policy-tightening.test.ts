/**
 * Properties of the money core (STYLE 24): a tightened policy set never admits what the looser one escalated or
 * denied, and a larger amount never gets a looser tier.
 *
 * "Tightened" means: every policy of P kept with lower thresholds and limits, fewer allowlist entries, more
 * denylist entries, narrower windows, fewer or more specific signing domains, stricter tiers; plus extra policies.
 * Extra policies are of the restricting types (ALLOWED_NETWORKS, recipient lists, METHOD_ALLOWLIST, RATE_LIMIT,
 * TIME_WINDOW, NEW_RECIPIENT_TIER, MAX_PENDING, FEE_CAP) at will, and of the granting types (ALLOWED_TOKENS,
 * CONTRACT_ALLOWLIST, APPROVED_SPENDERS, APPROVE_AMOUNT_LIMIT, SIGNING_RULES, SPENDING_LIMIT) only when P already
 * has one of that type — the first policy of a granting type lifts a default deny, which is its purpose — and a
 * SPENDING_LIMIT only as a tightened copy of one in P, because a SPENDING_LIMIT for a new asset lifts the
 * fail-closed APPROVAL of an asset no limit covered.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluate } from '../../src/daemon/policy/engine.js'
import { RESTRICTING_TYPES, validateRules } from '../../src/daemon/policy/rules.js'
import { TIER_RANK, type Action, type Decision, type Policy, type PolicyFacts, type PolicyRequest, type PolicyType, type Tier, type WindowName } from '../../src/daemon/policy/types.js'
import { formatAmount } from '../../src/lib/amounts.js'

const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`
const NETS = ['eip155:8453', 'eip155:1', 'eip155:10']
const RECIPIENTS = [addr(0xa1), addr(0xa2), addr(0xa3)]
const TOKENS = [addr(0x71), addr(0x72)]
const UNKNOWN_TOKEN = addr(0x73)
const CONTRACTS = [addr(0xc1), addr(0xc2)]
const UNKNOWN_CONTRACT = addr(0xc3)
const SELECTORS = ['0xa9059cbb', '0x095ea7b3', '0x12345678']
const SPENDERS = [addr(0x51), addr(0x52)]
const ETH = 10n ** 18n
const TOKEN_DECIMALS = 6

type Rules = Record<string, unknown>
interface Spec {
  type: PolicyType
  rules: Rules
}

/**
 * The engine caches compiled rules by policy id and version, so equal rules share an id and different rules never
 * do (as in the store, where every change bumps the version). The engine validates rules when it compiles them
 * (and denies invalid ones), so `decide` below checks that no generated policy was invalid.
 */
const IDS = new Map<string, string>()
function toPolicy(s: Spec): Policy {
  const key = `${s.type} ${JSON.stringify(s.rules)}`
  let id = IDS.get(key)
  if (id === undefined) {
    id = `t-${IDS.size + 1}`
    IDS.set(key, id)
  }
  return { id, walletId: null, network: null, type: s.type, rules: s.rules, version: 1, enabled: true }
}

/** evaluate(), failing loudly if a generator produced rules that do not validate. */
function decide(r: PolicyRequest, policies: Policy[], f: PolicyFacts): Decision {
  const d = evaluate(r, policies, f)
  const invalid = d.verdicts.find((v) => v.reason.includes('no longer valid'))
  if (invalid !== undefined) {
    const p = policies.find((x) => x.id === invalid.rule?.policyId)
    validateRules(p!.type, p!.rules) // throws with the field
  }
  return d
}

const rank = (t: Tier): number => TIER_RANK[t]
const stricter = (t: Tier, allowed: readonly Tier[]): fc.Arbitrary<Tier> => fc.constantFrom(...allowed.filter((x) => rank(x) >= rank(t)))
const withTier = (rules: Rules, tier: Tier, delay?: number): Rules => (tier === 'DELAY' ? { ...rules, tier, delay_seconds: delay ?? 60 } : { ...rules, tier })
/** x or something lower (never negative). */
const lower = (x: bigint): fc.Arbitrary<bigint> => fc.oneof(fc.constant(x), fc.integer({ min: 0, max: 1000 }).map((f) => (x * BigInt(f)) / 1000n))
const subset = <T>(xs: readonly T[], minLength = 0): fc.Arbitrary<T[]> => fc.subarray([...xs], { minLength: Math.min(minLength, xs.length) })
const superset = <T>(xs: readonly T[], pool: readonly T[]): fc.Arbitrary<T[]> => subset(pool).map((extra) => [...new Set([...xs, ...extra])])
/** Each of `xs` kept with probability `keep` in 5 (at least `minLength` of them). */
const biased = <T>(xs: readonly T[], keep: number, minLength = 0): fc.Arbitrary<T[]> =>
  fc
    .tuple(...xs.map((x) => fc.oneof({ weight: keep, arbitrary: fc.constant<T | null>(x) }, { weight: 5 - keep, arbitrary: fc.constant<T | null>(null) })))
    .map((ys) => {
      const kept = ys.filter((y): y is T => y !== null)
      return kept.length >= minLength ? kept : xs.slice(0, minLength)
    })

// ---------------------------------------------------------------------------------------------------------------
// SPENDING_LIMIT, kept as bigints so it can be tightened exactly.

type Maybe = bigint | undefined
interface DimSpec {
  tiers: [Maybe, Maybe, Maybe]
  limits: [Maybe, Maybe, Maybe]
}
interface LimitSpec {
  usd: DimSpec | null
  asset: DimSpec | null
  token: string | null
  onExceed: 'APPROVAL' | 'DENY'
  priceUnavailable: 'APPROVAL' | 'DENY'
}

/** Non-decreasing from instant to delay: each present threshold at most the next present one. */
function monotone(t: [Maybe, Maybe, Maybe]): [Maybe, Maybe, Maybe] {
  const out: [Maybe, Maybe, Maybe] = [...t]
  let cap: bigint | undefined
  for (let i = 2; i >= 0; i--) {
    const v = out[i]
    if (v === undefined) continue
    if (cap !== undefined && v > cap) out[i] = cap
    cap = out[i]
  }
  return out
}

const maybe = (max: bigint): fc.Arbitrary<Maybe> => fc.option(fc.bigInt({ min: 0n, max }), { nil: undefined })
const dimArb = (max: bigint): fc.Arbitrary<DimSpec> =>
  fc.record({ tiers: fc.tuple(maybe(max), maybe(max), maybe(max)), limits: fc.tuple(maybe(max * 3n), maybe(max * 6n), maybe(max * 12n)) }).map((d) => ({
    tiers: monotone(d.tiers),
    limits: d.limits,
  }))
const isEmpty = (d: DimSpec | null): boolean => d === null || [...d.tiers, ...d.limits].every((v) => v === undefined)

const limitArb: fc.Arbitrary<LimitSpec> = fc
  .record({
    usd: fc.option(dimArb(150_000_000n), { nil: null }),
    asset: fc.option(dimArb(ETH), { nil: null }),
    token: fc.option(fc.constantFrom(...TOKENS), { nil: null }),
    onExceed: fc.constantFrom('APPROVAL' as const, 'DENY' as const),
    priceUnavailable: fc.constantFrom('APPROVAL' as const, 'DENY' as const),
  })
  .map((s) => {
    const asset = isEmpty(s.asset) ? null : s.asset
    const usd = isEmpty(s.usd) ? null : s.usd
    return { ...s, usd: usd === null && asset === null ? { tiers: [100_000_000n, undefined, undefined], limits: [undefined, undefined, undefined] } : usd, asset, token: asset === null ? null : s.token }
  })

function tightenDim(d: DimSpec | null): fc.Arbitrary<DimSpec | null> {
  if (d === null) return fc.constant(null)
  // Lower what is there; add rolling limits (never tier thresholds: a new lower tier would loosen).
  const l = (v: Maybe, max: bigint): fc.Arbitrary<Maybe> => (v === undefined ? fc.option(fc.bigInt({ min: 0n, max }), { nil: undefined }) : lower(v))
  const t = (v: Maybe): fc.Arbitrary<Maybe> => (v === undefined ? fc.constant(undefined) : lower(v))
  return fc
    .record({ tiers: fc.tuple(t(d.tiers[0]), t(d.tiers[1]), t(d.tiers[2])), limits: fc.tuple(l(d.limits[0], ETH), l(d.limits[1], ETH), l(d.limits[2], ETH)) })
    .map((x) => ({ tiers: monotone(x.tiers), limits: x.limits }))
}

const tightenLimit = (s: LimitSpec): fc.Arbitrary<LimitSpec> =>
  fc.record({
    usd: tightenDim(s.usd),
    asset: tightenDim(s.asset),
    token: fc.constant(s.token),
    onExceed: stricter(s.onExceed, ['APPROVAL', 'DENY']) as fc.Arbitrary<'APPROVAL' | 'DENY'>,
    priceUnavailable: stricter(s.priceUnavailable, ['APPROVAL', 'DENY']) as fc.Arbitrary<'APPROVAL' | 'DENY'>,
  })

function limitRules(s: LimitSpec): Rules {
  const r: Rules = { on_exceed: s.onExceed, price_unavailable: s.priceUnavailable }
  const put = (d: DimSpec | null, suffix: string, decimals: number): void => {
    if (d === null) return
    ;(['instant_max', 'notify_max', 'delay_max'] as const).forEach((f, i) => {
      const v = d.tiers[i]
      if (v !== undefined) r[f + suffix] = formatAmount(v, decimals)
    })
    ;(['daily_limit', 'weekly_limit', 'monthly_limit'] as const).forEach((f, i) => {
      const v = d.limits[i]
      if (v !== undefined) r[f + suffix] = formatAmount(v, decimals)
    })
  }
  put(s.usd, '_usd', 6)
  put(s.asset, '', s.token === null ? 18 : TOKEN_DECIMALS)
  if (s.token !== null) r.token = s.token
  if (r.delay_max_usd !== undefined || r.delay_max !== undefined) r.delay_seconds = 120
  return r
}

// ---------------------------------------------------------------------------------------------------------------
// Other types: a generator and a tightening per type.

const FIELD_POOL = { name: ['A', 'B'], version: ['1', '2'], chainId: ['1', '8453'], verifyingContract: CONTRACTS }
type DomainRule = Partial<Record<keyof typeof FIELD_POOL, string>>
const domainArb: fc.Arbitrary<DomainRule> = fc
  .record(
    { name: fc.constantFrom(...FIELD_POOL.name), version: fc.constantFrom(...FIELD_POOL.version), chainId: fc.constantFrom(...FIELD_POOL.chainId), verifyingContract: fc.constantFrom(...FIELD_POOL.verifyingContract) },
    { requiredKeys: [] },
  )
  .filter((d) => Object.keys(d).length > 0)
const moreSpecific = (d: DomainRule): fc.Arbitrary<DomainRule> => domainArb.map((extra) => ({ ...extra, ...d }))

const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
const minutesOf = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3))

const ARB: Record<Exclude<PolicyType, 'SPENDING_LIMIT'>, fc.Arbitrary<Rules>> = {
  ALLOWED_NETWORKS: biased(NETS, 4, 1).map((networks) => ({ networks })),
  ALLOWED_TOKENS: biased([...TOKENS, UNKNOWN_TOKEN], 4).map((tokens) => ({ tokens })),
  RECIPIENT_ALLOWLIST: biased(RECIPIENTS, 4).map((recipients) => ({ recipients })),
  RECIPIENT_DENYLIST: biased([...RECIPIENTS, ...SPENDERS, ...CONTRACTS], 1).map((recipients) => ({ recipients })),
  CONTRACT_ALLOWLIST: biased([...CONTRACTS, UNKNOWN_CONTRACT], 4).map((contracts) => ({ contracts })),
  METHOD_ALLOWLIST: fc.dictionary(fc.constantFrom(...CONTRACTS, UNKNOWN_CONTRACT), biased(SELECTORS, 4), { maxKeys: 2 }).map((methods) => ({ methods })),
  APPROVED_SPENDERS: biased([...SPENDERS, RECIPIENTS[0]!], 4).map((spenders) => ({ spenders })),
  APPROVE_AMOUNT_LIMIT: fc
    .record({ allow_unlimited: fc.boolean(), limits: fc.dictionary(fc.constantFrom(...TOKENS), fc.bigInt({ min: 0n, max: 200_000_000n }), { maxKeys: 2 }) })
    .map((r) => ({ allow_unlimited: r.allow_unlimited, limits: Object.entries(r.limits).map(([token, v]) => ({ token, max_amount: formatAmount(v, TOKEN_DECIMALS) })) })),
  RATE_LIMIT: fc
    .record({ max_requests: fc.integer({ min: 1, max: 5 }), per_seconds: fc.integer({ min: 1, max: 7200 }), tier: fc.constantFrom<Tier>('DELAY', 'APPROVAL', 'DENY') })
    .map((r) => withTier({ max_requests: r.max_requests, per_seconds: r.per_seconds }, r.tier)),
  TIME_WINDOW: fc
    .record({ start: fc.integer({ min: 0, max: 1439 }), len: fc.integer({ min: 1, max: 1439 }), days: fc.option(subset(DAYS, 1), { nil: undefined }), tz: fc.constantFrom('UTC', 'Asia/Tokyo', 'America/New_York'), outside: fc.constantFrom<Tier>('DELAY', 'APPROVAL', 'DENY') })
    .map((r) => ({ start: hhmm(r.start), end: hhmm((r.start + r.len) % 1440), ...(r.days === undefined ? {} : { days: r.days }), timezone: r.tz, outside: r.outside })),
  SIGNING_RULES: fc
    .record({ allow_personal_sign: fc.oneof(fc.constant(true), fc.constant(true), fc.boolean()), typed_data_domains: fc.array(domainArb, { minLength: 1, maxLength: 3 }), tier: fc.constantFrom<Tier>('INSTANT', 'INSTANT', 'NOTIFY', 'DELAY', 'APPROVAL') })
    .map((r) => withTier({ allow_personal_sign: r.allow_personal_sign, typed_data_domains: r.typed_data_domains }, r.tier)),
  NEW_RECIPIENT_TIER: fc.constantFrom<Tier>('NOTIFY', 'DELAY', 'APPROVAL', 'DENY').map((t) => withTier({}, t)),
  MAX_PENDING: fc.record({ max: fc.integer({ min: 0, max: 4 }), tier: fc.constantFrom<Tier>('NOTIFY', 'APPROVAL', 'DENY') }),
  FEE_CAP: fc
    .record({ max: fc.bigInt({ min: 0n, max: 10n ** 16n }), tier: fc.constantFrom<Tier>('NOTIFY', 'DELAY', 'APPROVAL', 'DENY') })
    .map((r) => withTier({ max_fee: formatAmount(r.max, 18) }, r.tier)),
}

const tierOf = (r: Rules): Tier => r.tier as Tier

const TIGHTEN: Record<Exclude<PolicyType, 'SPENDING_LIMIT'>, (r: Rules) => fc.Arbitrary<Rules>> = {
  ALLOWED_NETWORKS: (r) => subset(r.networks as string[], 1).map((networks) => ({ networks })),
  ALLOWED_TOKENS: (r) => subset(r.tokens as string[]).map((tokens) => ({ tokens })),
  RECIPIENT_ALLOWLIST: (r) => subset(r.recipients as string[]).map((recipients) => ({ recipients })),
  RECIPIENT_DENYLIST: (r) => superset(r.recipients as string[], [...RECIPIENTS, ...SPENDERS, ...CONTRACTS]).map((recipients) => ({ recipients })),
  CONTRACT_ALLOWLIST: (r) => subset(r.contracts as string[]).map((contracts) => ({ contracts })),
  METHOD_ALLOWLIST: (r) => {
    const old = r.methods as Record<string, string[]>
    const entries = [...CONTRACTS, UNKNOWN_CONTRACT].map((c) =>
      old[c] !== undefined ? subset(old[c]).map((s): [string, string[]] | null => [c, s]) : fc.option(subset(SELECTORS).map((s): [string, string[]] => [c, s]), { nil: null }),
    )
    return fc.tuple(...entries).map((es) => ({ methods: Object.fromEntries(es.filter((e): e is [string, string[]] => e !== null)) }))
  },
  APPROVED_SPENDERS: (r) => subset(r.spenders as string[]).map((spenders) => ({ spenders })),
  APPROVE_AMOUNT_LIMIT: (r) => {
    const caps = TOKENS.map((t) => {
      const given = ((r.limits ?? []) as { token: string; max_amount: string }[]).find((l) => l.token === t)
      const minor = given === undefined ? undefined : toMinor(given.max_amount, TOKEN_DECIMALS)
      return minor === undefined ? fc.option(fc.bigInt({ min: 0n, max: 200_000_000n }), { nil: undefined }) : lower(minor)
    })
    return fc.record({ allow: fc.boolean(), caps: fc.tuple(...caps) }).map((x) => ({
      allow_unlimited: r.allow_unlimited === true && x.allow,
      limits: TOKENS.flatMap((t, i) => (x.caps[i] === undefined ? [] : [{ token: t, max_amount: formatAmount(x.caps[i], TOKEN_DECIMALS) }])),
    }))
  },
  RATE_LIMIT: (r) =>
    fc
      .record({ max: fc.integer({ min: 1, max: r.max_requests as number }), per: fc.integer({ min: r.per_seconds as number, max: 30 * 86_400 }), tier: stricter(tierOf(r), ['DELAY', 'APPROVAL', 'DENY']) })
      .map((x) => withTier({ max_requests: x.max, per_seconds: x.per }, x.tier)),
  TIME_WINDOW: (r) => {
    const s = minutesOf(r.start as string)
    const len = (minutesOf(r.end as string) - s + 1440) % 1440
    return fc
      .record({ a: fc.integer({ min: 0, max: Math.min(len - 1, 1439 - s) }), b: fc.integer({ min: 0, max: len - 1 }), days: subset((r.days as string[] | undefined) ?? DAYS, 1), outside: stricter(r.outside as Tier, ['DELAY', 'APPROVAL', 'DENY']) })
      .map((x) => {
        const b = Math.min(x.b, len - 1 - x.a)
        return { start: hhmm(s + x.a), end: hhmm((s + len - b) % 1440), days: x.days, timezone: r.timezone, outside: x.outside }
      })
  },
  SIGNING_RULES: (r) => {
    const domains = r.typed_data_domains as DomainRule[]
    return fc
      .record({
        personal: fc.boolean(),
        keep: fc.tuple(...domains.map((d) => fc.option(fc.oneof(fc.constant(d), moreSpecific(d)), { nil: null }))),
        tier: stricter(tierOf(r), ['INSTANT', 'NOTIFY', 'DELAY', 'APPROVAL', 'DENY']),
      })
      .map((x) => withTier({ allow_personal_sign: r.allow_personal_sign === true && x.personal, typed_data_domains: x.keep.filter((d) => d !== null) }, x.tier))
  },
  NEW_RECIPIENT_TIER: (r) => stricter(tierOf(r), ['NOTIFY', 'DELAY', 'APPROVAL', 'DENY']).map((t) => withTier({}, t)),
  MAX_PENDING: (r) => fc.record({ max: fc.integer({ min: 0, max: r.max as number }), tier: stricter(tierOf(r), ['NOTIFY', 'APPROVAL', 'DENY']) }),
  FEE_CAP: (r) =>
    fc.record({ max: lower(toMinor(r.max_fee as string, 18)), tier: stricter(tierOf(r), ['NOTIFY', 'DELAY', 'APPROVAL', 'DENY']) }).map((x) => withTier({ max_fee: formatAmount(x.max, 18) }, x.tier)),
}

function toMinor(text: string, decimals: number): bigint {
  const [whole, frac = ''] = text.split('.')
  return BigInt(whole! + frac.padEnd(decimals, '0'))
}

// ---------------------------------------------------------------------------------------------------------------
// Policy sets and their tightenings.

type AnySpec = { kind: 'limit'; spec: LimitSpec } | { kind: 'rules'; spec: Spec }
const OTHER_TYPES = Object.keys(ARB) as Exclude<PolicyType, 'SPENDING_LIMIT'>[]
// The very list an agent session is held to when it adds a policy (policy.add refuses every other type).
const RESTRICTING = RESTRICTING_TYPES as Exclude<PolicyType, 'SPENDING_LIMIT'>[]

const specArb = (type: Exclude<PolicyType, 'SPENDING_LIMIT'>): fc.Arbitrary<AnySpec> => ARB[type].map((rules) => ({ kind: 'rules', spec: { type, rules } }))

/** A policy set biased towards letting things through, so tightening has something to tighten. */
const policySetArb: fc.Arbitrary<AnySpec[]> = fc
  .tuple(
    fc.oneof({ weight: 9, arbitrary: fc.array(limitArb, { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: fc.constant<LimitSpec[]>([]) }),
    ...OTHER_TYPES.map((t) => {
      // Granting types mostly present, restricting types mostly absent.
      const present = RESTRICTING.includes(t) ? 1 : 6
      return fc.oneof({ weight: present, arbitrary: specArb(t) }, { weight: 7 - present, arbitrary: fc.constant(null) })
    }),
  )
  .map(([limits, ...others]) => [...limits.map((spec): AnySpec => ({ kind: 'limit', spec })), ...others.filter((o): o is AnySpec => o !== null)])

function tightenOne(s: AnySpec): fc.Arbitrary<AnySpec> {
  if (s.kind === 'limit') return tightenLimit(s.spec).map((spec) => ({ kind: 'limit', spec }))
  const type = s.spec.type as Exclude<PolicyType, 'SPENDING_LIMIT'>
  return TIGHTEN[type](s.spec.rules).map((rules) => ({ kind: 'rules', spec: { type, rules } }))
}

function tightenSet(set: AnySpec[]): fc.Arbitrary<AnySpec[]> {
  const present = new Set(set.map((s) => (s.kind === 'limit' ? 'SPENDING_LIMIT' : s.spec.type)))
  const extraArbs: fc.Arbitrary<AnySpec>[] = [
    ...RESTRICTING.map(specArb),
    ...OTHER_TYPES.filter((t) => !RESTRICTING.includes(t) && present.has(t)).map(specArb),
    ...set.filter((s) => s.kind === 'limit').map(tightenOne),
  ]
  return fc.tuple(fc.tuple(...set.map(tightenOne)), fc.array(fc.oneof(...extraArbs), { maxLength: 3 })).map(([kept, extra]) => [...kept, ...extra])
}

const toPolicies = (set: AnySpec[]): Policy[] => set.map((s) => (s.kind === 'limit' ? toPolicy({ type: 'SPENDING_LIMIT', rules: limitRules(s.spec) }) : toPolicy(s.spec)))

// ---------------------------------------------------------------------------------------------------------------
// Requests and facts.

const amountArb = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 2n * ETH }))
const tokenAmountArb = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 300_000_000n }))
const usdArb = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 20_000_000n }), fc.bigInt({ min: 0n, max: 300_000_000n }))
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('native-transfer' as const), to: fc.constantFrom(...RECIPIENTS), amount: amountArb }),
  fc.record({ kind: fc.constant('token-transfer' as const), token: fc.constantFrom(...TOKENS, UNKNOWN_TOKEN), to: fc.constantFrom(...RECIPIENTS), amount: tokenAmountArb }),
  fc.record({ kind: fc.constant('token-approve' as const), token: fc.constantFrom(...TOKENS), spender: fc.constantFrom(...SPENDERS, RECIPIENTS[0]!), amount: tokenAmountArb, unlimited: fc.boolean() }),
  fc.record({ kind: fc.constant('contract-call' as const), contract: fc.constantFrom(...CONTRACTS, UNKNOWN_CONTRACT), selector: fc.constantFrom(...SELECTORS, null), value: amountArb }),
  fc.constant({ kind: 'sign-message' as const }),
  domainArb.map((d): Action => {
    const domain: { name?: string; version?: string; chainId?: bigint; verifyingContract?: string } = {}
    if (d.name !== undefined) domain.name = d.name
    if (d.version !== undefined) domain.version = d.version
    if (d.chainId !== undefined) domain.chainId = BigInt(d.chainId)
    if (d.verifyingContract !== undefined) domain.verifyingContract = d.verifyingContract
    return { kind: 'sign-typed-data', domain }
  }),
)

function nativeValueOf(actions: Action[]): bigint {
  let v = 0n
  for (const a of actions) v += a.kind === 'native-transfer' ? a.amount : a.kind === 'contract-call' ? a.value : 0n
  return v
}

const requestArb: fc.Arbitrary<PolicyRequest> = fc
  .record({
    network: fc.constantFrom(...NETS.slice(0, 2)),
    actions: fc.array(actionArb, { minLength: 1, maxLength: 2 }),
    usdMicros: fc.option(usdArb, { nil: null, freq: 5 }),
    maxFee: fc.option(fc.bigInt({ min: 0n, max: 2n * 10n ** 16n }), { nil: null }),
    decimalsKnown: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(true), fc.constant(false)),
  })
  .map((r) => ({
    walletId: 'w',
    chain: 'evm',
    network: r.network,
    actions: r.actions,
    maxFee: r.maxFee,
    usdMicros: r.usdMicros,
    nativeValue: nativeValueOf(r.actions),
    nativeDecimals: 18,
    tokenDecimals: r.decimalsKnown ? Object.fromEntries([...TOKENS, UNKNOWN_TOKEN].map((t) => [t, TOKEN_DECIMALS])) : {},
  }))

const spentArb = fc
  .tuple(fc.bigInt({ min: 0n, max: 200_000_000n }), fc.bigInt({ min: 0n, max: 2n * ETH }), fc.bigInt({ min: 0n, max: 200_000_000n }))
  .map(([usdMicros, native, token]) => ({ usdMicros, native, nativeClass: native, tokens: { [TOKENS[0]!]: token } }))

const factsArb: fc.Arbitrary<PolicyFacts> = fc
  .record({
    now: fc.integer({ min: Date.UTC(2025, 0, 6), max: Date.UTC(2025, 0, 13) }),
    day: spentArb,
    weekExtra: spentArb,
    monthExtra: spentArb,
    ages: fc.array(fc.integer({ min: 0, max: 7200 }), { maxLength: 6 }),
    pending: fc.integer({ min: 0, max: 4 }),
    known: subset(RECIPIENTS),
  })
  .map((f) => {
    const add = (a: typeof f.day, b: typeof f.day): typeof f.day => ({
      usdMicros: a.usdMicros + b.usdMicros,
      native: a.native + b.native,
      nativeClass: a.nativeClass + b.nativeClass,
      tokens: { [TOKENS[0]!]: (a.tokens[TOKENS[0]!] ?? 0n) + (b.tokens[TOKENS[0]!] ?? 0n) },
    })
    const week = add(f.day, f.weekExtra)
    const spent: Record<WindowName, typeof f.day> = { day: f.day, week, month: add(week, f.monthExtra) }
    const known = new Set(f.known)
    return { now: f.now, spent, countSince: (s: number) => f.ages.filter((a) => a < s).length, pending: f.pending, knownRecipient: (to: string) => known.has(to) }
  })

/** The same request with every amount raised by a non-negative delta (USD too, unless unknown). */
function raised(r: PolicyRequest, deltas: bigint[], usdDelta: bigint): PolicyRequest {
  const actions = r.actions.map((a, i): Action => {
    const d = deltas[i] ?? 0n
    switch (a.kind) {
      case 'native-transfer':
      case 'token-transfer':
      case 'token-approve':
        return { ...a, amount: a.amount + d }
      case 'contract-call':
        return { ...a, value: a.value + d }
      default:
        return a
    }
  })
  return { ...r, actions, nativeValue: nativeValueOf(actions), usdMicros: r.usdMicros === null ? null : r.usdMicros + usdDelta }
}

describe('policy tightening (fast-check)', () => {
  it('a tightened policy set never yields a looser tier', () => {
    let nonTrivial = 0
    fc.assert(
      fc.property(
        policySetArb.chain((p) => fc.tuple(fc.constant(p), tightenSet(p))),
        requestArb,
        factsArb,
        ([p, tightened], r, f) => {
          const before = decide(r, toPolicies(p), f)
          const after = decide(r, toPolicies(tightened), f)
          if (before.tier !== 'DENY') nonTrivial++
          expect(rank(after.tier), `${before.tier} → ${after.tier}: ${after.decisive.reason}`).toBeGreaterThanOrEqual(rank(before.tier))
        },
      ),
      { numRuns: 300 },
    )
    // The property must not hold only because everything was denied anyway.
    expect(nonTrivial).toBeGreaterThan(30)
  })

  it('a larger amount never yields a looser tier', () => {
    let nonTrivial = 0
    fc.assert(
      fc.property(
        policySetArb,
        requestArb,
        factsArb,
        fc.array(fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: ETH })), { minLength: 3, maxLength: 3 }),
        fc.bigInt({ min: 0n, max: 200_000_000n }),
        (p, r, f, deltas, usdDelta) => {
          const policies = toPolicies(p)
          const before = decide(r, policies, f)
          const after = decide(raised(r, deltas, usdDelta), policies, f)
          if (before.tier !== 'DENY') nonTrivial++
          expect(rank(after.tier), `${before.tier} → ${after.tier}: ${after.decisive.reason}`).toBeGreaterThanOrEqual(rank(before.tier))
        },
      ),
      { numRuns: 300 },
    )
    expect(nonTrivial).toBeGreaterThan(30)
  })
})

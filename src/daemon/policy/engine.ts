/**
 * The policy engine: which policies apply to a request, and the one decision they reach. Pure and synchronous;
 * the pipeline reads the facts and reserves spend in the same SQLite transaction around `evaluate`.
 *
 * Every rule yields verdicts; the strictest tier wins (TIER_RANK), so adding a restriction or tightening one can
 * never loosen a decision. Default deny: value moves only under a SPENDING_LIMIT, a token only if ALLOWED_TOKENS
 * lists it, a call only to a CONTRACT_ALLOWLIST contract, an approval only for an APPROVED_SPENDERS spender, and
 * signing only as SIGNING_RULES allow. Several policies of one type all apply, so allowlists intersect.
 *
 * Rules are compiled once per policy id and version (amounts to bigint: micro-dollars for USD, decimal digits +
 * scale for asset amounts, scaled to the asset's decimals on first use and memoised). A threshold finer than the
 * asset's decimals is rounded down, the stricter way. Money is never a JS number here.
 *
 * Evaluation order, which breaks ties between equally strict verdicts: stored rules that no longer validate,
 * ALLOWED_NETWORKS, RECIPIENT_DENYLIST, then per action the default-deny checks (SPENDING_LIMIT present,
 * ALLOWED_TOKENS, RECIPIENT_ALLOWLIST, CONTRACT_ALLOWLIST, METHOD_ALLOWLIST, APPROVED_SPENDERS, APPROVE_AMOUNT_LIMIT,
 * SIGNING_RULES), then SPENDING_LIMIT tiers, coverage and rolling limits, NEW_RECIPIENT_TIER, RATE_LIMIT,
 * TIME_WINDOW, MAX_PENDING, FEE_CAP. Within a type, policies keep the order they were given in.
 *
 * Choices:
 * - A request with no actions is denied. Spending limits are checked only when value moves (a native transfer, a
 *   token transfer, a call with value); sign-only requests, approvals and calls without value need none.
 * - RECIPIENT_DENYLIST also denies approvals to a listed spender and calls to a listed contract; the allowlist and
 *   NEW_RECIPIENT_TIER look at native and token transfer recipients only.
 * - A threshold or cap whose asset's decimals are unknown escalates to APPROVAL; an unlimited approval exceeds any
 *   cap in `limits`. RATE_LIMIT, TIME_WINDOW and MAX_PENDING apply to every request, sign-only ones included.
 * - TIME_WINDOW `outside: DELAY` waits until the window next opens (wall-clock in its zone; a DST shift in between
 *   is not counted). An overnight window belongs to the day it starts on.
 * - `approvalTimeoutSeconds` is the shortest `approval_timeout_seconds` of the applicable SPENDING_LIMITs.
 */
import { formatAmount, parseAmount } from '../../lib/amounts.js'
import { resolveNetwork } from '../../lib/networks.js'
import { DEFAULT_DELAY_SECONDS, validateRules } from './rules.js'
import {
  POLICY_TYPES,
  TIER_RANK,
  WINDOWS,
  type Action,
  type Decision,
  type Policy,
  type PolicyFacts,
  type PolicyRequest,
  type PolicyType,
  type RuleRef,
  type Tier,
  type TypedDataDomain,
  type Verdict,
  type WindowName,
} from './types.js'

// ---------------------------------------------------------------------------------------------------------------
// Scope.

function scopeRank(p: Policy, walletId: string, network: string): number {
  if (!p.enabled) return -1
  if (p.walletId !== null && p.walletId !== walletId) return -1
  if (p.network !== null && p.network !== network) return -1
  return (p.walletId === null ? 0 : 2) + (p.network === null ? 0 : 1)
}

/**
 * The enabled policies that apply to `walletId` on `network` (a CAIP-2 id). Per type, only the most specific scope
 * holding any policy of that type counts (wallet + network over wallet over global; a global row with a network,
 * which the store does not write, would rank between global and wallet); all policies of that type at that scope
 * apply. Keeps the given order.
 */
export function applicablePolicies(all: Policy[], walletId: string, network: string): Policy[] {
  const best = new Map<PolicyType, number>()
  const ranks = all.map((p) => {
    const r = scopeRank(p, walletId, network)
    if (r >= 0 && r > (best.get(p.type) ?? -1)) best.set(p.type, r)
    return r
  })
  return all.filter((p, i) => ranks[i]! >= 0 && ranks[i] === best.get(p.type))
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled rules.

/** An exact decimal: digits / 10^scale, converted to minor units per decimals (rounded down) and memoised. */
class Dec {
  readonly text: string
  private readonly digits: bigint
  private readonly scale: number
  private readonly memo: bigint[] = []

  constructor(text: string) {
    const dot = text.indexOf('.')
    const frac = dot < 0 ? '' : text.slice(dot + 1).replace(/0+$/, '')
    this.text = text
    this.scale = frac.length
    this.digits = parseAmount(text, this.scale, 'amount', { allowZero: true })
  }

  at(decimals: number): bigint {
    let v = this.memo[decimals]
    if (v === undefined) {
      v = decimals >= this.scale ? this.digits * 10n ** BigInt(decimals - this.scale) : this.digits / 10n ** BigInt(this.scale - decimals)
      this.memo[decimals] = v
    }
    return v
  }
}

interface Step<V> {
  tier: Tier
  field: string
  value: V
}
interface Limit<V> {
  window: WindowName
  field: string
  value: V
}
interface Dim<V> {
  steps: Step<V>[]
  limits: Limit<V>[]
}
interface Domain {
  name?: string
  version?: string
  chainId?: bigint
  verifyingContract?: string
}

type Compiled =
  | {
      t: 'SPENDING_LIMIT'
      usd: Dim<bigint> | null
      asset: Dim<Dec> | null
      token: string | null
      delay: number
      onExceed: Tier
      priceUnavailable: Tier
      approvalTimeout: number | null
    }
  | { t: 'ALLOWED_NETWORKS'; set: Set<string> }
  | { t: 'ALLOWED_TOKENS'; set: Set<string> }
  | { t: 'RECIPIENT_ALLOWLIST'; set: Set<string> }
  | { t: 'RECIPIENT_DENYLIST'; set: Set<string> }
  | { t: 'CONTRACT_ALLOWLIST'; set: Set<string> }
  | { t: 'METHOD_ALLOWLIST'; methods: Map<string, Set<string>> }
  | { t: 'APPROVED_SPENDERS'; set: Set<string> }
  | { t: 'APPROVE_AMOUNT_LIMIT'; allowUnlimited: boolean; limits: Map<string, Dec> }
  | { t: 'RATE_LIMIT'; max: number; per: number; tier: Tier; delay: number }
  | { t: 'TIME_WINDOW'; start: number; end: number; days: number; daysText: string; tz: string; startText: string; endText: string; outside: Tier }
  | { t: 'SIGNING_RULES'; personal: boolean; domains: Domain[]; tier: Tier; delay: number }
  | { t: 'NEW_RECIPIENT_TIER'; tier: Tier; delay: number }
  | { t: 'MAX_PENDING'; max: number; tier: Tier }
  | { t: 'FEE_CAP'; maxFee: Dec; tier: Tier; delay: number }

type Rules = Record<string, unknown>
const str = (r: Rules, k: string): string | undefined => (typeof r[k] === 'string' ? (r[k] as string) : undefined)
const strs = (r: Rules, k: string): string[] => (Array.isArray(r[k]) ? (r[k] as string[]) : [])
const num = (r: Rules, k: string): number => r[k] as number
const tierOf = (r: Rules, k: string): Tier => r[k] as Tier
const delayOf = (r: Rules): number => (typeof r.delay_seconds === 'number' ? r.delay_seconds : DEFAULT_DELAY_SECONDS)

const TIER_FIELDS = ['instant_max', 'notify_max', 'delay_max'] as const
const STEP_TIERS: Tier[] = ['INSTANT', 'NOTIFY', 'DELAY']
const LIMIT_FIELDS: [WindowName, string][] = [
  ['day', 'daily_limit'],
  ['week', 'weekly_limit'],
  ['month', 'monthly_limit'],
]
const DAY_INDEX: Record<string, number> = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 }

function dim<V>(r: Rules, suffix: string, conv: (text: string, field: string) => V): Dim<V> | null {
  const steps: Step<V>[] = []
  const limits: Limit<V>[] = []
  TIER_FIELDS.forEach((f, i) => {
    const text = str(r, f + suffix)
    if (text !== undefined) steps.push({ tier: STEP_TIERS[i]!, field: f + suffix, value: conv(text, f + suffix) })
  })
  for (const [window, f] of LIMIT_FIELDS) {
    const text = str(r, f + suffix)
    if (text !== undefined) limits.push({ window, field: f + suffix, value: conv(text, f + suffix) })
  }
  return steps.length === 0 && limits.length === 0 ? null : { steps, limits }
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** Compiles validated (and re-validated) rules. */
function compile(type: PolicyType, raw: unknown): Compiled {
  const r = validateRules(type, raw)
  switch (type) {
    case 'SPENDING_LIMIT':
      return {
        t: type,
        usd: dim(r, '_usd', (text, field) => parseAmount(text, 6, field, { allowZero: true })),
        asset: dim(r, '', (text) => new Dec(text)),
        token: str(r, 'token') ?? null,
        delay: delayOf(r),
        onExceed: tierOf(r, 'on_exceed'),
        priceUnavailable: tierOf(r, 'price_unavailable'),
        approvalTimeout: typeof r.approval_timeout_seconds === 'number' ? r.approval_timeout_seconds : null,
      }
    case 'ALLOWED_NETWORKS':
      return { t: type, set: new Set(strs(r, 'networks')) }
    case 'ALLOWED_TOKENS':
      return { t: type, set: new Set(strs(r, 'tokens')) }
    case 'RECIPIENT_ALLOWLIST':
    case 'RECIPIENT_DENYLIST':
      return { t: type, set: new Set(strs(r, 'recipients')) }
    case 'CONTRACT_ALLOWLIST':
      return { t: type, set: new Set(strs(r, 'contracts')) }
    case 'METHOD_ALLOWLIST':
      return { t: type, methods: new Map(Object.entries(r.methods as Record<string, string[]>).map(([k, v]) => [k, new Set(v)])) }
    case 'APPROVED_SPENDERS':
      return { t: type, set: new Set(strs(r, 'spenders')) }
    case 'APPROVE_AMOUNT_LIMIT': {
      const limits = (r.limits ?? []) as { token: string; max_amount: string }[]
      return { t: type, allowUnlimited: r.allow_unlimited === true, limits: new Map(limits.map((l) => [l.token, new Dec(l.max_amount)])) }
    }
    case 'RATE_LIMIT':
      return { t: type, max: num(r, 'max_requests'), per: num(r, 'per_seconds'), tier: tierOf(r, 'tier'), delay: delayOf(r) }
    case 'TIME_WINDOW': {
      const days = strs(r, 'days')
      const startText = str(r, 'start')!
      const endText = str(r, 'end')!
      return {
        t: type,
        start: minutes(startText),
        end: minutes(endText),
        days: days.length === 0 ? 0x7f : days.reduce((m, d) => m | (1 << DAY_INDEX[d]!), 0),
        daysText: days.length === 0 ? 'every day' : days.join(', '),
        tz: str(r, 'timezone')!,
        startText,
        endText,
        outside: tierOf(r, 'outside'),
      }
    }
    case 'SIGNING_RULES': {
      const domains = (r.typed_data_domains as Record<string, string>[]).map((d) => {
        const out: Domain = {}
        if (d.name !== undefined) out.name = d.name
        if (d.version !== undefined) out.version = d.version
        if (d.chainId !== undefined) out.chainId = BigInt(d.chainId)
        if (d.verifyingContract !== undefined) out.verifyingContract = d.verifyingContract
        return out
      })
      return { t: type, personal: r.allow_personal_sign === true, domains, tier: tierOf(r, 'tier'), delay: delayOf(r) }
    }
    case 'NEW_RECIPIENT_TIER':
      return { t: type, tier: tierOf(r, 'tier'), delay: delayOf(r) }
    case 'MAX_PENDING':
      return { t: type, max: num(r, 'max'), tier: tierOf(r, 'tier') }
    case 'FEE_CAP':
      return { t: type, maxFee: new Dec(str(r, 'max_fee')!), tier: tierOf(r, 'tier'), delay: delayOf(r) }
  }
}

interface CacheEntry {
  version: number
  type: PolicyType
  compiled: Compiled | { t: 'INVALID'; message: string }
}

/** Compiled rules by policy id; an entry is replaced when the policy's version (or type) changes. */
const CACHE = new Map<string, CacheEntry>()
const CACHE_MAX = 10_000

function compiled(p: Policy): CacheEntry['compiled'] {
  const hit = CACHE.get(p.id)
  if (hit !== undefined && hit.version === p.version && hit.type === p.type) return hit.compiled
  let c: CacheEntry['compiled']
  try {
    if (!(POLICY_TYPES as readonly string[]).includes(p.type)) throw new Error(`unknown type ${String(p.type).slice(0, 40)}`)
    c = compile(p.type, p.rules)
  } catch (err) {
    c = { t: 'INVALID', message: err instanceof Error ? err.message : String(err) }
  }
  if (CACHE.size >= CACHE_MAX) CACHE.clear()
  CACHE.set(p.id, { version: p.version, type: p.type, compiled: c })
  return c
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers for messages and facts.

/**
 * Without a FEE_CAP, a fee the caller chose (`sign tx`) may be at most this many times the fee the network suggests
 * now for the same transaction (the gas it uses at today's max fee per gas; on Solana the signature fees and the
 * usual priority fee); more is denied, and a FEE_CAP policy replaces this bound. Generous for gas limits with a wide
 * margin and for fee spikes, and still 5,000 times below a fee that drains a wallet in one transaction.
 */
export const FEE_BOUND_FACTOR = 10n

/** The tier of a contract call whose effect no simulation showed (see `unexplainedCalls`). */
export const UNEXPLAINED_CALL_TIER: Tier = 'APPROVAL'

export interface EvaluateOptions {
  /**
   * Decide only what needs no chain data (networks, recipients, tokens, contracts, methods, spenders, signing rules,
   * rate, time window, pending count), before any RPC call: amounts may be placeholders and are not judged. Only a
   * DENY from this pass is final; anything else is decided again with the chain's data.
   */
  offline?: boolean
}

const SYMBOLS = new Map<string, string>()
function nativeSymbol(network: string): string {
  let s = SYMBOLS.get(network)
  if (s === undefined) {
    try {
      s = resolveNetwork(network).nativeSymbol
    } catch {
      s = 'native units'
    }
    SYMBOLS.set(network, s)
  }
  return s
}

const WINDOW_WORD: Record<WindowName, string> = { day: 'daily', week: 'weekly', month: 'monthly' }
const WEEKDAY: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 }

const FORMATTERS = new Map<string, Intl.DateTimeFormat>()
const LOCAL = new Map<string, { minuteKey: number; dow: number; minute: number }>()

/** Day of week (Mon = 0) and minute of day of `now` in `tz`, cached per zone and minute. */
function localTime(tz: string, now: number): { dow: number; minute: number } {
  const minuteKey = Math.floor(now / 60_000)
  const hit = LOCAL.get(tz)
  if (hit !== undefined && hit.minuteKey === minuteKey) return hit
  let fmt = FORMATTERS.get(tz)
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' })
    FORMATTERS.set(tz, fmt)
  }
  let dow = 0
  let hour = 0
  let minute = 0
  for (const part of fmt.formatToParts(now)) {
    if (part.type === 'weekday') dow = WEEKDAY[part.value] ?? 0
    else if (part.type === 'hour') hour = Number(part.value)
    else if (part.type === 'minute') minute = Number(part.value)
  }
  const local = { minuteKey, dow, minute: hour * 60 + minute }
  LOCAL.set(tz, local)
  return local
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation.

interface Entry<C> {
  p: Policy
  c: C
}
type Of<T extends Compiled['t']> = Extract<Compiled, { t: T }>

class Evaluation {
  readonly above: Verdict[] = []
  /** The first INSTANT verdict of a SPENDING_LIMIT or SIGNING_RULES, and of anything else. */
  allow: Verdict | null = null
  other: Verdict | null = null
  private known: Map<string, boolean> | null = null

  constructor(
    readonly req: PolicyRequest,
    readonly facts: PolicyFacts,
  ) {}

  /** A verdict of `tier` from policy `p` (field `field`), with the delay when DELAY. */
  hit(p: Policy | null, field: string | null, tier: Tier, delay: number, reason: string, wouldPass?: string): void {
    const v: Verdict = { tier, rule: p === null ? null : ref(p, field), reason }
    if (tier === 'DELAY') v.delaySeconds = delay
    if (wouldPass !== undefined) v.wouldPass = wouldPass
    if (tier !== 'INSTANT') this.above.push(v)
    else if (p !== null && (p.type === 'SPENDING_LIMIT' || p.type === 'SIGNING_RULES')) this.allow ??= v
    else this.other ??= v
  }

  deny(p: Policy | null, field: string | null, reason: string, wouldPass?: string): void {
    this.hit(p, field, 'DENY', 0, reason, wouldPass)
  }

  /** Records a passing check as the fallback decisive verdict, building it only when none is recorded yet. */
  pass(p: Policy, field: string | null, reason: () => string): void {
    if (this.other === null) this.other = { tier: 'INSTANT', rule: ref(p, field), reason: reason() }
  }

  isKnown(to: string): boolean {
    this.known ??= new Map()
    let k = this.known.get(to)
    if (k === undefined) {
      k = this.facts.knownRecipient(to)
      this.known.set(to, k)
    }
    return k
  }
}

function ref(p: Policy, field: string | null): RuleRef {
  return { policyId: p.id, type: p.type, version: p.version, field }
}

const suggestAdd = (walletId: string, type: PolicyType, rules: string): string =>
  `waiaas policy add --wallet ${walletId} --type ${type} --rules '${rules}'`

function listText(xs: Iterable<string>, max = 5): string {
  const all = [...xs]
  return all.length === 0 ? 'none' : all.slice(0, max).join(', ') + (all.length > max ? `, … (${all.length} in all)` : '')
}

/** Formats minor units of a SPENDING_LIMIT dimension with its unit, for messages. */
type Unit = (minor: bigint) => string

const usdUnit: Unit = (x) => `${formatAmount(x, 6)} USD`

function checkDim<V>(
  e: Evaluation,
  p: Policy,
  c: Of<'SPENDING_LIMIT'>,
  d: Dim<V>,
  value: (v: V) => bigint,
  amount: bigint,
  spent: (w: WindowName) => bigint,
  unit: Unit,
): boolean {
  let escalated = false
  let idx = 0
  while (idx < d.steps.length && amount > value(d.steps[idx]!.value)) idx++
  const tier: Tier = d.steps.length === 0 ? 'INSTANT' : idx < d.steps.length ? d.steps[idx]!.tier : 'APPROVAL'
  if (tier !== 'INSTANT') {
    const exceeded = d.steps[idx - 1]
    if (exceeded === undefined) {
      // The lowest threshold given is above INSTANT (e.g. only delay_max): no amount is INSTANT here.
      const first = d.steps[0]!
      e.hit(p, first.field, tier, c.delay, `${unit(amount)} is within ${first.field} (${unit(value(first.value))}), the ${tier} tier`)
    } else {
      const lower = d.steps.slice(0, idx).map((s) => `amount ≤ ${unit(value(s.value))} would be ${s.tier}`)
      e.hit(p, exceeded.field, tier, c.delay, `${unit(amount)} is above ${exceeded.field} (${unit(value(exceeded.value))})`, lower.join('; '))
    }
    escalated = true
  }
  for (const l of d.limits) {
    const before = spent(l.window)
    const limit = value(l.value)
    if (before + amount > limit) {
      const remaining = limit - before
      const word = WINDOW_WORD[l.window]
      e.hit(
        p,
        l.field,
        c.onExceed,
        0,
        `${unit(amount)} on top of ${unit(before)} already spent in the last ${WINDOWS[l.window] / 86_400} days passes the ${word} limit ${l.field} (${unit(limit)})`,
        remaining > 0n
          ? `amount ≤ ${unit(remaining)} would fit the ${word} limit`
          : `nothing more fits the ${word} limit until earlier spending leaves its window`,
      )
      escalated = true
    }
  }
  return escalated
}

/**
 * SPENDING_LIMIT tiers and rolling limits. The native amount is the value moved plus the maximum fee: both leave the
 * wallet. A limit scoped to a network counts that network's past spend; a wallet or global one counts every network
 * whose native coin is the same asset (`nativeClass`), so naming another network of the same chain evades nothing.
 */
function spendingLimits(e: Evaluation, list: Entry<Of<'SPENDING_LIMIT'>>[], nativeMoves: boolean, tokens: Map<string, bigint> | null): void {
  const { req, facts } = e
  const nativeOut = req.nativeValue + (req.maxFee ?? 0n)
  let nativeCovered = false
  const covered = new Set<string>()
  for (const { p, c } of list) {
    let escalated = false
    if (c.usd !== null) {
      nativeCovered = true
      if (req.usdMicros === null) {
        e.hit(p, 'price_unavailable', c.priceUnavailable, 0, 'no fresh USD price for an asset this request moves, so its USD limits cannot be checked', 'retry when a fresh price is available')
        escalated = true
      } else if (req.usdMicros > 0n) {
        escalated = checkDim(e, p, c, c.usd, (v) => v, req.usdMicros, (w) => facts.spent[w].usdMicros, usdUnit) || escalated
      }
    }
    if (c.asset !== null) {
      if (c.token === null) {
        nativeCovered = true
        if (nativeOut > 0n) {
          const decimals = req.nativeDecimals
          const symbol = nativeSymbol(req.network)
          const unit: Unit = (x) => `${formatAmount(x, decimals)} ${symbol}`
          const past = p.network === null ? (w: WindowName): bigint => facts.spent[w].nativeClass : (w: WindowName): bigint => facts.spent[w].native
          escalated = checkDim(e, p, c, c.asset, (v) => v.at(decimals), nativeOut, past, unit) || escalated
        }
      } else {
        const token = c.token
        covered.add(token)
        const amount = tokens?.get(token) ?? 0n
        if (amount > 0n) {
          const decimals = req.tokenDecimals[token]
          if (decimals === undefined) {
            e.hit(p, 'token', 'APPROVAL', 0, `the decimals of token ${token} are unknown, so this SPENDING_LIMIT cannot be checked`)
            escalated = true
          } else {
            const unit: Unit = (x) => `${formatAmount(x, decimals)} of token ${token}`
            escalated = checkDim(e, p, c, c.asset, (v) => v.at(decimals), amount, (w) => facts.spent[w].tokens[token] ?? 0n, unit) || escalated
          }
        }
      }
    }
    if (!escalated && e.allow === null) {
      const first = c.usd?.steps[0] ?? c.asset?.steps[0]
      e.hit(p, first?.field ?? null, 'INSTANT', 0, 'within the instant tier and rolling limits of this SPENDING_LIMIT')
    }
  }
  const anyUsd = list.some((x) => x.c.usd !== null)
  if (nativeMoves && !nativeCovered) {
    e.hit(
      null,
      null,
      'APPROVAL',
      0,
      `No SPENDING_LIMIT covers the native coin on ${req.network}`,
      'add a SPENDING_LIMIT with *_usd thresholds or native thresholds (instant_max, …) without token',
    )
  }
  if (tokens !== null && !anyUsd) {
    for (const token of tokens.keys()) {
      if (!covered.has(token)) {
        e.hit(null, null, 'APPROVAL', 0, `No SPENDING_LIMIT covers token ${token}`, `add a SPENDING_LIMIT with *_usd thresholds or token=${token}`)
      }
    }
  }
}

function domainMatches(d: Domain, got: TypedDataDomain): boolean {
  if (d.name !== undefined && got.name !== d.name) return false
  if (d.version !== undefined && got.version !== d.version) return false
  if (d.chainId !== undefined && got.chainId !== d.chainId) return false
  if (d.verifyingContract !== undefined && got.verifyingContract?.toLowerCase() !== d.verifyingContract) return false
  return true
}

/** Seconds from `now` until the window next opens, in the zone's wall-clock time (DST shifts not counted). */
function secondsUntilOpen(c: Of<'TIME_WINDOW'>, dow: number, minute: number, now: number): number {
  const secOfDay = minute * 60 + (Math.floor(now / 1000) % 60)
  for (let k = 0; k <= 7; k++) {
    if ((c.days & (1 << ((dow + k) % 7))) === 0) continue
    const wait = k * 86_400 + c.start * 60 - secOfDay
    if (wait > 0) return wait
  }
  return 1
}

function insideWindow(c: Of<'TIME_WINDOW'>, dow: number, minute: number): boolean {
  const on = (d: number): boolean => (c.days & (1 << ((d + 7) % 7))) !== 0
  if (c.start < c.end) return minute >= c.start && minute < c.end && on(dow)
  // Overnight: the part after midnight belongs to the day the window started.
  return (minute >= c.start && on(dow)) || (minute < c.end && on(dow - 1))
}

/**
 * The decision of `policies` (already the applicable ones, see `applicablePolicies`) on `req`, given `facts`.
 * Pure and synchronous; never throws for policy content (stored rules that no longer validate deny).
 */
export function evaluate(req: PolicyRequest, policies: Policy[], facts: PolicyFacts, opts: EvaluateOptions = {}): Decision {
  const e = new Evaluation(req, facts)
  const offline = opts.offline === true
  const by = new Map<PolicyType, Entry<Compiled>[]>()
  for (const p of policies) {
    if (!p.enabled) continue
    const c = compiled(p)
    if (c.t === 'INVALID') {
      e.deny(p, null, `Policy ${p.id} (${String(p.type)}) has stored rules that are no longer valid: ${c.message.slice(0, 200)}`, `fix it with \`waiaas policy update\` or remove it`)
      continue
    }
    const list = by.get(c.t)
    if (list === undefined) by.set(c.t, [{ p, c }])
    else list.push({ p, c })
  }
  const of = <T extends Compiled['t']>(t: T): Entry<Of<T>>[] => (by.get(t) ?? []) as Entry<Of<T>>[]

  // What the request does.
  let moves = false
  let nativeMoves = false
  let tokens: Map<string, bigint> | null = null
  for (const a of req.actions) {
    if (a.kind === 'native-transfer' || (a.kind === 'contract-call' && a.value > 0n)) moves = nativeMoves = true
    else if (a.kind === 'token-transfer') {
      moves = true
      tokens ??= new Map()
      tokens.set(a.token, (tokens.get(a.token) ?? 0n) + a.amount)
    }
  }
  // Offline, actions that need the node to be read are left out, so an empty list there proves nothing.
  if (req.actions.length === 0 && !offline) e.deny(null, null, 'The request has no action that a policy could allow')

  for (const { p, c } of of('ALLOWED_NETWORKS')) {
    if (!c.set.has(req.network)) e.deny(p, 'networks', `Network ${req.network} is not in this ALLOWED_NETWORKS policy`, `use one of: ${listText(c.set)}`)
  }
  for (const { p, c } of of('RECIPIENT_DENYLIST')) {
    for (const a of req.actions) {
      const target = a.kind === 'native-transfer' || a.kind === 'token-transfer' ? a.to : a.kind === 'token-approve' ? a.spender : a.kind === 'contract-call' ? a.contract : null
      if (target !== null && c.set.has(target)) e.deny(p, 'recipients', `${target} is on a RECIPIENT_DENYLIST`)
    }
  }

  const spendLimits = of('SPENDING_LIMIT')
  if (moves && spendLimits.length === 0) {
    e.deny(null, null, `No SPENDING_LIMIT applies to this wallet on ${req.network}: nothing may move`, suggestAdd(req.walletId, 'SPENDING_LIMIT', '{"instant_max":"0.01","daily_limit":"0.1"}'))
  }
  for (const a of req.actions) checkAction(e, a, of)

  if (!offline) {
    const feeMoves = (req.maxFee ?? 0n) > 0n
    if ((moves || feeMoves) && spendLimits.length > 0) spendingLimits(e, spendLimits, nativeMoves, tokens)
    unexplainedCalls(e)
  }

  for (const { p, c } of of('NEW_RECIPIENT_TIER')) {
    for (const a of req.actions) {
      if ((a.kind === 'native-transfer' || a.kind === 'token-transfer') && !e.isKnown(a.to)) {
        e.hit(p, 'tier', c.tier, c.delay, `${a.to} is a recipient this wallet has not sent to before`, 'a recipient this wallet has sent to before')
        break
      }
    }
  }
  for (const { p, c } of of('RATE_LIMIT')) {
    const count = facts.countSince(c.per)
    if (count >= c.max) {
      e.hit(p, 'max_requests', c.tier, c.delay, `${count} requests in the last ${c.per} s reach the limit of ${c.max}`, `fewer than ${c.max} requests in the last ${c.per} s`)
    }
  }
  for (const { p, c } of of('TIME_WINDOW')) {
    const { dow, minute } = localTime(c.tz, facts.now)
    if (!insideWindow(c, dow, minute)) {
      const delay = c.outside === 'DELAY' ? secondsUntilOpen(c, dow, minute, facts.now) : 0
      const window = `${c.startText}–${c.endText} ${c.tz} (${c.daysText})`
      e.hit(p, 'outside', c.outside, delay, `Outside the time window ${window}`, `a request within ${window}`)
    }
  }
  for (const { p, c } of of('MAX_PENDING')) {
    if (facts.pending >= c.max) {
      e.hit(p, 'max', c.tier, 0, `${facts.pending} requests are pending; the limit is ${c.max}`, `fewer than ${c.max} pending requests`)
    }
  }
  const feeCaps = of('FEE_CAP')
  const sym = nativeSymbol(req.network)
  const fmt = (x: bigint): string => `${formatAmount(x, req.nativeDecimals)} ${sym}`
  for (const { p, c } of feeCaps) {
    if (req.maxFee !== null) {
      const cap = c.maxFee.at(req.nativeDecimals)
      if (req.maxFee > cap) e.hit(p, 'max_fee', c.tier, c.delay, `The fee of up to ${fmt(req.maxFee)} is above max_fee (${fmt(cap)})`, `fee ≤ ${fmt(cap)}`)
    }
  }
  if (!offline && feeCaps.length === 0 && req.maxFee !== null && req.feeBound !== undefined && req.feeBound !== null && req.maxFee > req.feeBound) {
    e.deny(
      null,
      null,
      `The fee of up to ${fmt(req.maxFee)} is more than ${FEE_BOUND_FACTOR} times what the network suggests now (at most ${fmt(req.feeBound)} without a FEE_CAP policy)`,
      `fee ≤ ${fmt(req.feeBound)}, or a FEE_CAP policy that allows more: ${suggestAdd(req.walletId, 'FEE_CAP', `{"max_fee":"${formatAmount(req.maxFee, req.nativeDecimals)}"}`)}`,
    )
  }

  return decide(e, spendLimits)
}

/**
 * A contract call that the decoder reads as nothing lighter, on a transaction whose effect no simulation showed (the
 * node cannot simulate, or the simulation reverted), is never signed on trust: it waits for approval.
 */
function unexplainedCalls(e: Evaluation): void {
  const how = e.req.effects
  if (how !== 'unavailable' && how !== 'reverted') return
  const call = e.req.actions.find((a): a is Extract<Action, { kind: 'contract-call' }> => a.kind === 'contract-call')
  if (call === undefined) return
  const why = how === 'unavailable' ? `the node of ${e.req.network} cannot simulate transactions` : 'its simulation reverted, so it showed no effect'
  e.hit(null, null, UNEXPLAINED_CALL_TIER, 0, `What the call to ${call.contract} would do cannot be checked: ${why}`, 'a transaction the decoder can read in full, or a network whose node simulates (eth_simulateV1)')
}

/** The default-deny and allowlist checks of one action. */
function checkAction(e: Evaluation, a: Action, of: <T extends Compiled['t']>(t: T) => Entry<Of<T>>[]): void {
  const walletId = e.req.walletId
  switch (a.kind) {
    case 'authority-change':
      e.deny(null, null, `The transaction changes who controls ${a.account}: ${a.what}`, 'a transaction that leaves every owner, delegate and authority of the wallet\'s accounts as it is')
      return
    case 'native-transfer':
      recipientAllowed(e, a.to, of('RECIPIENT_ALLOWLIST'))
      return
    case 'token-transfer': {
      const allowed = of('ALLOWED_TOKENS')
      if (allowed.length === 0) {
        e.deny(null, null, `No ALLOWED_TOKENS policy applies: token ${a.token} may not move`, suggestAdd(walletId, 'ALLOWED_TOKENS', `{"tokens":["${a.token}"]}`))
      }
      for (const { p, c } of allowed) {
        if (c.set.has(a.token)) e.pass(p, 'tokens', () => `token ${a.token} is allowed`)
        else e.deny(p, 'tokens', `Token ${a.token} is not in this ALLOWED_TOKENS policy`, `a token in: ${listText(c.set)}`)
      }
      recipientAllowed(e, a.to, of('RECIPIENT_ALLOWLIST'))
      return
    }
    case 'contract-call': {
      const allowed = of('CONTRACT_ALLOWLIST')
      if (allowed.length === 0) {
        e.deny(null, null, `No CONTRACT_ALLOWLIST policy applies: contract ${a.contract} may not be called`, suggestAdd(walletId, 'CONTRACT_ALLOWLIST', `{"contracts":["${a.contract}"]}`))
      }
      for (const { p, c } of allowed) {
        if (c.set.has(a.contract)) e.pass(p, 'contracts', () => `contract ${a.contract} is allowed`)
        else e.deny(p, 'contracts', `Contract ${a.contract} is not in this CONTRACT_ALLOWLIST policy`, `a contract in: ${listText(c.set)}`)
      }
      for (const { p, c } of of('METHOD_ALLOWLIST')) {
        const selectors = c.methods.get(a.contract)
        if (selectors === undefined) continue
        if (a.selector === null || !selectors.has(a.selector)) {
          e.deny(p, 'methods', `${a.selector === null ? 'A call without a selector' : `Method ${a.selector}`} is not allowed on ${a.contract} by METHOD_ALLOWLIST`, `a method in: ${listText(selectors)}`)
        }
      }
      return
    }
    case 'token-approve':
      approval(e, a, of('APPROVED_SPENDERS'), of('APPROVE_AMOUNT_LIMIT'))
      return
    case 'sign-message':
    case 'sign-typed-data': {
      const rules = of('SIGNING_RULES')
      const what = a.kind === 'sign-message' ? 'message signing' : 'typed-data signing'
      if (rules.length === 0) {
        const example = a.kind === 'sign-message' ? '{"allow_personal_sign":true}' : '{"typed_data_domains":[{"name":"…","chainId":1}]}'
        e.deny(null, null, `No SIGNING_RULES policy applies: ${what} is denied`, suggestAdd(walletId, 'SIGNING_RULES', example))
      }
      for (const { p, c } of rules) {
        if (a.kind === 'sign-message') {
          if (!c.personal) e.deny(p, 'allow_personal_sign', 'Message signing is not allowed by this SIGNING_RULES policy', 'set allow_personal_sign to true')
          else e.hit(p, 'tier', c.tier, c.delay, `message signing is allowed at tier ${c.tier}`)
        } else if (c.domains.some((d) => domainMatches(d, a.domain))) {
          e.hit(p, 'tier', c.tier, c.delay, `the typed-data domain matches; signing at tier ${c.tier}`)
        } else {
          const got = a.domain
          const shown = [got.name !== undefined ? `name ${JSON.stringify(got.name.slice(0, 40))}` : '', got.chainId !== undefined ? `chainId ${got.chainId}` : '', got.verifyingContract ?? '']
            .filter((s) => s !== '')
            .join(', ')
          e.deny(p, 'typed_data_domains', `The typed-data domain (${shown || 'empty'}) matches no entry of typed_data_domains`, 'a domain matching every field of one typed_data_domains entry')
        }
      }
      return
    }
  }
}

function recipientAllowed(e: Evaluation, to: string, lists: Entry<Of<'RECIPIENT_ALLOWLIST'>>[]): void {
  for (const { p, c } of lists) {
    if (!c.set.has(to)) e.deny(p, 'recipients', `Recipient ${to} is not in this RECIPIENT_ALLOWLIST`, `a recipient in: ${listText(c.set)}`)
  }
}

function approval(
  e: Evaluation,
  a: Extract<Action, { kind: 'token-approve' }>,
  spenders: Entry<Of<'APPROVED_SPENDERS'>>[],
  limits: Entry<Of<'APPROVE_AMOUNT_LIMIT'>>[],
): void {
  if (spenders.length === 0) {
    e.deny(null, null, `No APPROVED_SPENDERS policy applies: ${a.spender} may not be given an allowance`, suggestAdd(e.req.walletId, 'APPROVED_SPENDERS', `{"spenders":["${a.spender}"]}`))
  }
  for (const { p, c } of spenders) {
    if (c.set.has(a.spender)) e.pass(p, 'spenders', () => `spender ${a.spender} is approved`)
    else e.deny(p, 'spenders', `Spender ${a.spender} is not in this APPROVED_SPENDERS policy`, `a spender in: ${listText(c.set)}`)
  }
  if (a.unlimited && limits.length === 0) {
    e.deny(null, null, 'Unlimited approvals are denied unless an APPROVE_AMOUNT_LIMIT policy sets allow_unlimited', 'approve a specific amount instead of an unlimited allowance')
  }
  for (const { p, c } of limits) {
    const cap = c.limits.get(a.token)
    if (a.unlimited && !c.allowUnlimited) {
      e.deny(p, 'allow_unlimited', 'Unlimited approvals are not allowed by this APPROVE_AMOUNT_LIMIT policy', 'approve a specific amount instead of an unlimited allowance')
    }
    if (cap === undefined) continue
    const decimals = e.req.tokenDecimals[a.token]
    if (a.unlimited) {
      e.deny(p, 'limits', `An unlimited allowance of token ${a.token} exceeds its cap of ${cap.text}`, `allowance ≤ ${cap.text}`)
    } else if (decimals === undefined) {
      e.hit(p, 'limits', 'APPROVAL', 0, `the decimals of token ${a.token} are unknown, so its allowance cap cannot be checked`)
    } else if (a.amount > cap.at(decimals)) {
      const max = formatAmount(cap.at(decimals), decimals)
      e.deny(p, 'limits', `An allowance of ${formatAmount(a.amount, decimals)} of token ${a.token} exceeds its cap of ${max}`, `allowance ≤ ${max}`)
    }
  }
}

function decide(e: Evaluation, spendLimits: Entry<Of<'SPENDING_LIMIT'>>[]): Decision {
  const above = e.above
  if (above.length > 1) above.sort((x, y) => TIER_RANK[y.tier] - TIER_RANK[x.tier])
  const top = above[0]
  const tier: Tier = top?.tier ?? 'INSTANT'
  let delaySeconds = 0
  if (tier === 'DELAY') for (const v of above) if (v.tier === 'DELAY' && (v.delaySeconds ?? 0) > delaySeconds) delaySeconds = v.delaySeconds ?? 0
  const decisive: Verdict = top ?? e.allow ?? e.other ?? { tier: 'INSTANT', rule: null, reason: 'no rule escalated this request' }
  const decision: Decision = { tier, delaySeconds, decisive, verdicts: above }
  if (tier === 'APPROVAL') {
    let timeout: number | null = null
    for (const { c } of spendLimits) if (c.approvalTimeout !== null && (timeout === null || c.approvalTimeout < timeout)) timeout = c.approvalTimeout
    if (timeout !== null) decision.approvalTimeoutSeconds = timeout
  }
  return decision
}

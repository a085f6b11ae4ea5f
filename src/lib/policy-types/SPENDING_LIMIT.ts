/**
 * SPENDING_LIMIT: per-transaction tiers and rolling limits, in USD or in the native unit (or a token's). Value moves
 * only under one: with none, nothing may move; an asset that no limit covers waits for approval.
 *
 * The native amount is the value moved plus the maximum fee: both leave the wallet. A limit scoped to a network
 * counts that network's past spend; a wallet or global one counts every network whose native coin is the same asset
 * (`nativeClass`), so naming another network of the same chain evades nothing. A threshold finer than the asset's
 * decimals is rounded down, the stricter way; an asset whose decimals are unknown escalates to APPROVAL.
 */
import { formatAmount, parseAmount } from '../amounts.js'
import { delaySeconds, native, THIRTY_DAYS, tierOr, usd } from './fields.js'
import { checkOrder, Dec, DEFAULT_DELAY_SECONDS, delayOf, invalid, nativeSymbol, str, suggestAdd, tierOf, type Rules } from './helpers.js'
import { WINDOWS, type Tier, type WindowName } from './model.js'
import { definePolicyType, type Entry, type Judge } from './module.js'

const USD_TIERS = ['instant_max_usd', 'notify_max_usd', 'delay_max_usd'] as const
const USD_LIMITS = ['daily_limit_usd', 'weekly_limit_usd', 'monthly_limit_usd'] as const
const ASSET_TIERS = ['instant_max', 'notify_max', 'delay_max'] as const
const ASSET_LIMITS = ['daily_limit', 'weekly_limit', 'monthly_limit'] as const

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
export interface Compiled {
  usd: Dim<bigint> | null
  asset: Dim<Dec> | null
  token: string | null
  delay: number
  onExceed: Tier
  priceUnavailable: Tier
  approvalTimeout: number | null
}

const STEP_TIERS: Tier[] = ['INSTANT', 'NOTIFY', 'DELAY']
const LIMIT_FIELDS: [WindowName, string][] = [
  ['day', 'daily_limit'],
  ['week', 'weekly_limit'],
  ['month', 'monthly_limit'],
]

function dim<V>(r: Rules, suffix: string, conv: (text: string, field: string) => V): Dim<V> | null {
  const steps: Step<V>[] = []
  const limits: Limit<V>[] = []
  ASSET_TIERS.forEach((f, i) => {
    const text = str(r, f + suffix)
    if (text !== undefined) steps.push({ tier: STEP_TIERS[i]!, field: f + suffix, value: conv(text, f + suffix) })
  })
  for (const [window, f] of LIMIT_FIELDS) {
    const text = str(r, f + suffix)
    if (text !== undefined) limits.push({ window, field: f + suffix, value: conv(text, f + suffix) })
  }
  return steps.length === 0 && limits.length === 0 ? null : { steps, limits }
}

/** Formats minor units of a dimension with its unit, for messages. */
type Unit = (minor: bigint) => string

const usdUnit: Unit = (x) => `${formatAmount(x, 6)} USD`
const WINDOW_WORD: Record<WindowName, string> = { day: 'daily', week: 'weekly', month: 'monthly' }

function checkDim<V>(e: Judge, { p, c }: Entry<Compiled>, d: Dim<V>, value: (v: V) => bigint, amount: bigint, spent: (w: WindowName) => bigint, unit: Unit): boolean {
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

/** Tiers, coverage and rolling limits of every SPENDING_LIMIT that applies. */
function spendingLimits(e: Judge, list: Entry<Compiled>[]): void {
  const { req, facts, tokens } = e
  const nativeOut = req.nativeValue + (req.maxFee ?? 0n)
  let nativeCovered = false
  const covered = new Set<string>()
  for (const entry of list) {
    const { p, c } = entry
    let escalated = false
    if (c.usd !== null) {
      nativeCovered = true
      if (req.usdMicros === null) {
        e.hit(p, 'price_unavailable', c.priceUnavailable, 0, 'no fresh USD price for an asset this request moves, so its USD limits cannot be checked', 'retry when a fresh price is available')
        escalated = true
      } else if (req.usdMicros > 0n) {
        escalated = checkDim(e, entry, c.usd, (v) => v, req.usdMicros, (w) => facts.spent[w].usdMicros, usdUnit) || escalated
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
          escalated = checkDim(e, entry, c.asset, (v) => v.at(decimals), nativeOut, past, unit) || escalated
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
            escalated = checkDim(e, entry, c.asset, (v) => v.at(decimals), amount, (w) => facts.spent[w].tokens[token] ?? 0n, unit) || escalated
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
  if (e.nativeMoves && !nativeCovered) {
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

export const SPENDING_LIMIT = definePolicyType({
  type: 'SPENDING_LIMIT',
  doc:
    'Per-transaction tiers and rolling limits, in USD (the *_usd fields) or in the native unit (or a token\'s). Thresholds must not ' +
    'decrease (instant ≤ notify ≤ delay); at least one threshold or limit.',
  fields: {
    instant_max_usd: usd('instant-max', 'Up to this per transaction: INSTANT'),
    notify_max_usd: usd('notify-max', 'Up to this: NOTIFY (signed now, the owner is told)'),
    delay_max_usd: usd('delay-max', 'Up to this: DELAY; above the last threshold given: APPROVAL'),
    daily_limit_usd: usd('daily-limit', 'Rolling 24 h total'),
    weekly_limit_usd: usd('weekly-limit', 'Rolling 7 d total'),
    monthly_limit_usd: usd('monthly-limit', 'Rolling 30 d total'),
    instant_max: native('instant-max', 'Up to this per transaction: INSTANT'),
    notify_max: native('notify-max', 'Up to this: NOTIFY'),
    delay_max: native('delay-max', 'Up to this: DELAY; above the last threshold given: APPROVAL'),
    daily_limit: native('daily-limit', 'Rolling 24 h total'),
    weekly_limit: native('weekly-limit', 'Rolling 7 d total'),
    monthly_limit: native('monthly-limit', 'Rolling 30 d total'),
    token: { kind: 'address', doc: 'Count this token (ERC-20 address or SPL mint) instead of the native coin; amounts in its units' },
    delay_seconds: delaySeconds,
    on_exceed: tierOr(['APPROVAL', 'DENY'], 'APPROVAL', 'A request past a rolling limit'),
    price_unavailable: tierOr(['APPROVAL', 'DENY'], 'APPROVAL', 'USD rules and an asset without a fresh price'),
    approval_timeout_seconds: { kind: 'seconds', min: 60, max: THIRTY_DAYS, doc: 'How long an APPROVAL waits before it expires, e.g. 1h' },
  },
  // A SPENDING_LIMIT for an asset no limit covered lifts its fail-closed APPROVAL: it grants.
  restricting: false,
  allows: true,
  normalise(r) {
    const type = 'SPENDING_LIMIT'
    const out: Record<string, unknown> = {}
    for (const f of [...USD_TIERS, ...USD_LIMITS, ...ASSET_TIERS, ...ASSET_LIMITS]) if (r[f] !== undefined) out[f] = r[f]
    if (Object.keys(out).length === 0) {
      invalid(type, 'rules', 'no-threshold', `needs at least one threshold or limit: ${[...USD_TIERS, ...USD_LIMITS, ...ASSET_TIERS, ...ASSET_LIMITS].join(', ')}`)
    }
    checkOrder(type, out, USD_TIERS)
    checkOrder(type, out, ASSET_TIERS)
    const hasAsset = [...ASSET_TIERS, ...ASSET_LIMITS].some((f) => out[f] !== undefined)
    if (r.token !== undefined) {
      if (!hasAsset) invalid(type, 'rules.token', 'unused', `applies to ${[...ASSET_TIERS, ...ASSET_LIMITS].join(', ')}; give at least one of them`)
      out.token = r.token
    }
    if (out.delay_max_usd !== undefined || out.delay_max !== undefined) out.delay_seconds = r.delay_seconds ?? DEFAULT_DELAY_SECONDS
    else if (r.delay_seconds !== undefined) invalid(type, 'rules.delay_seconds', 'not-applicable', 'applies only with delay_max_usd or delay_max')
    out.on_exceed = r.on_exceed
    out.price_unavailable = r.price_unavailable
    if (r.approval_timeout_seconds !== undefined) out.approval_timeout_seconds = r.approval_timeout_seconds
    return out
  },
  compile: (r): Compiled => ({
    usd: dim(r, '_usd', (text, field) => parseAmount(text, 6, field, { allowZero: true })),
    asset: dim(r, '', (text) => new Dec(text)),
    token: str(r, 'token') ?? null,
    delay: delayOf(r),
    onExceed: tierOf(r, 'on_exceed'),
    priceUnavailable: tierOf(r, 'price_unavailable'),
    approvalTimeout: typeof r.approval_timeout_seconds === 'number' ? r.approval_timeout_seconds : null,
  }),
  checks: {
    moves(e, list) {
      if (e.moves && list.length === 0) {
        e.deny(null, null, `No SPENDING_LIMIT applies to this wallet on ${e.req.network}: nothing may move`, suggestAdd(e.req.walletId, 'SPENDING_LIMIT', '{"instant_max":"0.01","daily_limit":"0.1"}'))
      }
    },
    value(e, list) {
      // Spending limits are checked only when value moves, or a fee does.
      const feeMoves = (e.req.maxFee ?? 0n) > 0n
      if ((e.moves || feeMoves) && list.length > 0) spendingLimits(e, list)
    },
  },
  /** The shortest `approval_timeout_seconds` of the applicable SPENDING_LIMITs. */
  approvalTimeout(list) {
    let timeout: number | null = null
    for (const { c } of list) if (c.approvalTimeout !== null && (timeout === null || c.approvalTimeout < timeout)) timeout = c.approvalTimeout
    return timeout
  },
})

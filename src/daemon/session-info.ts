/**
 * `session.info`: a session's view of itself with what is left of its limits, per wallet and network. The numbers are
 * read from the same spend ledger and request counts the decisions reserve in and judge by (the pipeline's
 * `spendView`), and from the same applicable policies (`applicablePolicies`), so "remaining" is exactly what the next
 * request is judged against. Only the session's own wallets are described.
 */
import { formatAmount } from '../lib/amounts.js'
import type { Output } from '../lib/contract/index.js'
import { resolveNetwork, type NetworkInfo } from '../lib/networks.js'
import { POLICY_TYPE_MODULE } from '../lib/policy-types/index.js'
import { WINDOWS, type Tier, type WindowName } from '../lib/policy-types/model.js'
import { secondsText } from '../lib/policy-summary.js'
import type { Compiled as Spending } from '../lib/policy-types/SPENDING_LIMIT.js'
import type { DaemonContext } from './context.js'
import { effectiveNetworks } from './networks.js'
import type { HourSpan, SpendView } from './pipeline/facade-types.js'
import { applicablePolicies } from './policy/engine.js'
import { validateRules } from './policy/rules.js'
import type { Policy } from './policy/types.js'
import { allPolicies } from './store/policies.js'
import { sessionActor, sessionSpendSince, sessionSpendTimes, type SessionRow } from './store/sessions.js'
import { walletSummary } from './store/wallet-summary.js'
import { tokenByAddress } from './token-registry.js'

type Info = Output<'session.info'>
type NetLimits = Info['wallets'][number]['networks'][number]
type Cap = NetLimits['spending'][number]

const HOUR = 3_600_000
const DAY = 86_400_000
const WINDOW_WORD: Record<WindowName, string> = { day: 'daily', week: 'weekly', month: 'monthly' }
const iso = (ms: number): string => new Date(ms).toISOString()
/** A bucket `h` counts in a window of H hours while the current hour is at most h + H: it leaves at hour h + H + 1. */
const leaves = (h: number, w: WindowName): string => iso((h + WINDOWS[w] / 3600 + 1) * HOUR)
const min = (xs: bigint[]): bigint | null => (xs.length === 0 ? null : xs.reduce((a, b) => (b < a ? b : a)))

function compile<T extends 'SPENDING_LIMIT' | 'RATE_LIMIT' | 'MAX_PENDING'>(p: Policy, type: T): ReturnType<(typeof POLICY_TYPE_MODULE)[T]['compile']> | undefined {
  try {
    return POLICY_TYPE_MODULE[type].compile(validateRules(type, p.rules)) as ReturnType<(typeof POLICY_TYPE_MODULE)[T]['compile']>
  } catch {
    return undefined // stored rules that no longer validate: the engine denies on them; nothing to count here
  }
}

/** One unit of one SPENDING_LIMIT: tiers, windows with used and remaining, and what fits now. */
interface Unit {
  name: string
  token: string | null
  decimals: number
  spent: (w: WindowName) => bigint
  span: (w: WindowName) => HourSpan | null
  /** The native coin: a transaction counts its value plus its maximum fee. */
  native?: boolean
}

/** A SPENDING_LIMIT's thresholds and rolling limits in one unit (the shape of its compiled `usd` and `asset`). */
interface Dim<V> {
  steps: { tier: Tier; field: string; value: V }[]
  limits: { window: WindowName; field: string; value: V }[]
}

function cap<V>(p: Policy, c: Spending, dim: Dim<V>, value: (v: V) => bigint, u: Unit): Cap {
  const fmt = (x: bigint): string => formatAmount(x, u.decimals)
  const steps = dim.steps
  const tiers: Cap['tiers'] = steps.map((s) => ({ tier: s.tier, upTo: fmt(value(s.value)), delaySeconds: s.tier === 'DELAY' ? c.delay : null }))
  if (steps.length > 0) tiers.push({ tier: 'APPROVAL', upTo: null, delaySeconds: null })
  const windows: Cap['windows'] = dim.limits.map((l) => {
    const limit = value(l.value)
    const used = u.spent(l.window)
    const span = u.span(l.window)
    return {
      window: l.window,
      field: l.field,
      limit: fmt(limit),
      used: fmt(used),
      remaining: fmt(limit > used ? limit - used : 0n),
      nextReleaseAt: span === null ? null : leaves(span.first, l.window),
      clearAt: span === null ? null : leaves(span.last, l.window),
    }
  })
  const left = dim.limits.map((l) => {
    const r = value(l.value) - u.spent(l.window)
    return r > 0n ? r : 0n
  })
  const first = steps[0]
  const last = steps.at(-1)
  const instant = steps.length === 0 ? min(left) : first?.tier === 'INSTANT' ? min([value(first.value), ...left]) : null
  const withoutApproval = min([...(last === undefined ? [] : [value(last.value)]), ...left])
  const scope = p.walletId === null ? 'global' : p.network === null ? 'wallet' : 'network'
  const words = [
    ...(tiers.length === 0 ? [] : [tiers.map((t) => (t.upTo === null ? `above: ${t.tier}` : `up to ${t.upTo} ${u.name}: ${t.tier}${t.delaySeconds === null ? '' : ` (${secondsText(t.delaySeconds)})`}`)).join(', ')]),
    ...windows.map((w) => `${WINDOW_WORD[w.window]} ${w.limit} ${u.name}: ${w.used} used, ${w.remaining} left${w.nextReleaseAt === null ? '' : ` (more frees at ${w.nextReleaseAt})`}`),
    `now up to ${instant === null ? '0' : fmt(instant)} ${u.name} is INSTANT, up to ${withoutApproval === null ? 'any amount' : `${fmt(withoutApproval)} ${u.name}`} needs no approval${u.native === true ? ' (value plus the maximum fee)' : ''}`,
  ]
  return {
    policyId: p.id,
    scope,
    unit: u.name,
    token: u.token,
    tiers,
    windows,
    onExceed: c.onExceed === 'DENY' ? 'DENY' : 'APPROVAL',
    instantNow: instant === null ? null : fmt(instant),
    withoutApprovalNow: withoutApproval === null ? null : fmt(withoutApproval),
    text: `SPENDING_LIMIT ${p.id} (${scope}, ${u.name}): ${words.join('; ')}${dim.limits.length > 0 ? `; past a limit: ${c.onExceed}` : ''}`,
  }
}

function spendingCaps(ctx: DaemonContext, p: Policy, net: NetworkInfo, v: SpendView): Cap[] {
  const c = compile(p, 'SPENDING_LIMIT')
  if (c === undefined) return []
  const caps: Cap[] = []
  const { spent } = v.facts
  if (c.usd !== null) {
    caps.push(cap<bigint>(p, c, c.usd, (x) => x, { name: 'USD', token: null, decimals: 6, spent: (w) => spent[w].usdMicros, span: (w) => v.hours[w].usdMicros }))
  }
  if (c.asset !== null) {
    const token = c.token
    if (token === null) {
      // A limit scoped to a network counts that network; a wallet or global one every network of the same native asset.
      const own = p.network !== null
      caps.push(
        cap(p, c, c.asset, (d) => d.at(net.nativeDecimals), {
          name: net.nativeSymbol,
          token: null,
          decimals: net.nativeDecimals,
          spent: (w) => (own ? spent[w].native : spent[w].nativeClass),
          span: (w) => (own ? v.hours[w].native : v.hours[w].nativeClass),
          native: true,
        }),
      )
    } else {
      const known = tokenByAddress(ctx.db, net.id, token)
      // Unknown decimals: the engine sends every transfer of it to approval, so there is nothing to count down.
      if (known !== undefined) {
        caps.push(cap(p, c, c.asset, (d) => d.at(known.decimals), { name: known.symbol, token, decimals: known.decimals, spent: (w) => spent[w].tokens[token] ?? 0n, span: (w) => v.hours[w].tokens[token] ?? null }))
      }
    }
  }
  return caps
}

function networkLimits(ctx: DaemonContext, walletId: string, net: NetworkInfo, policies: Policy[]): NetLimits {
  const applicable = applicablePolicies(policies, walletId, net.id)
  const v = ctx.pipeline.spendView(walletId, net.id)
  const spending: Cap[] = []
  const rate: NetLimits['rate'] = []
  let maxPending: number | null = null
  for (const p of applicable) {
    if (p.type === 'SPENDING_LIMIT') spending.push(...spendingCaps(ctx, p, net, v))
    else if (p.type === 'RATE_LIMIT') {
      const c = compile(p, 'RATE_LIMIT')
      if (c === undefined) continue
      const used = v.facts.countSince(c.per)
      const remaining = Math.max(0, c.max - used)
      rate.push({ policyId: p.id, max: c.max, perSeconds: c.per, used, remaining, then: c.tier, text: `RATE_LIMIT ${p.id}: ${c.max} requests per ${secondsText(c.per)}, ${used} used, ${remaining} left; past it: ${c.tier}` })
    } else if (p.type === 'MAX_PENDING') {
      const c = compile(p, 'MAX_PENDING')
      if (c !== undefined && (maxPending === null || c.max < maxPending)) maxPending = c.max
    }
  }
  const nothingMoves = !applicable.some((p) => p.type === 'SPENDING_LIMIT')
  return { network: net.id, name: net.name, symbol: net.nativeSymbol, spending, rate, pending: { count: v.facts.pending, max: maxPending }, nothingMoves }
}

/** Whether the ALLOWED_NETWORKS policies that apply to the wallet on `net` let it use `net`. */
function allowed(policies: Policy[], walletId: string, net: string): boolean {
  return applicablePolicies(policies, walletId, net)
    .filter((p) => p.type === 'ALLOWED_NETWORKS')
    .every((p) => Array.isArray(p.rules.networks) && p.rules.networks.some((n) => typeof n === 'string' && safeId(n) === net))
}

const safeId = (ref: string): string | undefined => {
  try {
    return resolveNetwork(ref).id
  } catch {
    return undefined
  }
}

/**
 * The networks of the wallet's chain it may use that the daemon knows of: the operator's (an RPC URL or depth set),
 * the devnet's while it runs, and those its policies name; the chain's main network when there are none.
 */
function walletNetworks(ctx: DaemonContext, walletId: string, chain: 'evm' | 'solana', policies: Policy[]): NetworkInfo[] {
  const ids = new Set<string>()
  for (const n of effectiveNetworks(ctx.db)) if (n.customized) ids.add(n.id)
  const dev = ctx.devnet.info()
  if (dev.running) for (const n of [dev.evm?.network, dev.solana?.network]) if (n !== undefined) ids.add(n)
  for (const p of policies) {
    if (p.walletId !== null && p.walletId !== walletId) continue
    if (p.network !== null) ids.add(p.network)
    if (p.type === 'ALLOWED_NETWORKS' && Array.isArray(p.rules.networks)) for (const n of p.rules.networks) if (typeof n === 'string') ids.add(safeId(n) ?? '')
  }
  const nets = [...ids].flatMap((id) => {
    const n = id === '' ? undefined : safeId(id)
    return n === undefined ? [] : [resolveNetwork(n)]
  })
  const mine = nets.filter((n) => n.family === chain)
  const list = mine.length > 0 ? mine : [resolveNetwork(chain === 'evm' ? 'eip155:1' : 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp')]
  return list.filter((n) => allowed(policies, walletId, n.id))
}

/** The session's own daily USD cap: what its counted requests used in the last 24 h, as the engine's SESSION_CAP reads it. */
function dailyCap(ctx: DaemonContext, s: SessionRow, now: number): Info['dailyCapUsd'] {
  const limit = s.limitUsdPerDayMicros
  if (limit === null) return null
  const actor = sessionActor(s.id)
  const spent = sessionSpendSince(ctx.db, actor, now - DAY)
  const times = sessionSpendTimes(ctx.db, actor, now - DAY)
  return {
    limit: formatAmount(limit, 6),
    used: formatAmount(spent.micros, 6),
    remaining: formatAmount(limit > spent.micros ? limit - spent.micros : 0n, 6),
    unpriced: spent.unpriced,
    nextReleaseAt: times === null ? null : iso(times.first + DAY),
    clearAt: times === null ? null : iso(times.last + DAY),
  }
}

/** The view of session `s`; with `network`, only that network (for the wallets of its chain). */
export function sessionInfo(ctx: DaemonContext, s: SessionRow, network?: string): Info {
  const now = ctx.now()
  const only = network === undefined ? undefined : resolveNetwork(network)
  const policies = [...allPolicies(ctx.db)]
  const wallets = s.walletIds.flatMap((id) => {
    const w = walletSummary(ctx.db, id)
    if (w === undefined) return []
    const nets = only === undefined ? walletNetworks(ctx, id, w.chain, policies) : only.family === w.chain ? [only] : []
    return [{ id, name: w.name, chain: w.chain, address: w.address, networks: nets.map((n) => networkLimits(ctx, id, n, policies)) }]
  })
  const cap = dailyCap(ctx, s, now)
  const text = [
    `Session ${s.name} (${s.id}) may ${s.permissions.join(', ')}; it expires at ${iso(s.expiresAt)}.`,
    ...(cap === null ? [] : [`Its own daily cap: ${cap.limit} USD, ${cap.used} used in the last 24 h, ${cap.remaining} left.`]),
    ...wallets.flatMap((w) =>
      w.networks.map((n) => {
        const parts = [...n.spending.map((c) => c.text), ...n.rate.map((r) => r.text), ...(n.pending.max === null ? [] : [`MAX_PENDING: ${n.pending.count} of ${n.pending.max} pending`])]
        return `${w.name} on ${n.name} (${n.network}): ${n.nothingMoves ? 'no SPENDING_LIMIT applies, so nothing may move' : parts.join(' | ')}`
      }),
    ),
  ]
  return {
    id: s.id,
    name: s.name,
    permissions: s.permissions,
    expiresAt: iso(s.expiresAt),
    expiresInSeconds: Math.max(0, Math.floor((s.expiresAt - now) / 1000)),
    renewalsLeft: Math.max(0, s.maxRenewals - s.renewals),
    dailyCapUsd: cap,
    wallets,
    text,
    now: iso(now),
  }
}

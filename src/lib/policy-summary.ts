/**
 * A policy's rules in one readable line for tables (`instant ≤ 10 USD · notify ≤ 100 USD · daily 500 USD`), so
 * `policy list` can be read without --json. Pure and free of zod: the CLI loads it. A type or field it does not
 * know is shown as `field=value`, so nothing stored is hidden; `policy show` prints the rules whole.
 */

type Rules = Record<string, unknown>

/** "300 s" as "5 min", "3600" as "1 h": the largest whole unit. */
export function secondsText(s: unknown): string {
  if (typeof s !== 'number' || !Number.isFinite(s)) return String(s)
  for (const [unit, n] of [['d', 86_400], ['h', 3_600], ['min', 60]] as const) if (s >= n && s % n === 0) return `${s / n} ${unit}`
  return `${s} s`
}

const lower = (v: unknown): string => String(v).toLowerCase()

/** Up to three items, then "+N more". */
function some(items: unknown): string {
  if (!Array.isArray(items)) return String(items)
  if (items.length === 0) return 'none'
  const shown = items.slice(0, 3).map(String).join(', ')
  return items.length > 3 ? `${shown} +${items.length - 3} more` : shown
}

/** SPENDING_LIMIT: tiers, then rolling limits, then what happens past them. */
function spending(r: Rules, used: Set<string>): string[] {
  const parts: string[] = []
  const unit = r.token === undefined ? 'native' : `of ${String(r.token)}`
  if (r.token !== undefined) used.add('token')
  const amount = (f: string): string | undefined => {
    if (r[`${f}_usd`] !== undefined) {
      used.add(`${f}_usd`)
      return `${String(r[`${f}_usd`])} USD`
    }
    if (r[f] !== undefined) {
      used.add(f)
      return `${String(r[f])} ${unit}`
    }
    return undefined
  }
  for (const [f, label] of [['instant_max', 'instant'], ['notify_max', 'notify'], ['delay_max', 'delay']] as const) {
    const a = amount(f)
    if (a === undefined) continue
    const delay = f === 'delay_max' && r.delay_seconds !== undefined ? ` (${secondsText(r.delay_seconds)})` : ''
    if (delay !== '') used.add('delay_seconds')
    parts.push(`${label} ≤ ${a}${delay}`)
  }
  if (parts.length > 0) parts.push('above: approval')
  for (const [f, label] of [['daily_limit', 'daily'], ['weekly_limit', 'weekly'], ['monthly_limit', 'monthly']] as const) {
    const a = amount(f)
    if (a !== undefined) parts.push(`${label} ${a}`)
  }
  used.add('on_exceed').add('price_unavailable')
  if (r.on_exceed !== undefined && r.on_exceed !== 'APPROVAL') parts.push(`past a limit: ${lower(r.on_exceed)}`)
  if (r.price_unavailable !== undefined && r.price_unavailable !== 'APPROVAL') parts.push(`no price: ${lower(r.price_unavailable)}`)
  return parts
}

/** "then delay (15 min)" for a tier with its delay. */
function then(r: Rules, used: Set<string>, field = 'tier'): string {
  used.add(field).add('delay_seconds')
  const tier = r[field]
  if (tier === undefined) return ''
  return `then ${lower(tier)}${tier === 'DELAY' && r.delay_seconds !== undefined ? ` (${secondsText(r.delay_seconds)})` : ''}`
}

const BY_TYPE: Record<string, (r: Rules, used: Set<string>) => string[]> = {
  SPENDING_LIMIT: spending,
  ALLOWED_NETWORKS: (r, u) => (u.add('networks'), [`networks: ${some(r.networks)}`]),
  ALLOWED_TOKENS: (r, u) => (u.add('tokens'), [`tokens: ${some(r.tokens)}`]),
  RECIPIENT_ALLOWLIST: (r, u) => (u.add('recipients'), [`only to: ${some(r.recipients)}`]),
  RECIPIENT_DENYLIST: (r, u) => (u.add('recipients'), [`never to: ${some(r.recipients)}`]),
  CONTRACT_ALLOWLIST: (r, u) => (u.add('contracts'), [`contracts: ${some(r.contracts)}`]),
  APPROVED_SPENDERS: (r, u) => (u.add('spenders'), [`spenders: ${some(r.spenders)}`]),
  METHOD_ALLOWLIST(r, u) {
    u.add('methods')
    const m = (r.methods ?? {}) as Record<string, unknown>
    return Object.entries(m).map(([contract, sels]) => `${contract}: ${some(sels)}`)
  },
  APPROVE_AMOUNT_LIMIT(r, u) {
    u.add('allow_unlimited').add('limits')
    const limits = Array.isArray(r.limits) ? (r.limits as { token?: unknown; max_amount?: unknown }[]) : []
    return [`unlimited: ${r.allow_unlimited === true ? 'allowed' : 'no'}`, ...limits.map((l) => `${String(l.token)} ≤ ${String(l.max_amount)}`)]
  },
  RATE_LIMIT: (r, u) => (u.add('max_requests').add('per_seconds'), [`${String(r.max_requests)} per ${secondsText(r.per_seconds)}, ${then(r, u)}`]),
  TIME_WINDOW(r, u) {
    u.add('start').add('end').add('days').add('timezone').add('outside')
    const days = Array.isArray(r.days) ? ` ${r.days.join(',')}` : ''
    return [`${String(r.start)}–${String(r.end)}${days} ${String(r.timezone ?? 'UTC')}`, `outside: ${lower(r.outside ?? 'DENY')}`]
  },
  SIGNING_RULES(r, u) {
    u.add('allow_personal_sign').add('typed_data_domains')
    const domains = Array.isArray(r.typed_data_domains) ? r.typed_data_domains.length : 0
    return [`personal_sign: ${r.allow_personal_sign === true ? 'yes' : 'no'}`, `typed data: ${domains === 0 ? 'none' : `${domains} domain${domains === 1 ? '' : 's'}`}`, `tier ${then(r, u).replace(/^then /, '')}`]
  },
  NEW_RECIPIENT_TIER: (r, u) => [`new recipient: ${then(r, u).replace(/^then /, '')}`],
  MAX_PENDING: (r, u) => (u.add('max'), [`≤ ${String(r.max)} pending, ${then(r, u)}`]),
  FEE_CAP: (r, u) => (u.add('max_fee'), [`fee ≤ ${String(r.max_fee)} native, ${then(r, u)}`]),
}

/** The rules of a `type` policy as one line of `·`-separated parts; fields it does not describe as `field=value`. */
export function rulesSummary(type: string, rules: Rules): string {
  const used = new Set<string>()
  const parts = (BY_TYPE[type]?.(rules, used) ?? []).filter((p) => p !== '')
  for (const [k, v] of Object.entries(rules)) if (!used.has(k)) parts.push(`${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
  return parts.join(' · ')
}

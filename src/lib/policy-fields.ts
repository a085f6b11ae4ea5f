/**
 * The policy types and the fields of their rules, as data: the one declaration that the daemon's validator builds
 * its schemas from (src/daemon/policy/rules.ts) and that `waiaas policy create TYPE` builds its flags from, so a new
 * type or field gets its flags, its help and its validation from one row. The seed article's type names are accepted
 * as aliases of ours. Pure data (no zod, no ethers): the CLI loads it.
 */
import { DEFAULT_DELAY_SECONDS } from './resolve-settings.js'

export const POLICY_TYPES = [
  'SPENDING_LIMIT',
  'ALLOWED_NETWORKS',
  'ALLOWED_TOKENS',
  'RECIPIENT_ALLOWLIST',
  'RECIPIENT_DENYLIST',
  'CONTRACT_ALLOWLIST',
  'METHOD_ALLOWLIST',
  'APPROVED_SPENDERS',
  'APPROVE_AMOUNT_LIMIT',
  'RATE_LIMIT',
  'TIME_WINDOW',
  'SIGNING_RULES',
  'NEW_RECIPIENT_TIER',
  'MAX_PENDING',
  'FEE_CAP',
] as const
export type PolicyType = (typeof POLICY_TYPES)[number]

/**
 * The seed article's (WAIaaS's) names for our types, accepted wherever a type is given (CLI, socket, REST, MCP) and
 * stored and shown under ours. Its WHITELIST is a list of recipients; the others are ours under another word.
 */
export const POLICY_TYPE_ALIASES: Readonly<Record<string, PolicyType>> = {
  WHITELIST: 'RECIPIENT_ALLOWLIST',
  CONTRACT_WHITELIST: 'CONTRACT_ALLOWLIST',
  METHOD_WHITELIST: 'METHOD_ALLOWLIST',
  TIME_RESTRICTION: 'TIME_WINDOW',
}

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

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Day = (typeof DAYS)[number]

/** The longest wait a rule may set (delays, windows, approval timeouts), in seconds. */
export const THIRTY_DAYS = 30 * 86_400

/** What a field holds. Every kind has one validator in rules.ts and one flag shape in `policy create`. */
export type RuleValue =
  /** A decimal amount of USD, at most 6 decimal places (a JSON number or a decimal string; stored as the string). */
  | { kind: 'usd' }
  /** A decimal amount in the network's native unit, or in a token's units (stored as the string). */
  | { kind: 'amount' }
  | { kind: 'address' }
  | { kind: 'list'; of: 'address' | 'network' | 'day'; min?: number }
  | { kind: 'enum'; values: readonly [string, ...string[]] }
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number }
  /** A length of time in whole seconds: a number, or the duration grammar ("5m", "1.5h"; src/lib/durations.ts). */
  | { kind: 'seconds'; min: number; max: number }
  /** "HH:MM", 24 h; `allow24` accepts "24:00" too. */
  | { kind: 'clock'; allow24: boolean }
  | { kind: 'timezone' }
  /** An object: contract address → list of selectors or function signatures. */
  | { kind: 'selectors' }
  /** A list of { token, max_amount }. */
  | { kind: 'limits' }
  /** A list of typed-data domains { name?, version?, chainId?, verifyingContract? }. */
  | { kind: 'domains' }

export type RuleField = RuleValue & {
  /** One line: what it does, its unit and its default. */
  doc: string
  required?: true
  /** Filled in when absent (the stored rules are explicit). */
  default?: string | boolean | readonly []
  /**
   * The `policy create` flag when it is not the kebab-case of the field: the USD and native-unit fields of
   * SPENDING_LIMIT share one (`--instant-max`), USD unless `--native` (or `--token`) is given.
   */
  flag?: string
  /** Which side of a shared flag this field is. */
  unit?: 'usd' | 'native'
}

const usd = <F extends string>(flag: F, doc: string) => ({ kind: 'usd', flag, unit: 'usd', doc: `${doc} (USD, ≤ 6 decimals)` }) as const
const native = <F extends string>(flag: F, doc: string) => ({ kind: 'amount', flag, unit: 'native', doc: `${doc} (native unit, or --token's units)` }) as const
const delaySeconds = { kind: 'seconds', min: 1, max: THIRTY_DAYS, doc: `How long a DELAY waits, e.g. 300 or 5m (default ${DEFAULT_DELAY_SECONDS} s when the tier is DELAY)` } as const
const tier = <const V extends readonly [string, ...string[]]>(values: V, doc: string) => ({ kind: 'enum', values, required: true, doc }) as const
const tierOr = <const V extends readonly [string, ...string[]]>(values: V, dflt: V[number], doc: string) =>
  ({ kind: 'enum', values, default: dflt, doc: `${doc} (default ${dflt})` }) as const
const addresses = (doc: string) => ({ kind: 'list', of: 'address', required: true, doc }) as const

/** Every type's rule fields, in the order help shows them. */
export const RULE_FIELDS = {
  SPENDING_LIMIT: {
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
  ALLOWED_NETWORKS: {
    networks: { kind: 'list', of: 'network', min: 1, required: true, doc: 'CAIP-2 ids or aliases (e.g. base, eip155:8453); any other network is denied' },
  },
  ALLOWED_TOKENS: { tokens: addresses('Token addresses (ERC-20 contracts, SPL mints) that may be transferred; empty means none') },
  RECIPIENT_ALLOWLIST: { recipients: addresses('Addresses a transfer may go to; any other is denied') },
  RECIPIENT_DENYLIST: { recipients: addresses('Addresses that transfers, approvals and calls may not go to') },
  CONTRACT_ALLOWLIST: { contracts: addresses('Contract addresses (Solana program ids too) that may be called; other calls are denied') },
  METHOD_ALLOWLIST: {
    methods: {
      kind: 'selectors',
      required: true,
      doc: 'JSON object: contract address → list of selectors ("0xa9059cbb") or signatures ("transfer(address,uint256)"); contracts not named are not restricted here',
    },
  },
  APPROVED_SPENDERS: { spenders: addresses('Addresses that may be given a token allowance; approvals for others are denied') },
  APPROVE_AMOUNT_LIMIT: {
    allow_unlimited: { kind: 'bool', default: false, doc: 'Whether unlimited allowances may be granted (default false)' },
    limits: { kind: 'limits', doc: 'JSON list of { "token", "max_amount" } capping the allowance per token (token units)' },
  },
  RATE_LIMIT: {
    max_requests: { kind: 'int', min: 1, max: 1_000_000_000, required: true, doc: 'How many requests per window' },
    per_seconds: { kind: 'seconds', min: 1, max: THIRTY_DAYS, required: true, doc: 'The window, e.g. 3600 or 1h' },
    tier: tierOr(['DELAY', 'APPROVAL', 'DENY'], 'DENY', 'Past the rate'),
    delay_seconds: delaySeconds,
  },
  TIME_WINDOW: {
    start: { kind: 'clock', allow24: false, required: true, doc: 'Opens at "HH:MM" (24 h)' },
    end: { kind: 'clock', allow24: true, required: true, doc: 'Closes at "HH:MM" (before start: spans midnight; "24:00" allowed)' },
    days: { kind: 'list', of: 'day', min: 1, doc: 'Days a window starts on: mon … sun (default every day)' },
    timezone: { kind: 'timezone', default: 'UTC', doc: 'IANA time zone, e.g. Europe/Berlin (default UTC)' },
    outside: tierOr(['DELAY', 'APPROVAL', 'DENY'], 'DENY', 'Outside the window (DELAY waits until it opens)'),
  },
  SIGNING_RULES: {
    allow_personal_sign: { kind: 'bool', default: false, doc: 'Allow EIP-191 / Solana message signing (default false)' },
    typed_data_domains: {
      kind: 'domains',
      default: [],
      doc: 'JSON list of { name?, version?, chainId?, verifyingContract? }: typed data is signed only if its domain matches every field of one entry',
    },
    tier: tierOr(['INSTANT', 'NOTIFY', 'DELAY', 'APPROVAL', 'DENY'], 'INSTANT', 'For allowed signing'),
    delay_seconds: delaySeconds,
  },
  NEW_RECIPIENT_TIER: {
    tier: tier(['NOTIFY', 'DELAY', 'APPROVAL', 'DENY'], 'For a transfer to an address this wallet never sent to'),
    delay_seconds: delaySeconds,
  },
  MAX_PENDING: {
    max: { kind: 'int', min: 0, max: 1_000_000, required: true, doc: 'Requests waiting or in flight' },
    tier: tierOr(['NOTIFY', 'APPROVAL', 'DENY'], 'DENY', 'At or past it'),
  },
  FEE_CAP: {
    max_fee: { kind: 'amount', required: true, doc: 'The most a transaction\'s fee may be (native unit)' },
    tier: tierOr(['NOTIFY', 'DELAY', 'APPROVAL', 'DENY'], 'DENY', 'Above it'),
    delay_seconds: delaySeconds,
  },
} as const satisfies Record<PolicyType, Record<string, RuleField>>

/** One paragraph per type: what it does (its fields are listed from RULE_FIELDS). */
export const POLICY_TYPE_DOCS: Record<PolicyType, string> = {
  SPENDING_LIMIT:
    'Per-transaction tiers and rolling limits, in USD (the *_usd fields) or in the native unit (or a token\'s). Thresholds must not ' +
    'decrease (instant ≤ notify ≤ delay); at least one threshold or limit.',
  ALLOWED_NETWORKS: 'Only these networks.',
  ALLOWED_TOKENS: 'Which tokens may be transferred (the native coin is governed by SPENDING_LIMIT).',
  RECIPIENT_ALLOWLIST: 'Transfers only to these addresses (the seed article\'s WHITELIST).',
  RECIPIENT_DENYLIST: 'Never to these addresses.',
  CONTRACT_ALLOWLIST: 'Which contracts may be called (the seed article\'s CONTRACT_WHITELIST).',
  METHOD_ALLOWLIST: 'Which functions of a contract may be called (the seed article\'s METHOD_WHITELIST).',
  APPROVED_SPENDERS: 'Who may be given a token allowance.',
  APPROVE_AMOUNT_LIMIT: 'How large an allowance may be.',
  RATE_LIMIT: 'How many requests per window.',
  TIME_WINDOW: 'When requests may be signed (the seed article\'s TIME_RESTRICTION).',
  SIGNING_RULES: 'Message and typed-data signing.',
  NEW_RECIPIENT_TIER: 'A tier for the first transfer to an address.',
  MAX_PENDING: 'How many requests may wait or be in flight at once.',
  FEE_CAP: 'A ceiling on the fee of a transaction.',
}

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

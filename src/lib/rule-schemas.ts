/**
 * The rules of each policy type, as zod schemas: what `policy add` and `policy update` accept for `rules`, field by
 * field, with a description and a JSON Schema shape for each. The daemon validates with them (src/daemon/policy/
 * rules.ts normalises what they return); the contract advertises them, one branch per type, so an agent, a REST
 * client or a person reading `policy_add`'s schema sees every field without guessing.
 *
 * Shared and light: the two checks that need a chain library (an EIP-55 checksum, a function signature's selector)
 * are passed in by the daemon, so the contract (loaded by `waiaas mcp`) never loads ethers. The schemas built with
 * `ADVERTISED_ONLY` checks are for describing, never for validating.
 *
 * Custom failures carry `params.issue`, which the daemon reports as `details.issue`.
 */
import { base58 } from '@scure/base'
import { z } from 'zod'
import { parseAmount } from './amounts.js'
import { WaiaasError } from './errors.js'
import { resolveNetwork } from './networks.js'

/** The checks a rule field needs from a chain library, given by whoever validates. */
export interface RuleChecks {
  /** True when a mixed-case EVM address carries a valid EIP-55 checksum. */
  validChecksum(address: string): boolean
  /** The 4-byte selector (`0x` + 8 hex) of a function signature such as "transfer(address,uint256)"; throws when it is not one. */
  selectorOf(signature: string): string
}

/** Checks for schemas that are only turned into JSON Schema: they refuse everything, so they never validate by mistake. */
export const ADVERTISED_ONLY: RuleChecks = {
  validChecksum: () => false,
  selectorOf: () => {
    throw new Error('rule schemas built with ADVERTISED_ONLY checks do not validate')
  },
}

const THIRTY_DAYS = 30 * 86_400
const MAX_LIST = 10_000
const MAX_TEXT = 256
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

type Ctx = z.core.$RefinementCtx
const issue = (ctx: Ctx, input: unknown, code: string, message: string): never => {
  ctx.issues.push({ code: 'custom', message, input, params: { issue: code } })
  return z.NEVER
}

/** A string shown in a message: at most 40 characters, quoted. */
export function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v)
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)
}

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/

/** Decimal-place count of a valid decimal string, trailing zeros not counted. */
export function places(text: string): number {
  const frac = DECIMAL.exec(text)?.[2] ?? ''
  let end = frac.length
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--
  return end
}

/**
 * A decimal amount: JSON number or decimal string → the decimal string. `maxPlaces` caps significant decimal
 * places (6 for USD); otherwise the value must fit in uint256 at its own precision.
 */
function decimal(maxPlaces?: number) {
  return z
    .unknown()
    .transform((v, ctx): string => {
      let text: string
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) return issue(ctx, v, 'not-a-number', 'must be a finite number or a decimal string such as "10.5"')
        text = String(v)
      } else if (typeof v === 'string') {
        if (v.length > 100) return issue(ctx, v, 'too-long', 'is longer than 100 characters')
        text = v
      } else {
        return issue(ctx, v, 'invalid_type', `must be a decimal string such as "10.5" or a number, not ${v === null ? 'null' : typeof v}`)
      }
      const p = DECIMAL.test(text) ? places(text) : 0
      if (maxPlaces !== undefined && p > maxPlaces) {
        return issue(ctx, v, 'too-many-decimals', `${shown(text)} has more than ${maxPlaces} decimal places`)
      }
      try {
        parseAmount(text, p, 'amount', { allowZero: true })
      } catch (err) {
        const reason = err instanceof WaiaasError ? String(err.details.reason) : 'not-a-number'
        const why: Record<string, string> = {
          empty: 'is empty',
          negative: `${shown(text)} must not be negative`,
          exponent: `${shown(text)} must be a plain decimal such as "1000", without exponent notation`,
          'too-large': `${shown(text)} is too large`,
        }
        return issue(ctx, v, reason, why[reason] ?? `${shown(text)} is not a plain decimal such as "10.5" (no sign, spaces, hex or leading zeros)`)
      }
      return text
    })
    .meta({ type: ['string', 'number'], pattern: DECIMAL.source, maxLength: 100, minimum: 0 })
}

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/
const SOLANA_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/
/** Canonical address key: EVM lower-case (checksum checked if mixed case), Solana base58 as is. */
export function ruleAddress(checks: RuleChecks, family: 'any' | 'evm' = 'any') {
  return z
    .unknown()
    .transform((v, ctx): string => {
      if (typeof v !== 'string') return issue(ctx, v, 'invalid_type', `must be an address string, not ${v === null ? 'null' : typeof v}`)
      if (EVM_ADDRESS.test(v)) {
        const hex = v.slice(2)
        // Only a mixed-case address carries an EIP-55 checksum to verify.
        if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return `0x${hex.toLowerCase()}`
        if (!checks.validChecksum(v)) {
          return issue(ctx, v, 'bad-checksum', `${shown(v)} has mixed case but an invalid EIP-55 checksum; check it or write it in lower case`)
        }
        return v.toLowerCase()
      }
      if (family === 'any' && SOLANA_ADDRESS.test(v)) {
        let length = 0
        try {
          length = base58.decode(v).length
        } catch {
          // not base58: reported below
        }
        if (length === 32) return v
      }
      const expected = family === 'evm' ? 'an EVM address (0x and 40 hex digits)' : 'an EVM address (0x and 40 hex digits) or a Solana address (base58 32-byte key)'
      return issue(ctx, v, 'bad-address', `${shown(v)} is not ${expected}`)
    })
    .meta(family === 'evm' ? { type: 'string', pattern: EVM_ADDRESS.source } : { type: 'string', pattern: `${EVM_ADDRESS.source}|${SOLANA_ADDRESS.source}` })
}

function network() {
  return z
    .unknown()
    .transform((v, ctx): string => {
      if (typeof v !== 'string') return issue(ctx, v, 'invalid_type', `must be a network id or alias, not ${v === null ? 'null' : typeof v}`)
      try {
        return resolveNetwork(v).id
      } catch (err) {
        const suggestion = err instanceof WaiaasError ? err.details.suggestion : undefined
        return issue(ctx, v, 'unknown-network', `${shown(v)} is not a known network${typeof suggestion === 'string' ? ` (did you mean "${suggestion}"?)` : ''}; see \`waiaas network list\``)
      }
    })
    .meta({ type: 'string', description: 'A CAIP-2 network id or an alias, e.g. "base" or "eip155:8453"' })
}

const SELECTOR = /^0x[0-9a-fA-F]{8}$/
const SIGNATURE = /^[A-Za-z_$][A-Za-z0-9_$]*\(.*\)$/

function selector(checks: RuleChecks) {
  return z
    .unknown()
    .transform((v, ctx): string => {
      if (typeof v !== 'string') return issue(ctx, v, 'invalid_type', `must be a selector or function signature, not ${v === null ? 'null' : typeof v}`)
      if (SELECTOR.test(v)) return v.toLowerCase()
      if (v.length <= MAX_TEXT && SIGNATURE.test(v)) {
        try {
          return checks.selectorOf(v)
        } catch {
          // reported below
        }
      }
      return issue(ctx, v, 'bad-selector', `${shown(v)} is neither a selector (0x and 8 hex digits) nor a function signature such as "transfer(address,uint256)"`)
    })
    .meta({ type: 'string', maxLength: MAX_TEXT, description: 'A 4-byte selector ("0xa9059cbb") or a function signature ("transfer(address,uint256)")' })
}

const seconds = (min: number, max: number) => z.number().int().min(min).max(max)
const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_LIST)
const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/

function clock(allow24: boolean) {
  return z
    .unknown()
    .transform((v, ctx): string => {
      if (typeof v === 'string' && (HHMM.test(v) || (allow24 && v === '24:00'))) return v
      return issue(ctx, v, 'bad-time', `${typeof v === 'string' ? shown(v) : 'it'} is not a 24-hour time "HH:MM" such as "09:00"${allow24 ? ' (or "24:00")' : ''}`)
    })
    .meta({ type: 'string', pattern: allow24 ? `${HHMM.source}|^24:00$` : HHMM.source })
}

/** Canonical names of the time zones seen (building a DateTimeFormat costs ~60 µs). */
const ZONES = new Map<string, string>()

function timezone() {
  return z
    .unknown()
    .transform((v, ctx): string => {
      if (typeof v === 'string' && v.length <= 64) {
        const hit = ZONES.get(v)
        if (hit !== undefined) return hit
        try {
          const zone = new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone
          if (ZONES.size < 1000) ZONES.set(v, zone)
          return zone
        } catch {
          // reported below
        }
      }
      return issue(ctx, v, 'bad-timezone', `${typeof v === 'string' ? shown(v) : 'it'} is not an IANA time zone such as "UTC" or "Europe/Berlin"`)
    })
    .meta({ type: 'string', maxLength: 64 })
}

const day = z
  .unknown()
  .transform((v, ctx): (typeof DAYS)[number] => {
    const d = typeof v === 'string' ? v.toLowerCase() : ''
    if ((DAYS as readonly string[]).includes(d)) return d as (typeof DAYS)[number]
    return issue(ctx, v, 'bad-day', `${typeof v === 'string' ? shown(v) : 'it'} is not one of ${DAYS.join(', ')}`)
  })
  .meta({ type: 'string', enum: [...DAYS], description: 'A day of the week' })

const chainId = z
  .unknown()
  .transform((v, ctx): string => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v)
    if (typeof v === 'string' && /^(0|[1-9][0-9]{0,77})$/.test(v)) return v
    return issue(ctx, v, 'bad-chain-id', 'must be a non-negative integer or a decimal string of one')
  })
  .meta({ type: ['integer', 'string'], pattern: '^(0|[1-9][0-9]{0,77})$', minimum: 0 })

type TierName = 'INSTANT' | 'NOTIFY' | 'DELAY' | 'APPROVAL' | 'DENY'
const tierEnum = <T extends readonly [TierName, ...TierName[]]>(tiers: T) => z.enum(tiers)

const usd = (what: string) => decimal(6).optional().describe(`${what}. In USD: a decimal with at most 6 places`)
const asset = (what: string) => decimal().optional().describe(`${what}. In the network's native unit, or in units of \`token\` when it is given: a decimal`)
const delaySeconds = seconds(1, THIRTY_DAYS).optional()

const INSTANT = 'Up to this amount per transaction: INSTANT (signed at once)'
const NOTIFY = 'Up to this amount per transaction: NOTIFY (signed at once, the owner is told)'
const DELAY = 'Up to this amount per transaction: DELAY (queued for delay_seconds, cancellable); above the highest threshold given: APPROVAL'
const rolling = (window: string): string => `Total over a rolling ${window}; a request past it gets on_exceed`

/** One line per type: what its policy does. */
export const RULE_SUMMARIES = {
  SPENDING_LIMIT: 'Per-transaction tiers and rolling limits, in USD (the *_usd fields) or in native or token units. At least one threshold or limit; thresholds go instant ≤ notify ≤ delay.',
  ALLOWED_NETWORKS: 'Only these networks; any other is denied.',
  ALLOWED_TOKENS: 'The tokens that may be transferred (lifts the default deny on tokens).',
  RECIPIENT_ALLOWLIST: 'Native and token transfers only to these addresses.',
  RECIPIENT_DENYLIST: 'No transfer to, approval for or call to these addresses.',
  CONTRACT_ALLOWLIST: 'The contracts (Solana programs too) that may be called; other calls are denied.',
  METHOD_ALLOWLIST: 'For each contract named, the only functions that may be called on it.',
  APPROVED_SPENDERS: 'The addresses that may be given a token allowance.',
  APPROVE_AMOUNT_LIMIT: 'Whether unlimited allowances may be granted, and caps per token.',
  RATE_LIMIT: 'At most max_requests per per_seconds; past it, tier.',
  TIME_WINDOW: 'Requests only between start and end (on the days given, in timezone); outside, the tier `outside`.',
  SIGNING_RULES: 'Which messages and EIP-712 domains may be signed, and the tier they get.',
  NEW_RECIPIENT_TIER: 'The tier for a transfer to an address this wallet never sent to.',
  MAX_PENDING: 'At most max requests waiting or in flight; at or past it, tier.',
  FEE_CAP: 'The most a transaction may cost in fees; above it, tier.',
} as const

export type RuleType = keyof typeof RULE_SUMMARIES

/** The rules schema of every policy type, validating with `checks`. */
export function ruleSchemas(checks: RuleChecks) {
  const address = (what: string) => ruleAddress(checks).describe(what)
  const addresses = (what: string) => list(ruleAddress(checks)).describe(what)
  return {
    SPENDING_LIMIT: z.strictObject({
      instant_max_usd: usd(INSTANT),
      notify_max_usd: usd(NOTIFY),
      delay_max_usd: usd(DELAY),
      daily_limit_usd: usd(rolling('24 h')),
      weekly_limit_usd: usd(rolling('7 days')),
      monthly_limit_usd: usd(rolling('30 days')),
      instant_max: asset(INSTANT),
      notify_max: asset(NOTIFY),
      delay_max: asset(DELAY),
      daily_limit: asset(rolling('24 h')),
      weekly_limit: asset(rolling('7 days')),
      monthly_limit: asset(rolling('30 days')),
      token: ruleAddress(checks).optional().describe('The token (ERC-20 contract or SPL mint) whose units the fields without _usd count; without it, the native coin'),
      delay_seconds: delaySeconds.describe('How long a DELAY request waits, in seconds (1 to 2592000; default 900 when delay_max or delay_max_usd is given)'),
      on_exceed: tierEnum(['APPROVAL', 'DENY'] as const).default('APPROVAL').describe('What a request past a rolling limit gets'),
      price_unavailable: tierEnum(['APPROVAL', 'DENY'] as const).default('APPROVAL').describe('What a request gets when USD fields apply but the asset has no fresh price'),
      approval_timeout_seconds: seconds(60, THIRTY_DAYS).optional().describe('How long an APPROVAL request waits for a decision before it expires, in seconds'),
    }),
    ALLOWED_NETWORKS: z.strictObject({ networks: list(network()).min(1).describe('The networks allowed (CAIP-2 ids or aliases); at least one') }),
    ALLOWED_TOKENS: z.strictObject({ tokens: addresses('Token addresses (ERC-20 contracts, SPL mints) that may be transferred; empty: none') }),
    RECIPIENT_ALLOWLIST: z.strictObject({ recipients: addresses('The only addresses transfers may go to') }),
    RECIPIENT_DENYLIST: z.strictObject({ recipients: addresses('Addresses no transfer, approval or call may go to') }),
    CONTRACT_ALLOWLIST: z.strictObject({ contracts: addresses('Contract addresses (Solana program ids too) that may be called') }),
    METHOD_ALLOWLIST: z.strictObject({
      methods: z
        .record(z.string().max(100), list(selector(checks)).describe('The selectors or signatures allowed on this contract'))
        .describe('Maps a contract address to the functions that may be called on it; contracts not named are not restricted here'),
    }),
    APPROVED_SPENDERS: z.strictObject({ spenders: addresses('Addresses that may be given a token allowance') }),
    APPROVE_AMOUNT_LIMIT: z.strictObject({
      allow_unlimited: z.boolean().default(false).describe('Whether an unlimited allowance may be granted'),
      limits: list(
        z.strictObject({
          token: address('The token (ERC-20 contract or SPL mint) this cap applies to'),
          max_amount: decimal().describe('The largest allowance for it, in token units (a decimal)'),
        }),
      )
        .optional()
        .describe('Allowance caps, one per token'),
    }),
    RATE_LIMIT: z.strictObject({
      max_requests: z.number().int().min(1).max(1_000_000_000).describe('How many requests per_seconds allows'),
      per_seconds: seconds(1, THIRTY_DAYS).describe('The rolling window, in seconds (1 to 2592000)'),
      tier: tierEnum(['DELAY', 'APPROVAL', 'DENY'] as const).default('DENY').describe('What a request past the limit gets'),
      delay_seconds: delaySeconds.describe('With tier DELAY: how long it waits, in seconds (default 900)'),
    }),
    TIME_WINDOW: z.strictObject({
      start: clock(false).describe('When the window opens, "HH:MM" (24 h)'),
      end: clock(true).describe('When it closes, "HH:MM" or "24:00"; before start: the window spans midnight'),
      days: z.array(day).min(1).max(7).optional().describe('The days a window starts on (default every day)'),
      timezone: timezone().default('UTC').describe('The IANA time zone of start and end, e.g. "Europe/Berlin"'),
      outside: tierEnum(['DELAY', 'APPROVAL', 'DENY'] as const).default('DENY').describe('What a request outside the window gets (DELAY: it waits until the window opens)'),
    }),
    SIGNING_RULES: z.strictObject({
      allow_personal_sign: z.boolean().default(false).describe('Whether messages may be signed (EIP-191 personal_sign, Solana message signing)'),
      typed_data_domains: list(
        z
          .strictObject({
            name: z.string().max(MAX_TEXT).optional().describe("The domain's name"),
            version: z.string().max(MAX_TEXT).optional().describe("The domain's version"),
            chainId: chainId.optional().describe("The domain's chain id"),
            verifyingContract: ruleAddress(checks, 'evm').optional().describe("The domain's verifying contract (0x address)"),
          })
          .describe('An EIP-712 domain to match: every field it gives must match; give at least one'),
      )
        .default([])
        .describe('The EIP-712 domains typed data may be signed for'),
      tier: tierEnum(['INSTANT', 'NOTIFY', 'DELAY', 'APPROVAL', 'DENY'] as const).default('INSTANT').describe('The tier of an allowed signing request'),
      delay_seconds: delaySeconds.describe('With tier DELAY: how long it waits, in seconds (default 900)'),
    }),
    NEW_RECIPIENT_TIER: z.strictObject({
      tier: tierEnum(['NOTIFY', 'DELAY', 'APPROVAL', 'DENY'] as const).describe('The tier of a transfer to an address this wallet never sent to'),
      delay_seconds: delaySeconds.describe('With tier DELAY: how long it waits, in seconds (default 900)'),
    }),
    MAX_PENDING: z.strictObject({
      max: z.number().int().min(0).max(1_000_000).describe('How many requests may be waiting or in flight at once'),
      tier: tierEnum(['NOTIFY', 'APPROVAL', 'DENY'] as const).default('DENY').describe('What a request at or past max gets'),
    }),
    FEE_CAP: z.strictObject({
      max_fee: decimal().describe("The most a transaction's fee may cost, in the network's native unit (a decimal)"),
      tier: tierEnum(['NOTIFY', 'DELAY', 'APPROVAL', 'DENY'] as const).default('DENY').describe('What a transaction above it gets'),
      delay_seconds: delaySeconds.describe('With tier DELAY: how long it waits, in seconds (default 900)'),
    }),
  } as const satisfies Record<RuleType, z.ZodType>
}

export type RuleSchemas = ReturnType<typeof ruleSchemas>

/** The policy types, in the order they are documented. */
export const RULE_TYPES = Object.keys(RULE_SUMMARIES) as RuleType[]

/**
 * The JSON Schema of each type's rules (what a caller sends), titled with the type and described by its summary:
 * the branches of `policy.add`'s `rules`.
 */
export function rulesJsonSchemas(): Record<string, unknown>[] {
  const schemas = ruleSchemas(ADVERTISED_ONLY)
  return RULE_TYPES.map((type) => {
    const s = z.toJSONSchema(schemas[type], { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>
    delete s.$schema
    return { title: type, description: `${type} rules: ${RULE_SUMMARIES[type]}`, ...s }
  })
}

import { describe, expect, it } from 'vitest'
import { isPolicyType, RULE_DOCS, validateRules } from '../../src/daemon/policy/rules.js'
import { POLICY_TYPES, type PolicyType } from '../../src/daemon/policy/types.js'
import { catchErr } from '../helpers/errors.js'

const A1 = '0x' + '11'.repeat(20)
const A2 = '0x' + '22'.repeat(20)
/** The EIP-55 form of a well-known address (Permit2), and the same with one letter's case flipped. */
const PERMIT2 = '0x000000000022D473030F116dDEE9F6B43aC78BA3'
const PERMIT2_BAD = '0x000000000022d473030F116dDEE9F6B43aC78BA3'
const WSOL = 'So11111111111111111111111111111111111111112'

/** Asserts POLICY_INVALID naming `field` (and `issue` when given). */
function refused(type: PolicyType, raw: unknown, field: string, issue?: string): string {
  const err = catchErr(() => validateRules(type, raw))
  expect(err.code).toBe('POLICY_INVALID')
  expect(err.details.type).toBe(type)
  expect(err.details.field).toBe(field)
  if (issue !== undefined) expect(err.details.issue).toBe(issue)
  return err.message
}

describe('isPolicyType and RULE_DOCS', () => {
  it('knows every type and documents each', () => {
    for (const t of POLICY_TYPES) {
      expect(isPolicyType(t)).toBe(true)
      expect(RULE_DOCS[t].length).toBeGreaterThan(20)
    }
    expect(isPolicyType('SPENDING_LIMITS')).toBe(false)
    expect(isPolicyType('')).toBe(false)
  })

  it('documents every field of SPENDING_LIMIT', () => {
    for (const f of ['instant_max_usd', 'notify_max_usd', 'delay_max_usd', 'daily_limit_usd', 'weekly_limit_usd', 'monthly_limit_usd', 'delay_seconds', 'on_exceed', 'price_unavailable', 'approval_timeout_seconds', 'token']) {
      expect(RULE_DOCS.SPENDING_LIMIT).toContain(f)
    }
  })

  it('refuses an unknown type', () => {
    const err = catchErr(() => validateRules('NOPE' as PolicyType, {}))
    expect(err.code).toBe('POLICY_INVALID')
    expect(err.details).toMatchObject({ field: 'type', issue: 'unknown-type' })
  })
})

describe('every type is accepted with defaults filled', () => {
  const cases: [PolicyType, unknown, Record<string, unknown>][] = [
    [
      'SPENDING_LIMIT',
      { instant_max_usd: 10, notify_max_usd: 100, delay_max_usd: 1000, delay_seconds: 300, daily_limit_usd: 500 },
      { instant_max_usd: '10', notify_max_usd: '100', delay_max_usd: '1000', daily_limit_usd: '500', delay_seconds: 300, on_exceed: 'APPROVAL', price_unavailable: 'APPROVAL' },
    ],
    ['SPENDING_LIMIT', { instant_max: '0.1', delay_max: 2 }, { instant_max: '0.1', delay_max: '2', delay_seconds: 900, on_exceed: 'APPROVAL', price_unavailable: 'APPROVAL' }],
    [
      'SPENDING_LIMIT',
      { instant_max: '5', daily_limit: '50', token: A1.toUpperCase().replace('0X', '0x'), on_exceed: 'DENY', price_unavailable: 'DENY', approval_timeout_seconds: 3600 },
      { instant_max: '5', daily_limit: '50', token: A1, on_exceed: 'DENY', price_unavailable: 'DENY', approval_timeout_seconds: 3600 },
    ],
    ['ALLOWED_NETWORKS', { networks: ['base', 'eip155:1', 'Base', 'solana-devnet'] }, { networks: ['eip155:8453', 'eip155:1', 'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1'] }],
    ['ALLOWED_TOKENS', { tokens: [] }, { tokens: [] }],
    ['ALLOWED_TOKENS', { tokens: [PERMIT2, WSOL, PERMIT2.toLowerCase()] }, { tokens: [PERMIT2.toLowerCase(), WSOL] }],
    ['RECIPIENT_ALLOWLIST', { recipients: [A1, A2] }, { recipients: [A1, A2] }],
    ['RECIPIENT_DENYLIST', { recipients: [A2] }, { recipients: [A2] }],
    ['CONTRACT_ALLOWLIST', { contracts: [PERMIT2, WSOL] }, { contracts: [PERMIT2.toLowerCase(), WSOL] }],
    [
      'METHOD_ALLOWLIST',
      { methods: { [PERMIT2]: ['transfer(address,uint256)', '0xA9059CBB', 'approve(address,uint)'], [WSOL]: [] } },
      { methods: { [PERMIT2.toLowerCase()]: ['0xa9059cbb', '0x095ea7b3'], [WSOL]: [] } },
    ],
    ['APPROVED_SPENDERS', { spenders: [PERMIT2] }, { spenders: [PERMIT2.toLowerCase()] }],
    ['APPROVE_AMOUNT_LIMIT', {}, { allow_unlimited: false }],
    ['APPROVE_AMOUNT_LIMIT', { allow_unlimited: true, limits: [{ token: A1, max_amount: 100.5 }] }, { allow_unlimited: true, limits: [{ token: A1, max_amount: '100.5' }] }],
    ['RATE_LIMIT', { max_requests: 10, per_seconds: 3600 }, { max_requests: 10, per_seconds: 3600, tier: 'DENY' }],
    ['RATE_LIMIT', { max_requests: 10, per_seconds: 3600, tier: 'DELAY' }, { max_requests: 10, per_seconds: 3600, tier: 'DELAY', delay_seconds: 900 }],
    ['TIME_WINDOW', { start: '09:00', end: '17:00' }, { start: '09:00', end: '17:00', timezone: 'UTC', outside: 'DENY' }],
    [
      'TIME_WINDOW',
      { start: '22:00', end: '06:00', days: ['FRI', 'mon', 'fri'], timezone: 'europe/berlin', outside: 'APPROVAL' },
      { start: '22:00', end: '06:00', days: ['mon', 'fri'], timezone: 'Europe/Berlin', outside: 'APPROVAL' },
    ],
    ['TIME_WINDOW', { start: '00:00', end: '24:00' }, { start: '00:00', end: '24:00', timezone: 'UTC', outside: 'DENY' }],
    ['SIGNING_RULES', {}, { allow_personal_sign: false, typed_data_domains: [], tier: 'INSTANT' }],
    [
      'SIGNING_RULES',
      { allow_personal_sign: true, typed_data_domains: [{ name: 'Permit2', chainId: 8453, verifyingContract: PERMIT2 }, { chainId: '115792089237316195423570985008687907853269984665640564039457584007913129639935' }], tier: 'DELAY', delay_seconds: 60 },
      {
        allow_personal_sign: true,
        typed_data_domains: [{ name: 'Permit2', chainId: '8453', verifyingContract: PERMIT2.toLowerCase() }, { chainId: '115792089237316195423570985008687907853269984665640564039457584007913129639935' }],
        tier: 'DELAY',
        delay_seconds: 60,
      },
    ],
    ['NEW_RECIPIENT_TIER', { tier: 'NOTIFY' }, { tier: 'NOTIFY' }],
    ['NEW_RECIPIENT_TIER', { tier: 'DELAY' }, { tier: 'DELAY', delay_seconds: 900 }],
    ['MAX_PENDING', { max: 0 }, { max: 0, tier: 'DENY' }],
    ['FEE_CAP', { max_fee: 0.01 }, { max_fee: '0.01', tier: 'DENY' }],
    ['FEE_CAP', { max_fee: '0.01', tier: 'DELAY', delay_seconds: 30 }, { max_fee: '0.01', tier: 'DELAY', delay_seconds: 30 }],
  ]

  it.each(cases)('%s %j', (type, raw, expected) => {
    const out = validateRules(type, raw)
    expect(out).toEqual(expected)
    // JSON-safe and a fixed point: the stored form validates to itself.
    expect(JSON.parse(JSON.stringify(out))).toEqual(out)
    expect(validateRules(type, out)).toEqual(out)
  })

  it('covers every policy type', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(POLICY_TYPES))
  })
})

describe('decimal normalisation', () => {
  const norm = (v: unknown): unknown => validateRules('SPENDING_LIMIT', { instant_max: v }).instant_max

  it('stores numbers as their exact decimal string and strings as given', () => {
    expect(norm(10)).toBe('10')
    expect(norm(0.5)).toBe('0.5')
    expect(norm(0)).toBe('0')
    expect(norm(123456.789)).toBe('123456.789')
    expect(norm('1.50')).toBe('1.50')
    expect(norm('0.000000000000000001')).toBe('0.000000000000000001')
    expect(norm('115792089237316195423570985008687907853269984665640564039457584007913129639935')).toBe(
      '115792089237316195423570985008687907853269984665640564039457584007913129639935',
    )
  })

  it('keeps USD to micro-dollars (trailing zeros do not count)', () => {
    expect(validateRules('SPENDING_LIMIT', { instant_max_usd: '0.123456' }).instant_max_usd).toBe('0.123456')
    expect(validateRules('SPENDING_LIMIT', { instant_max_usd: '0.1234560' }).instant_max_usd).toBe('0.1234560')
    refused('SPENDING_LIMIT', { instant_max_usd: '0.1234567' }, 'rules.instant_max_usd', 'too-many-decimals')
    refused('SPENDING_LIMIT', { instant_max_usd: 0.1 + 0.2 }, 'rules.instant_max_usd', 'too-many-decimals')
  })

  it.each([
    [-1, 'negative'],
    ['-0', 'negative'],
    ['1e5', 'exponent'],
    [1e21, 'exponent'],
    [1e-7, 'exponent'],
    ['NaN', 'not-a-number'],
    [Number.NaN, 'not-a-number'],
    [Number.POSITIVE_INFINITY, 'not-a-number'],
    ['0x10', 'not-a-number'],
    [' 1', 'not-a-number'],
    ['01', 'not-a-number'],
    ['.5', 'not-a-number'],
    ['', 'empty'],
    [true, 'invalid_type'],
    [null, 'invalid_type'],
    ['1'.repeat(101), 'too-long'],
    ['1'.repeat(79), 'too-large'],
  ])('refuses %j (%s)', (v, issue) => {
    const message = refused('SPENDING_LIMIT', { delay_max: v }, 'rules.delay_max', issue)
    expect(message.length).toBeLessThan(300)
  })
})

describe('bad input is refused naming the field', () => {
  it('refuses unknown keys, top-level and nested', () => {
    const m = refused('SPENDING_LIMIT', { instant_max_usd: 1, instant_usd: 2 }, 'rules.instant_usd', 'unknown-field')
    expect(m).toContain('instant_max_usd')
    refused('TIME_WINDOW', { start: '09:00', end: '10:00', tz: 'UTC' }, 'rules.tz', 'unknown-field')
    refused('APPROVE_AMOUNT_LIMIT', { limits: [{ token: A1, max_amount: 1, max: 2 }] }, 'rules.limits.0.max', 'unknown-field')
    refused('SIGNING_RULES', { typed_data_domains: [{ name: 'x' }, { salt: '0x00' }] }, 'rules.typed_data_domains.1.salt', 'unknown-field')
  })

  it('refuses rules that are not an object', () => {
    for (const raw of [null, 'x', 5, [1], undefined]) refused('ALLOWED_TOKENS', raw, 'rules', 'invalid_type')
  })

  it('refuses missing required fields', () => {
    refused('ALLOWED_TOKENS', {}, 'rules.tokens', 'missing')
    refused('RATE_LIMIT', { max_requests: 1 }, 'rules.per_seconds', 'missing')
    refused('NEW_RECIPIENT_TIER', {}, 'rules.tier', 'missing')
    refused('FEE_CAP', {}, 'rules.max_fee', 'missing')
    refused('TIME_WINDOW', { start: '09:00' }, 'rules.end', 'missing')
  })

  it('SPENDING_LIMIT: needs a threshold, monotone tiers, a used token and a delay tier for delay_seconds', () => {
    refused('SPENDING_LIMIT', {}, 'rules', 'no-threshold')
    refused('SPENDING_LIMIT', { on_exceed: 'DENY' }, 'rules', 'no-threshold')
    refused('SPENDING_LIMIT', { instant_max_usd: 10, notify_max_usd: 5 }, 'rules.notify_max_usd', 'not-monotone')
    refused('SPENDING_LIMIT', { instant_max_usd: 10, delay_max_usd: '9.999999' }, 'rules.delay_max_usd', 'not-monotone')
    refused('SPENDING_LIMIT', { notify_max: '1.5', delay_max: '1.49' }, 'rules.delay_max', 'not-monotone')
    expect(validateRules('SPENDING_LIMIT', { instant_max: '1.50', notify_max: 1.5, delay_max: '1.5000000000001' }).notify_max).toBe('1.5')
    refused('SPENDING_LIMIT', { instant_max_usd: 1, token: A1 }, 'rules.token', 'unused')
    refused('SPENDING_LIMIT', { instant_max_usd: 1, delay_seconds: 60 }, 'rules.delay_seconds', 'not-applicable')
    refused('SPENDING_LIMIT', { delay_max_usd: 1, delay_seconds: 0 }, 'rules.delay_seconds')
    refused('SPENDING_LIMIT', { delay_max_usd: 1, delay_seconds: 30 * 86_400 + 1 }, 'rules.delay_seconds')
    refused('SPENDING_LIMIT', { delay_max_usd: 1, delay_seconds: 1.5 }, 'rules.delay_seconds')
    refused('SPENDING_LIMIT', { instant_max_usd: 1, on_exceed: 'NOTIFY' }, 'rules.on_exceed', 'invalid_value')
    refused('SPENDING_LIMIT', { instant_max_usd: 1, price_unavailable: 'INSTANT' }, 'rules.price_unavailable', 'invalid_value')
    refused('SPENDING_LIMIT', { instant_max_usd: 1, approval_timeout_seconds: 59 }, 'rules.approval_timeout_seconds')
  })

  it('refuses bad addresses and bad checksums at their index', () => {
    refused('RECIPIENT_ALLOWLIST', { recipients: [A1, A2, 'not-an-address'] }, 'rules.recipients.2', 'bad-address')
    refused('RECIPIENT_DENYLIST', { recipients: [PERMIT2_BAD] }, 'rules.recipients.0', 'bad-checksum')
    refused('ALLOWED_TOKENS', { tokens: ['0x' + '1'.repeat(39)] }, 'rules.tokens.0', 'bad-address')
    refused('ALLOWED_TOKENS', { tokens: ['0X' + '1'.repeat(40)] }, 'rules.tokens.0', 'bad-address')
    refused('APPROVED_SPENDERS', { spenders: [WSOL.slice(0, -3)] }, 'rules.spenders.0', 'bad-address')
    refused('CONTRACT_ALLOWLIST', { contracts: [7] }, 'rules.contracts.0', 'invalid_type')
    refused('SPENDING_LIMIT', { instant_max: 1, token: PERMIT2_BAD }, 'rules.token', 'bad-checksum')
    refused('APPROVE_AMOUNT_LIMIT', { limits: [{ token: A1, max_amount: 1 }, { token: A1.toUpperCase().replace('0X', '0x'), max_amount: 2 }] }, 'rules.limits.1.token', 'duplicate')
    refused('SIGNING_RULES', { typed_data_domains: [{ verifyingContract: WSOL }] }, 'rules.typed_data_domains.0.verifyingContract', 'bad-address')
    refused('METHOD_ALLOWLIST', { methods: { nope: ['0x12345678'] } }, 'rules.methods.nope', 'bad-address')
  })

  it('never echoes a huge input', () => {
    const huge = 'x'.repeat(100_000)
    const err = catchErr(() => validateRules('RECIPIENT_ALLOWLIST', { recipients: [huge] }))
    expect(err.message.length).toBeLessThan(300)
    expect(JSON.stringify(err.details).length).toBeLessThan(300)
    const err2 = catchErr(() => validateRules('ALLOWED_TOKENS', { tokens: [], [huge]: 1 }))
    expect(err2.message.length).toBeLessThan(600)
  })

  it('refuses bad selectors', () => {
    refused('METHOD_ALLOWLIST', { methods: { [A1]: ['0xa9059cb'] } }, `rules.methods.${A1}.0`, 'bad-selector')
    refused('METHOD_ALLOWLIST', { methods: { [A1]: ['0xa9059cbb', 'transfer'] } }, `rules.methods.${A1}.1`, 'bad-selector')
    refused('METHOD_ALLOWLIST', { methods: { [A1]: ['transfer(address,uint256'] } }, `rules.methods.${A1}.0`, 'bad-selector')
    refused('METHOD_ALLOWLIST', { methods: { [A1]: ['transfer(adress,uint256)'] } }, `rules.methods.${A1}.0`, 'bad-selector')
    refused('METHOD_ALLOWLIST', { methods: [] }, 'rules.methods')
  })

  it('merges method keys that normalise to the same contract', () => {
    const out = validateRules('METHOD_ALLOWLIST', { methods: { [PERMIT2]: ['0xa9059cbb'], [PERMIT2.toLowerCase()]: ['0x095ea7b3', '0xa9059cbb'] } })
    expect(out).toEqual({ methods: { [PERMIT2.toLowerCase()]: ['0xa9059cbb', '0x095ea7b3'] } })
  })

  it('refuses unknown networks with a suggestion, and empty network lists', () => {
    const m = refused('ALLOWED_NETWORKS', { networks: ['base', 'basee'] }, 'rules.networks.1', 'unknown-network')
    expect(m).toContain('"base"')
    refused('ALLOWED_NETWORKS', { networks: [] }, 'rules.networks', 'too_small')
  })

  it('refuses bad times, days, time zones and empty windows', () => {
    for (const t of ['9:00', '24:00', '12:60', '12:00:00', 'noon', 900]) refused('TIME_WINDOW', { start: t, end: '10:00' }, 'rules.start', 'bad-time')
    refused('TIME_WINDOW', { start: '09:00', end: '24:01' }, 'rules.end', 'bad-time')
    refused('TIME_WINDOW', { start: '09:00', end: '09:00' }, 'rules.end', 'empty-window')
    refused('TIME_WINDOW', { start: '09:00', end: '10:00', days: ['mon', 'monday'] }, 'rules.days.1', 'bad-day')
    refused('TIME_WINDOW', { start: '09:00', end: '10:00', days: [] }, 'rules.days', 'too_small')
    refused('TIME_WINDOW', { start: '09:00', end: '10:00', timezone: 'Mars/Olympus_Mons' }, 'rules.timezone', 'bad-timezone')
    refused('TIME_WINDOW', { start: '09:00', end: '10:00', outside: 'NOTIFY' }, 'rules.outside', 'invalid_value')
  })

  it('refuses bad tiers, counts and signing domains', () => {
    refused('RATE_LIMIT', { max_requests: 0, per_seconds: 60 }, 'rules.max_requests', 'too_small')
    refused('RATE_LIMIT', { max_requests: 1, per_seconds: 60, tier: 'NOTIFY' }, 'rules.tier', 'invalid_value')
    refused('RATE_LIMIT', { max_requests: 1, per_seconds: 60, delay_seconds: 5 }, 'rules.delay_seconds', 'not-applicable')
    refused('MAX_PENDING', { max: -1 }, 'rules.max', 'too_small')
    refused('MAX_PENDING', { max: 1, tier: 'DELAY' }, 'rules.tier', 'invalid_value')
    refused('NEW_RECIPIENT_TIER', { tier: 'INSTANT' }, 'rules.tier', 'invalid_value')
    refused('FEE_CAP', { max_fee: '-0.1' }, 'rules.max_fee', 'negative')
    refused('SIGNING_RULES', { allow_personal_sign: 'yes' }, 'rules.allow_personal_sign', 'invalid_type')
    refused('SIGNING_RULES', { typed_data_domains: [{ name: 'a' }, {}] }, 'rules.typed_data_domains.1', 'empty-domain')
    refused('SIGNING_RULES', { typed_data_domains: [{ chainId: -1 }] }, 'rules.typed_data_domains.0.chainId', 'bad-chain-id')
    refused('SIGNING_RULES', { typed_data_domains: [{ chainId: '0x1' }] }, 'rules.typed_data_domains.0.chainId', 'bad-chain-id')
    refused('SIGNING_RULES', { tier: 'INSTANT', delay_seconds: 5 }, 'rules.delay_seconds', 'not-applicable')
    refused('APPROVE_AMOUNT_LIMIT', { limits: [{ token: A1, max_amount: '1e3' }] }, 'rules.limits.0.max_amount', 'exponent')
    refused('APPROVE_AMOUNT_LIMIT', { limits: [{ token: A1 }] }, 'rules.limits.0.max_amount', 'missing')
  })
})

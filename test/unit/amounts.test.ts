import { describe, expect, it } from 'vitest'
import { formatAmount, MAX_UINT256, parseAmount, parseRuleAmount } from '../../src/lib/amounts.js'
import { catchErr } from '../helpers/errors.js'

/** The rejection of parseAmount(text, decimals), asserted to be INPUT_INVALID_AMOUNT with the standard details. */
function rejection(text: string, decimals: number, field = 'amount', opts: { allowZero?: boolean } = {}): { reason: unknown; message: string } {
  const err = catchErr(() => parseAmount(text, decimals, field, opts))
  expect(err.code).toBe('INPUT_INVALID_AMOUNT')
  expect(err.details).toEqual({ field, reason: err.details.reason, decimals })
  return { reason: err.details.reason, message: err.message }
}

/** mulberry32: a tiny seeded PRNG, so the property loop is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function randomBigint(rand: () => number, maxBits: number): bigint {
  const bits = Math.floor(rand() * (maxBits + 1))
  let v = 0n
  for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(Math.floor(rand() * 65536))
  return v & ((1n << BigInt(bits)) - 1n)
}

describe('parseAmount', () => {
  it('parses plain decimal strings in whole units into minor units', () => {
    expect(parseAmount('1', 18)).toBe(10n ** 18n)
    expect(parseAmount('0.01', 18)).toBe(10n ** 16n)
    expect(parseAmount('1.50', 6)).toBe(1_500_000n)
    expect(parseAmount('0.5', 1)).toBe(5n)
    expect(parseAmount('250', 0)).toBe(250n)
    expect(parseAmount('0.000000000000000001', 18)).toBe(1n)
    expect(parseAmount('123456789.123456789', 9)).toBe(123456789123456789n)
  })

  it('does not count trailing zeros of the fraction against the decimals', () => {
    expect(parseAmount('1.5000000', 6)).toBe(1_500_000n)
    expect(parseAmount('7.000', 0)).toBe(7n)
  })

  it('accepts exactly 2^256-1 minor units', () => {
    expect(parseAmount(MAX_UINT256.toString(), 0)).toBe(MAX_UINT256)
    expect(parseAmount(formatAmount(MAX_UINT256, 18), 18)).toBe(MAX_UINT256)
    expect(MAX_UINT256).toBe(2n ** 256n - 1n)
  })

  it('rejects empty input', () => {
    expect(rejection('', 18).reason).toBe('empty')
    expect(rejection('   ', 18).reason).toBe('empty')
  })

  it('rejects negative amounts', () => {
    expect(rejection('-1', 18).reason).toBe('negative')
    expect(rejection('-0.5', 6).reason).toBe('negative')
    expect(rejection('-0', 6).reason).toBe('negative')
    expect(rejection('-1e18', 18).reason).toBe('negative')
  })

  it('rejects exponent notation', () => {
    for (const t of ['1e18', '1E18', '1.5e-3', '2e+5', '.5e2', '5.e1']) expect(rejection(t, 18).reason, t).toBe('exponent')
    expect(rejection('1e18', 18).message).toContain('without exponent notation')
  })

  it('rejects everything else that is not a plain decimal as not-a-number', () => {
    const bad = ['0x10', '0X10', 'abc', '1 000', ' 1', '1 ', '1\n', '1.2.3', '+1', '.5', '5.', '.', '01', '00.5', '00', 'NaN', 'Infinity', '1,000', '1_000', '١', '１', '0b1', '1..2', '1.-2']
    for (const t of bad) expect(rejection(t, 18).reason, JSON.stringify(t)).toBe('not-a-number')
    expect(rejection('.5', 18).message).toContain('write ".5" as "0.5"')
  })

  it('rejects more decimal places than the token has, saying how many would pass', () => {
    const r = rejection('0.1234567', 6)
    expect(r.reason).toBe('too-many-decimals')
    expect(r.message).toContain('at most 6 decimal places')
    expect(rejection('0.0000000000000000001', 18).reason).toBe('too-many-decimals')
    expect(rejection('1.5', 0).reason).toBe('too-many-decimals')
    expect(rejection('1.5', 0).message).toContain('whole number')
    expect(rejection('0.12', 1).message).toContain('at most 1 decimal place')
  })

  it('rejects more than 2^256-1 minor units', () => {
    expect(rejection((2n ** 256n).toString(), 0).reason).toBe('too-large')
    // 2^256 minor units written in whole units of an 18-decimal token
    expect(rejection(formatAmount(2n ** 256n, 18), 18).reason).toBe('too-large')
    expect(rejection('1' + '0'.repeat(60), 18).reason).toBe('too-large')
    // a huge integer part is refused without parsing it
    expect(rejection('9'.repeat(100_000), 0).reason).toBe('too-large')
    expect(rejection((2n ** 256n).toString(), 0).message).toContain(MAX_UINT256.toString())
  })

  it('stays fast on very long inputs (no quadratic regular expressions)', () => {
    const started = performance.now()
    expect(rejection('9'.repeat(200_000), 0).reason).toBe('too-large')
    expect(rejection('1' + '0'.repeat(200_000) + 'x', 0).reason).toBe('not-a-number')
    expect(rejection('1' + '0'.repeat(200_000) + 'e5', 0).reason).toBe('exponent')
    expect(rejection(`0.${'0'.repeat(200_000)}1`, 18).reason).toBe('too-many-decimals')
    expect(parseAmount(`1.${'0'.repeat(200_000)}`, 18)).toBe(10n ** 18n)
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('rejects zero unless allowZero is set', () => {
    expect(rejection('0', 18).reason).toBe('zero')
    expect(rejection('0.000', 18).reason).toBe('zero')
    expect(parseAmount('0', 18, 'amount', { allowZero: true })).toBe(0n)
    expect(parseAmount('0.0', 6, 'amount', { allowZero: true })).toBe(0n)
  })

  it('names the field in details and the message', () => {
    const r = rejection('x', 6, 'instant_max')
    expect(r.message).toContain('instant_max')
  })

  it('rejects non-string input at run time as not-a-number', () => {
    const err = catchErr(() => parseAmount(1 as unknown as string, 18))
    expect(err.details).toMatchObject({ reason: 'not-a-number' })
  })

  it('refuses impossible decimals as a programming error', () => {
    expect(() => parseAmount('1', -1)).toThrow(RangeError)
    expect(() => parseAmount('1', 1.5)).toThrow(RangeError)
    expect(() => parseAmount('1', 256)).toThrow(RangeError)
  })
})

describe('formatAmount', () => {
  it('formats exactly, without trailing zeros or exponents', () => {
    expect(formatAmount(1_000_000_000_000_000_000n, 18)).toBe('1')
    expect(formatAmount(1n, 18)).toBe('0.000000000000000001')
    expect(formatAmount(0n, 18)).toBe('0')
    expect(formatAmount(0n, 0)).toBe('0')
    expect(formatAmount(1_500_000n, 6)).toBe('1.5')
    expect(formatAmount(10n ** 30n, 0)).toBe('1' + '0'.repeat(30))
    expect(formatAmount(10n ** 40n, 18)).toBe('1' + '0'.repeat(22))
    expect(formatAmount(123n, 2)).toBe('1.23')
    expect(formatAmount(5n, 1)).toBe('0.5')
  })

  it('formats negative amounts with a minus sign', () => {
    expect(formatAmount(-1n, 18)).toBe('-0.000000000000000001')
    expect(formatAmount(-15n, 1)).toBe('-1.5')
    expect(formatAmount(-7n, 0)).toBe('-7')
  })
})

describe('parse/format round trips', () => {
  it('round-trips chosen values at 0, 6, 9 and 18 decimals', () => {
    const cases: Array<[string, number, bigint]> = [
      ['1', 0, 1n],
      ['42', 0, 42n],
      ['0.000001', 6, 1n],
      ['1.5', 6, 1_500_000n],
      ['1000000', 6, 1_000_000_000_000n],
      ['0.000000001', 9, 1n],
      ['1.000000001', 9, 1_000_000_001n],
      ['0.1', 18, 10n ** 17n],
      ['0.3', 18, 3n * 10n ** 17n],
      ['123.456', 18, 123_456n * 10n ** 15n],
      [MAX_UINT256.toString(), 0, MAX_UINT256],
    ]
    for (const [text, decimals, minor] of cases) {
      expect(parseAmount(text, decimals), text).toBe(minor)
      expect(formatAmount(minor, decimals), text).toBe(text)
    }
  })

  it('format → parse is the identity for random bigints at many decimals (seeded)', () => {
    const rand = prng(0x5eed)
    for (let i = 0; i < 2000; i++) {
      const decimals = [0, 1, 2, 6, 8, 9, 18, 24, 77][i % 9]!
      const minor = randomBigint(rand, 256)
      const text = formatAmount(minor, decimals)
      expect(text).not.toMatch(/e|\.$|\.\d*0$/)
      expect(parseAmount(text, decimals, 'amount', { allowZero: true })).toBe(minor)
    }
  })
})

describe('parseRuleAmount', () => {
  it('stores JSON numbers and strings exactly and alike', () => {
    expect(parseRuleAmount(10, 2, 'instant_max')).toBe(1000n)
    expect(parseRuleAmount('10', 2, 'instant_max')).toBe(1000n)
    expect(parseRuleAmount(10.5, 2, 'instant_max')).toBe(1050n)
    expect(parseRuleAmount('10.5', 2, 'instant_max')).toBe(1050n)
    expect(parseRuleAmount(0.1, 18, 'daily_limit')).toBe(10n ** 17n)
    expect(parseRuleAmount(123456789012345, 0, 'daily_limit')).toBe(123456789012345n)
  })

  it('converts 0.1 + 0.2 through its shortest string "0.30000000000000004", exactly', () => {
    expect(String(0.1 + 0.2)).toBe('0.30000000000000004')
    expect(parseRuleAmount(0.1 + 0.2, 18, 'x')).toBe(300000000000000040n)
    const err = catchErr(() => parseRuleAmount(0.1 + 0.2, 2, 'x'))
    expect(err.details).toEqual({ field: 'x', reason: 'too-many-decimals', decimals: 2 })
  })

  it('allows zero by default and refuses it on request', () => {
    expect(parseRuleAmount(0, 18, 'instant_max')).toBe(0n)
    expect(parseRuleAmount('0', 18, 'instant_max')).toBe(0n)
    expect(parseRuleAmount(-0, 18, 'instant_max')).toBe(0n)
    expect(catchErr(() => parseRuleAmount(0, 18, 'instant_max', { allowZero: false })).details).toMatchObject({ reason: 'zero' })
  })

  it('rejects NaN, Infinity, exponent forms and negatives with their reasons', () => {
    const reason = (v: number | string): unknown => {
      const err = catchErr(() => parseRuleAmount(v, 18, 'notify_max'))
      expect(err.code).toBe('INPUT_INVALID_AMOUNT')
      expect(err.details).toMatchObject({ field: 'notify_max', decimals: 18 })
      return err.details.reason
    }
    expect(reason(Number.NaN)).toBe('not-a-number')
    expect(reason(Number.POSITIVE_INFINITY)).toBe('not-a-number')
    expect(reason(Number.NEGATIVE_INFINITY)).toBe('not-a-number')
    expect(String(1e21)).toBe('1e+21')
    expect(reason(1e21)).toBe('exponent')
    expect(reason(1e-7)).toBe('exponent')
    expect(reason('1e3')).toBe('exponent')
    expect(reason(-5)).toBe('negative')
    expect(reason('-5')).toBe('negative')
    expect(reason('')).toBe('empty')
    expect(reason(true as unknown as number)).toBe('not-a-number')
    expect(catchErr(() => parseRuleAmount(1e30, 0, 'x')).details).toMatchObject({ reason: 'exponent' })
    expect(catchErr(() => parseRuleAmount((2n ** 256n).toString(), 0, 'x')).details).toMatchObject({ reason: 'too-large' })
  })
})

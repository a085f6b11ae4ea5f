/**
 * Exact USD arithmetic: decimal strings and JSON number text to `usdE18`, and USD values in micro-dollars rounded
 * up. No JS number ever holds a price or an amount here.
 */
import { parseAmount, type AmountRejection } from '../../lib/amounts.js'
import { WaiaasError } from '../../lib/errors.js'

const E18 = 10n ** 18n

const WHY: Record<AmountRejection, string> = {
  empty: 'it is empty',
  negative: 'it must not be negative',
  exponent: 'write it as a plain decimal without exponent notation',
  'not-a-number': 'give a plain decimal string such as "3012.45" (digits and at most one ".", no sign or spaces)',
  'too-many-decimals': 'give at most 18 decimal places',
  'too-large': 'it is larger than any price can be',
  zero: 'it must be greater than 0',
}

/**
 * A decimal USD string ("3012.45", "0.00000123") as usdE18, exactly. Zero is allowed (callers decide whether a zero
 * price makes sense). Throws INPUT_INVALID with `details: { field, reason }` for exponent notation, a sign, more
 * than 18 decimal places or anything not a plain decimal.
 */
export function parseUsd(text: string, field = 'usd'): bigint {
  try {
    return parseAmount(text, 18, field, { allowZero: true })
  } catch (err) {
    if (!(err instanceof WaiaasError) || err.code !== 'INPUT_INVALID_AMOUNT') throw err
    const reason = err.details.reason as AmountRejection
    const shown = typeof text === 'string' ? ` ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}` : ''
    throw new WaiaasError('INPUT_INVALID', `Invalid USD price${shown} for ${field}: ${WHY[reason] ?? WHY['not-a-number']}`, {
      details: { field, reason },
      cause: err,
    })
  }
}

const JSON_NUMBER = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/

/**
 * The text of a JSON number ("3012.45", "1.2e-7", "-3") as usdE18, exactly; digits beyond 10^-18 are rounded up
 * (away from zero for positive values: an over-estimated value only makes USD limits stricter). Null for text that
 * is not a JSON number or whose magnitude is absurd (more than 10^60 USD).
 */
export function jsonNumberToE18(raw: string): bigint | null {
  const m = JSON_NUMBER.exec(raw)
  if (m === null) return null
  const [, sign, whole = '', fraction = '', expText = '0'] = m
  const digits = `${whole}${fraction}`.replace(/^0+/, '')
  if (digits === '') return 0n
  // value = digits × 10^(exp - fraction.length), so in usdE18 units: digits × 10^shift. A huge exponent text
  // becomes a huge (inexact) number here, which is enough to tell "absurd" from "below one unit".
  const shift = 18 + Number(expText) - fraction.length
  const size = digits.length + shift // digits of the integer part of the usdE18 value
  if (size > 78) return null
  let abs: bigint
  if (size <= 0) abs = 1n // positive but below 10^-18 USD: rounded up
  else if (shift >= 0) abs = BigInt(digits) * 10n ** BigInt(shift)
  else abs = ceilDiv(BigInt(digits), 10n ** BigInt(-shift))
  return sign === '-' ? -abs : abs
}

/** ceil(a / b) for a ≥ 0, b > 0. */
function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b
}

/**
 * The USD value in micro-dollars of `amount` minor units of an asset with `decimals` at `usdE18` per whole unit:
 * ceil(amount × usdE18 / 10^(decimals + 12)). Rounded up, so a dust amount of a priced asset is never worth $0.
 * `amount` must be ≥ 0 and `decimals` an integer 0..255 (a RangeError otherwise: a bug, not input).
 */
export function usdMicrosOf(amount: bigint, decimals: number, usdE18: bigint): bigint {
  if (amount < 0n) throw new RangeError(`amount must not be negative, got ${amount}`)
  if (!Number.isSafeInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new RangeError(`decimals must be an integer from 0 to 255, got ${String(decimals)}`)
  }
  return ceilDiv(amount * usdE18, 10n ** BigInt(decimals + 12))
}

/** usdE18 scaled from a fixed-point integer with `decimals` decimals (a Chainlink answer), rounding up past 18. */
export function scaleToE18(value: bigint, decimals: number): bigint {
  if (decimals <= 18) return value * 10n ** BigInt(18 - decimals)
  const div = 10n ** BigInt(decimals - 18)
  return value >= 0n ? ceilDiv(value, div) : -ceilDiv(-value, div)
}

export { E18 as USD_E18_ONE }

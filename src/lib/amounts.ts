/**
 * Amounts: decimal strings in whole units at the edges ("0.01" ETH), bigint minor units (wei, lamports, token
 * base units) everywhere else. No JS number ever holds a value here. Pure TypeScript: the CLI loads this module.
 *
 * Accepted grammar (`parseAmount`): `0` or a digit string without leading zeros, optionally followed by `.` and
 * at least one digit — `"1"`, `"0.01"`, `"1.50"`, `"1000000"`. Rejected, with `details.reason`:
 * - `empty`             — `""` or only whitespace
 * - `negative`          — any leading `-` (`"-1"`, `"-0"`)
 * - `exponent`          — scientific notation (`"1e18"`, `"1.5E-3"`)
 * - `not-a-number`      — everything else: hex (`"0x10"`), whitespace anywhere (`" 1"`, `"1 000"`), `"1.2.3"`,
 *                         a leading `+`, a bare leading or trailing dot (`".5"`, `"5."` — write `"0.5"`, `"5"`),
 *                         leading zeros (`"01"`, `"00.5"`: tools disagree whether `010` is octal), `"NaN"`,
 *                         `"Infinity"`, non-ASCII digits, thousands separators.
 * - `too-many-decimals` — more significant fraction digits than the token has (`"0.1234567"` for 6 decimals).
 *                         Trailing zeros do not count: `"1.5000000"` is exactly 1.5 and passes for 6 decimals.
 * - `too-large`         — more than 2^256-1 in minor units (the uint256 range of EVM; far above any u64 SPL amount).
 * - `zero`              — a value of 0, unless `allowZero` is set.
 */
import { WaiaasError } from './errors.js'

/** 2^256 - 1: the largest amount in minor units that we accept anywhere. */
export const MAX_UINT256: bigint = (1n << 256n) - 1n

/** Digits of MAX_UINT256 (78): an integer part longer than this (no leading zeros) is too large for any decimals. */
const MAX_UINT256_DIGITS = MAX_UINT256.toString().length

export type AmountRejection = 'empty' | 'negative' | 'exponent' | 'not-a-number' | 'too-many-decimals' | 'too-large' | 'zero'

export interface ParseAmountOptions {
  /** Accept a value of 0 (default false: a transfer of nothing is almost always a mistake). */
  allowZero?: boolean
}

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/
// Unambiguous (no two quantifiers compete for the same digits), so it stays linear on long inputs.
const EXPONENT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+$/

/** `s` without trailing '0' characters (a loop: /0+$/ is quadratic on long runs of zeros). */
function trimZeros(s: string): string {
  let end = s.length
  while (end > 0 && s.charCodeAt(end - 1) === 48) end--
  return s.slice(0, end)
}

/** Shows at most 40 characters of a rejected input in a message. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)
}

function assertDecimals(decimals: number): void {
  if (!Number.isSafeInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new RangeError(`decimals must be an integer from 0 to 255, got ${String(decimals)}`)
  }
}

function reject(field: string, reason: AmountRejection, decimals: number, message: string): never {
  throw new WaiaasError('INPUT_INVALID_AMOUNT', message, { details: { field, reason, decimals } })
}

/**
 * Parses a plain decimal string in whole units into minor units: `parseAmount("0.01", 18)` → 10^16.
 * Throws INPUT_INVALID_AMOUNT with `details: { field, reason, decimals }` (reasons in the module comment);
 * the message says what would pass. `decimals` must be an integer 0..255 (a RangeError otherwise: a bug, not input).
 */
export function parseAmount(text: string, decimals: number, field = 'amount', opts: ParseAmountOptions = {}): bigint {
  assertDecimals(decimals)
  const fail = (reason: AmountRejection, message: string): never => reject(field, reason, decimals, message)
  const example = decimals === 0 ? '"1" or "250"' : '"1" or "0.01"'
  if (typeof text !== 'string') {
    fail('not-a-number', `Invalid ${field}: give a decimal string in whole units such as ${example}, not a ${typeof text}`)
  }
  if (text.trim() === '') fail('empty', `Invalid ${field}: it is empty; give a decimal string in whole units such as ${example}`)
  if (text.startsWith('-')) fail('negative', `Invalid ${field} ${quote(text)}: it must not be negative`)
  if (/[eE]/.test(text) && EXPONENT.test(text)) {
    fail('exponent', `Invalid ${field} ${quote(text)}: write it as a plain decimal string such as ${example}, without exponent notation`)
  }
  const m = DECIMAL.exec(text)
  if (m === null) {
    fail(
      'not-a-number',
      `Invalid ${field} ${quote(text)}: give a plain decimal string in whole units such as ${example} ` +
        '(digits and at most one ".", no sign, spaces, hex or leading zeros; write ".5" as "0.5")',
    )
  }
  const whole = m![1]!
  const fraction = trimZeros(m![2] ?? '')
  if (fraction.length > decimals) {
    fail(
      'too-many-decimals',
      decimals === 0
        ? `Invalid ${field} ${quote(text)}: this token has no decimal places; give a whole number`
        : `Invalid ${field} ${quote(text)}: this token has ${decimals} decimals; give at most ${decimals} decimal place${decimals === 1 ? '' : 's'}`,
    )
  }
  const tooLarge = (): never => fail('too-large', `Invalid ${field} ${quote(text)}: it is larger than the maximum of ${formatAmount(MAX_UINT256, decimals)}`)
  // Without leading zeros, 79+ integer digits is ≥ 10^78 > 2^256 before scaling: stop before parsing a huge string.
  if (whole.length > MAX_UINT256_DIGITS) tooLarge()
  const minor = BigInt(whole + fraction.padEnd(decimals, '0'))
  if (minor > MAX_UINT256) tooLarge()
  if (minor === 0n && opts.allowZero !== true) fail('zero', `Invalid ${field} ${quote(text)}: it must be greater than 0`)
  return minor
}

/**
 * Formats minor units as an exact decimal string in whole units: no exponent, no trailing zeros in the fraction,
 * no fraction at all for whole amounts. `formatAmount(10n ** 18n, 18)` → "1", `formatAmount(1n, 18)` →
 * "0.000000000000000001", `formatAmount(-15n, 1)` → "-1.5". The inverse of `parseAmount` for non-negative values.
 */
export function formatAmount(minor: bigint, decimals: number): string {
  assertDecimals(decimals)
  const negative = minor < 0n
  const digits = (negative ? -minor : minor).toString()
  const sign = negative ? '-' : ''
  if (decimals === 0) return sign + digits
  const padded = digits.padStart(decimals + 1, '0')
  const whole = padded.slice(0, padded.length - decimals)
  const fraction = trimZeros(padded.slice(padded.length - decimals))
  return sign + whole + (fraction === '' ? '' : `.${fraction}`)
}

/**
 * Converts a policy-rule amount given as a JSON number or a decimal string into minor units, exactly.
 *
 * A JS number goes through its shortest round-tripping decimal string (`String(n)`), which is then parsed
 * exactly: `10` and `"10"`, `10.5` and `"10.5"` give the same bigint. So `parseRuleAmount(0.1 + 0.2, 18)` is
 * the exact value of "0.30000000000000004" (what the number really is), and is rejected for 2 decimals as
 * too-many-decimals. NaN and ±Infinity are `not-a-number`; numbers that `String()` writes with an exponent
 * (≥ 1e21, < 1e-6) are `exponent`: give those as decimal strings. Zero is allowed by default (a limit of 0 is a
 * meaningful rule); pass `{ allowZero: false }` to refuse it. Errors are those of `parseAmount`.
 */
export function parseRuleAmount(value: number | string, decimals: number, field: string, opts: ParseAmountOptions = {}): bigint {
  const parseOpts: ParseAmountOptions = { allowZero: opts.allowZero ?? true }
  if (typeof value === 'string') return parseAmount(value, decimals, field, parseOpts)
  assertDecimals(decimals)
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    reject(field, 'not-a-number', decimals, `Invalid ${field}: give a finite number or a decimal string such as "10.5", not ${String(value)}`)
  }
  // String() never gives leading zeros, '+' or a bare dot; what it can give besides plain decimals is "-…" and
  // exponent forms ("1e+21", "1e-7"), which parseAmount rejects as negative / exponent.
  return parseAmount(String(value), decimals, field, parseOpts)
}

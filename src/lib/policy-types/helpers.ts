/**
 * Small helpers the policy type modules share: stored-rule normal forms, compiled amounts, and the wording of
 * verdicts. Light (no zod, no ethers), like the modules.
 */
import { formatAmount, parseAmount } from '../amounts.js'
import { WaiaasError } from '../errors.js'
import { resolveNetwork } from '../networks.js'
import type { Tier } from './model.js'

/** The delay of a DELAY tier when the rules do not give one. */
export const DEFAULT_DELAY_SECONDS = 900

// ---------------------------------------------------------------------------------------------------------------
// Normalisation.

/** POLICY_INVALID with `details: { type, field, issue }`. */
export function invalid(type: string, field: string, issueCode: string, message: string): never {
  throw new WaiaasError('POLICY_INVALID', `Invalid ${type} rules: ${field} ${message}`, { details: { type, field, issue: issueCode } })
}

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/
/** The grammar of a decimal amount in rules. */
export const DECIMAL_PATTERN = DECIMAL.source

/** Decimal-place count of a valid decimal string, trailing zeros not counted. */
export function places(text: string): number {
  const frac = DECIMAL.exec(text)?.[2] ?? ''
  let end = frac.length
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--
  return end
}

/** Exact comparison of two valid decimal strings. */
export function compareDecimals(a: string, b: string): number {
  const scale = Math.max(places(a), places(b))
  const x = parseAmount(a, scale, 'a', { allowZero: true })
  const y = parseAmount(b, scale, 'b', { allowZero: true })
  return x < y ? -1 : x > y ? 1 : 0
}

export const dedupe = <T>(xs: readonly T[]): T[] => [...new Set(xs)]

/** A string shown in a message: at most 40 characters, quoted. */
export function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v)
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)
}

/** Sets `delay_seconds` when `tier` is DELAY (default 900); refuses it otherwise. */
export function withDelay(type: string, tier: Tier, given: number | undefined, out: Record<string, unknown>): Record<string, unknown> {
  if (tier === 'DELAY') out.delay_seconds = given ?? DEFAULT_DELAY_SECONDS
  else if (given !== undefined) invalid(type, 'rules.delay_seconds', 'not-applicable', 'applies only when tier is DELAY')
  return out
}

/** Refuses thresholds that decrease along `fields` (instant ≤ notify ≤ delay). */
export function checkOrder(type: string, r: Record<string, unknown>, fields: readonly string[]): void {
  let prev: string | undefined
  for (const f of fields) {
    const v = r[f]
    if (typeof v !== 'string') continue
    if (prev !== undefined && compareDecimals(v, r[prev] as string) < 0) {
      invalid(type, `rules.${f}`, 'not-monotone', `(${shown(v)}) must not be below ${prev} (${shown(r[prev])}): tiers go instant ≤ notify ≤ delay`)
    }
    prev = f
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled rules.

/** An exact decimal: digits / 10^scale, converted to minor units per decimals (rounded down) and memoised. */
export class Dec {
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

/** Readers of normalised rules. */
export type Rules = Record<string, unknown>
export const str = (r: Rules, k: string): string | undefined => (typeof r[k] === 'string' ? (r[k] as string) : undefined)
export const strs = (r: Rules, k: string): string[] => (Array.isArray(r[k]) ? (r[k] as string[]) : [])
export const num = (r: Rules, k: string): number => r[k] as number
export const tierOf = (r: Rules, k: string): Tier => r[k] as Tier
export const delayOf = (r: Rules): number => (typeof r.delay_seconds === 'number' ? r.delay_seconds : DEFAULT_DELAY_SECONDS)

// ---------------------------------------------------------------------------------------------------------------
// Wording.

/** The command that adds a policy of `type`, for a default deny's hint. */
export const suggestAdd = (walletId: string, type: string, rules: string): string => `waiaas policy add --wallet ${walletId} --type ${type} --rules '${rules}'`

/** Up to `max` items, then how many there are. */
export function listText(xs: Iterable<string>, max = 5): string {
  const all = [...xs]
  return all.length === 0 ? 'none' : all.slice(0, max).join(', ') + (all.length > max ? `, … (${all.length} in all)` : '')
}

const SYMBOLS = new Map<string, string>()
/** The native coin's symbol of a CAIP-2 network (cached), or "native units". */
export function nativeSymbol(network: string): string {
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

/** Minor units of a network's native coin, with its symbol. */
export const nativeText = (x: bigint, decimals: number, network: string): string => `${formatAmount(x, decimals)} ${nativeSymbol(network)}`

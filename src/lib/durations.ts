/**
 * The one duration grammar of every flag, rule field and setting that takes a length of time (`--ttl`, `--timeout`,
 * `--since`, `delay_seconds`, `WAIAAS_APPROVAL_TTL_SECONDS`…): one or more terms of a number and a unit, `ms`, `s`,
 * `m`, `h`, `d` (24 h) or `w` (7 d), such as `90s`, `1.5h`, `2w` or `1h30m`; a plain number counts in the field's own
 * unit (seconds for `--ttl` and `delay_seconds`, milliseconds for `notify.intervalMs`). Decimals are fine as long as
 * the total is a whole number of that unit (`1.5h` is 5400 s; `0.5s` is no whole number of seconds). Each field has
 * its bounds, said in the error with the grammar. Pure: the CLI, the daemon and the settings table share it.
 */
import { WaiaasError } from './errors.js'

/** The unit a field counts in (what a plain number means and what the parse returns). */
export type DurationUnit = 'ms' | 's' | 'm' | 'h'

/**
 * Where a duration goes: the name users see (`--ttl`, `rules.delay_seconds`), the unit it is returned in, its bounds
 * in that unit, and the unit of a plain number when it is not that one (`--timeout 90` is 90 s, returned in ms).
 */
export interface DurationSpec {
  field: string
  unit: DurationUnit
  min: number
  max: number
  plain?: DurationUnit
}

/** Milliseconds per unit of the grammar. */
export const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const
const TERM = /(\d{1,15}(?:\.\d{1,9})?)(ms|s|m|h|d|w)/y
const PLAIN = /^\d{1,15}(?:\.\d{1,9})?$/
/** The longest text of the grammar read (longer is not a duration). */
export const MAX_TEXT = 64

/** A unit in words, for messages. */
export const UNIT_WORD: Record<DurationUnit, string> = { ms: 'milliseconds', s: 'seconds', m: 'minutes', h: 'hours' }

/** The grammar in words, for errors, hints and `--help`. */
export function durationGrammar(plain: DurationUnit): string {
  return `a number and a unit (ms, s, m, h, d = 24h, w = 7d), e.g. 90s, 1.5h, 2w or 1h30m; a plain number is in ${UNIT_WORD[plain]}`
}

/** The bounds of a spec in words: "from 1m to 30d". */
export function durationBounds(spec: Omit<DurationSpec, 'field'>): string {
  return `from ${formatDuration(spec.min, spec.unit)} to ${formatDuration(spec.max, spec.unit)}`
}

/** Why a text is not a duration of `spec` (`reason` completes "<field> …"); the value on success. */
export type DurationResult = { ok: true; value: number } | { ok: false; issue: 'not-a-duration' | 'not-whole' | 'too-small' | 'too-large'; reason: string }

/** Milliseconds in a text of the grammar, or undefined when it does not follow it. */
function toMs(text: string, unit: DurationUnit): number | undefined {
  if (PLAIN.test(text)) return Number(text) * UNIT_MS[unit]
  let ms = 0
  let at = 0
  TERM.lastIndex = 0
  while (at < text.length) {
    TERM.lastIndex = at
    const m = TERM.exec(text)
    if (m === null) return undefined
    ms += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]
    at = TERM.lastIndex
  }
  return at === 0 ? undefined : ms
}

/** A value of `unit` in the grammar's shortest words: 86400 s → "1d", 90 s → "90s", 5400 s → "90m". */
export function formatDuration(value: number, unit: DurationUnit): string {
  const ms = value * UNIT_MS[unit]
  for (const u of ['w', 'd', 'h', 'm', 's'] as const) if (ms >= UNIT_MS[u] && ms % UNIT_MS[u] === 0) return `${ms / UNIT_MS[u]}${u}`
  return `${ms}ms`
}

/** Checks `input` (a text of the grammar, or a number in the spec's unit) against `spec` without throwing. */
export function checkDuration(input: string | number, spec: Omit<DurationSpec, 'field'>): DurationResult {
  const plain = spec.plain ?? spec.unit
  let exact: number | undefined
  if (typeof input === 'number') exact = Number.isFinite(input) ? (input * UNIT_MS[plain]) / UNIT_MS[spec.unit] : undefined
  else {
    const text = input.trim()
    const ms = text.length > MAX_TEXT ? undefined : toMs(text, plain)
    exact = ms === undefined ? undefined : ms / UNIT_MS[spec.unit]
  }
  const bounds = durationBounds(spec)
  if (exact === undefined) return { ok: false, issue: 'not-a-duration', reason: `must be a duration such as 90s, 1.5h or 2w (${bounds})` }
  // Decimal terms may leave float noise (0.1h): a value within a millionth of a whole number is that number.
  const value = Math.abs(exact - Math.round(exact)) < 1e-6 ? Math.round(exact) : exact
  if (!Number.isInteger(value)) return { ok: false, issue: 'not-whole', reason: `must be a whole number of ${UNIT_WORD[spec.unit]} (${bounds})` }
  if (value < spec.min) return { ok: false, issue: 'too-small', reason: `must be at least ${formatDuration(spec.min, spec.unit)} (${bounds})` }
  if (value > spec.max) return { ok: false, issue: 'too-large', reason: `must be at most ${formatDuration(spec.max, spec.unit)} (${bounds})` }
  return { ok: true, value }
}

/**
 * A duration for `spec`, as a whole number of its unit. INPUT_INVALID naming the field, with the grammar and the
 * bounds in the hint, when the text does not follow the grammar or is out of bounds.
 */
export function parseDuration(input: string | number, spec: DurationSpec): number {
  const r = checkDuration(input, spec)
  if (r.ok) return r.value
  const shown = String(input).slice(0, MAX_TEXT)
  throw new WaiaasError('INPUT_INVALID', `${spec.field} ${r.reason}; got "${shown}"`, {
    details: {
      field: spec.field,
      issue: r.issue,
      value: shown,
      unit: spec.unit,
      min: formatDuration(spec.min, spec.unit),
      max: formatDuration(spec.max, spec.unit),
    },
    hint: `${spec.field} takes ${durationGrammar(spec.plain ?? spec.unit)}; ${durationBounds(spec)}.`,
  })
}

/** Durations every command shares, with their bounds. */
export const DURATIONS = {
  /** A session's lifetime between renewals (`session create --ttl`, `mcp setup --ttl`, `session.create` ttlSeconds). */
  sessionTtl: { unit: 's', min: 60, max: 30 * 86_400 },
  /** How long `--wait` waits (`send`, `call`, `approve`). */
  waitTimeout: { unit: 'ms', min: 0, max: 86_400_000, plain: 's' },
  /** How far back `incoming list --since` looks. */
  since: { unit: 's', min: 1, max: 366 * 86_400 },
} as const satisfies Record<string, Omit<DurationSpec, 'field'>>

/** A flag's duration: `parseDuration` with the flag as the field. */
export function durationFlag(text: string, flag: string, spec: Omit<DurationSpec, 'field'>): number {
  return parseDuration(text, { ...spec, field: flag })
}

/**
 * TIME_WINDOW: when requests may be signed (the seed article's TIME_RESTRICTION). Every request counts, sign-only
 * ones included. `outside: DELAY` waits until the window next opens (wall-clock in its zone; a DST shift in between
 * is not counted). An overnight window belongs to the day it starts on.
 */
import { DAYS, tierOr } from './fields.js'
import { invalid, str, strs, tierOf } from './helpers.js'
import type { Tier } from './model.js'
import { definePolicyType } from './module.js'

export interface Compiled {
  start: number
  end: number
  /** Bit d (Mon = 0) set: a window starts on that day. */
  days: number
  daysText: string
  tz: string
  startText: string
  endText: string
  outside: Tier
}

const DAY_INDEX: Record<string, number> = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 }
const WEEKDAY: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 }
const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

const FORMATTERS = new Map<string, Intl.DateTimeFormat>()
const LOCAL = new Map<string, { minuteKey: number; dow: number; minute: number }>()

/** Day of week (Mon = 0) and minute of day of `now` in `tz`, cached per zone and minute. */
function localTime(tz: string, now: number): { dow: number; minute: number } {
  const minuteKey = Math.floor(now / 60_000)
  const hit = LOCAL.get(tz)
  if (hit !== undefined && hit.minuteKey === minuteKey) return hit
  let fmt = FORMATTERS.get(tz)
  if (fmt === undefined) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' })
    FORMATTERS.set(tz, fmt)
  }
  let dow = 0
  let hour = 0
  let minute = 0
  for (const part of fmt.formatToParts(now)) {
    if (part.type === 'weekday') dow = WEEKDAY[part.value] ?? 0
    else if (part.type === 'hour') hour = Number(part.value)
    else if (part.type === 'minute') minute = Number(part.value)
  }
  const local = { minuteKey, dow, minute: hour * 60 + minute }
  LOCAL.set(tz, local)
  return local
}

/** Seconds from `now` until the window next opens, in the zone's wall-clock time (DST shifts not counted). */
function secondsUntilOpen(c: Compiled, dow: number, minute: number, now: number): number {
  const secOfDay = minute * 60 + (Math.floor(now / 1000) % 60)
  for (let k = 0; k <= 7; k++) {
    if ((c.days & (1 << ((dow + k) % 7))) === 0) continue
    const wait = k * 86_400 + c.start * 60 - secOfDay
    if (wait > 0) return wait
  }
  return 1
}

function insideWindow(c: Compiled, dow: number, minute: number): boolean {
  const on = (d: number): boolean => (c.days & (1 << ((d + 7) % 7))) !== 0
  if (c.start < c.end) return minute >= c.start && minute < c.end && on(dow)
  // Overnight: the part after midnight belongs to the day the window started.
  return (minute >= c.start && on(dow)) || (minute < c.end && on(dow - 1))
}

export const TIME_WINDOW = definePolicyType({
  type: 'TIME_WINDOW',
  doc: 'When requests may be signed (the seed article\'s TIME_RESTRICTION).',
  fields: {
    start: { kind: 'clock', allow24: false, required: true, doc: 'Opens at "HH:MM" (24 h)' },
    end: { kind: 'clock', allow24: true, required: true, doc: 'Closes at "HH:MM" (before start: spans midnight; "24:00" allowed)' },
    days: { kind: 'list', of: 'day', min: 1, doc: 'Days a window starts on: mon … sun (default every day)' },
    timezone: { kind: 'timezone', default: 'UTC', doc: 'IANA time zone, e.g. Europe/Berlin (default UTC)' },
    outside: tierOr(['DELAY', 'APPROVAL', 'DENY'], 'DENY', 'Outside the window (DELAY waits until it opens)'),
  },
  aliases: ['TIME_RESTRICTION'],
  restricting: true,
  normalise(r) {
    if (r.start === r.end) invalid('TIME_WINDOW', 'rules.end', 'empty-window', 'equals start; for no time restriction, remove the TIME_WINDOW policy')
    const out: Record<string, unknown> = { start: r.start, end: r.end }
    if (r.days !== undefined) out.days = DAYS.filter((d) => r.days?.includes(d))
    out.timezone = r.timezone
    out.outside = r.outside
    return out
  },
  compile(r): Compiled {
    const days = strs(r, 'days')
    const startText = str(r, 'start')!
    const endText = str(r, 'end')!
    return {
      start: minutes(startText),
      end: minutes(endText),
      days: days.length === 0 ? 0x7f : days.reduce((m, d) => m | (1 << DAY_INDEX[d]!), 0),
      daysText: days.length === 0 ? 'every day' : days.join(', '),
      tz: str(r, 'timezone')!,
      startText,
      endText,
      outside: tierOf(r, 'outside'),
    }
  },
  checks: {
    request(e, list) {
      for (const { p, c } of list) {
        const { dow, minute } = localTime(c.tz, e.facts.now)
        if (!insideWindow(c, dow, minute)) {
          const delay = c.outside === 'DELAY' ? secondsUntilOpen(c, dow, minute, e.facts.now) : 0
          const window = `${c.startText}–${c.endText} ${c.tz} (${c.daysText})`
          e.hit(p, 'outside', c.outside, delay, `Outside the time window ${window}`, `a request within ${window}`)
        }
      }
    },
  },
})

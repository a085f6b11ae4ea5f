/**
 * Rolling spend per wallet, kept in memory as hourly buckets mirrored from the `requests` table, so evaluating a
 * request costs no SQL scan however many past transactions there are.
 *
 * Why this is still race-free: the daemon is the only writer, better-sqlite3 is synchronous, and the pipeline reads
 * the ledger, evaluates and writes the reservation in one synchronous block inside one SQLite transaction; the
 * ledger is updated right after that transaction commits, in the same block, so no other request can run between.
 * The ledger is rebuilt from SQLite per wallet on first use, so a restart loses nothing: from the hourly totals
 * the store keeps in the same transactions as the requests (spend-hours.ts), ~720 rows per wallet however many
 * requests it has; acceptance times (RATE_LIMIT) are read only as far back as a window asks.
 *
 * Windows are counted in whole hours and rounded up: a spend counts against a 24 h limit for at least 24 and at most
 * 25 hours (the bucket of the current hour plus the 24 before it). The error is always on the strict side.
 */
import { nativeAssetClass } from '../../lib/networks.js'
import type { Db } from '../store/db.js'
import { acceptedTimesSince, type ReservedAmount } from '../store/requests.js'
import { spendHoursSince, spendKeys, type Sums } from '../store/spend-hours.js'
import { WINDOWS, type PolicyFacts, type WindowName } from '../policy/types.js'
import type { HourSpan, SpentHours } from './facade-types.js'

const HOUR = 3_600_000
const WINDOW_NAMES = Object.keys(WINDOWS) as WindowName[]
const WINDOW_HOURS: Record<WindowName, number> = { day: WINDOWS.day / 3600, week: WINDOWS.week / 3600, month: WINDOWS.month / 3600 }
const OLDEST_HOURS = WINDOW_HOURS.month

interface WalletLedger {
  buckets: Map<number, Sums>
  /** When each request was accepted (whatever became of it later), ascending, for RATE_LIMIT: exact counts by search. */
  accepted: Times
  /** `accepted` holds every acceptance from this time on (older ones are read from SQLite when a window needs them). */
  acceptedFrom: number
  /** Totals per window as of `hour`; recomputed when the hour moves on. */
  hour: number
  totals: Record<WindowName, Sums>
}

export interface SpendEntry {
  acceptedAt: number
  network: string
  usdMicros: bigint | null
  amounts: readonly ReservedAmount[]
}

const USD = 'usd'
const NATIVE_SUFFIX = '|native'

const CLASSES = new Map<string, string>()
/** The native asset class of a network id, memoised (the ledger asks for every key of every window). */
function classOf(network: string): string {
  let c = CLASSES.get(network)
  if (c === undefined) CLASSES.set(network, (c = nativeAssetClass(network)))
  return c
}

function add(s: Sums, key: string, v: bigint): void {
  s.set(key, (s.get(key) ?? 0n) + v)
}

function entryKeys(e: SpendEntry): [string, bigint][] {
  return spendKeys(e.network, e.usdMicros, e.amounts)
}

/** One set of sums as the rules read it for `network`: USD, native here, native of its asset class, tokens here. */
function classify(sums: Sums, network: string): PolicyFacts['spent'][WindowName] {
  const prefix = `${network}|`
  const cls = classOf(network)
  const tokens: Record<string, bigint> = {}
  let nativeClass = 0n
  for (const [key, v] of sums) {
    if (key.endsWith(NATIVE_SUFFIX)) {
      if (classOf(key.slice(0, -NATIVE_SUFFIX.length)) === cls) nativeClass += v
    } else if (key.startsWith(prefix)) tokens[key.slice(prefix.length)] = v
  }
  return { usdMicros: sums.get(USD) ?? 0n, native: sums.get(`${prefix}native`) ?? 0n, nativeClass, tokens }
}

export class SpendLedger {
  private readonly wallets = new Map<string, WalletLedger>()

  constructor(private readonly db: Db) {}

  /**
   * Committed plus reserved amounts of `walletId` per window, before a new request; `network` selects native and
   * tokens, and the native coin is also summed over every network of the same asset class (`nativeClass`).
   */
  spent(walletId: string, network: string, now: number): PolicyFacts['spent'] {
    const w = this.wallet(walletId, now)
    const out = {} as PolicyFacts['spent']
    for (const name of WINDOW_NAMES) out[name] = classify(w.totals[name], network)
    return out
  }

  /**
   * Per window, the hours (bucket numbers, ms / 1 h) of the oldest and newest spend still counted in each of `spent`'s
   * amounts, from the same buckets: a bucket `h` leaves a window of `H` hours at the start of hour `h + H + 1`.
   */
  spentHours(walletId: string, network: string, now: number): Record<WindowName, SpentHours> {
    const w = this.wallet(walletId, now)
    const out = {} as Record<WindowName, SpentHours>
    for (const name of WINDOW_NAMES) {
      const span: SpentHours = { usdMicros: null, native: null, nativeClass: null, tokens: {} }
      const widen = (cur: HourSpan | null, h: number): HourSpan => (cur === null ? { first: h, last: h } : { first: Math.min(cur.first, h), last: Math.max(cur.last, h) })
      for (const [h, sums] of w.buckets) {
        if (h < w.hour - WINDOW_HOURS[name] || h > w.hour) continue
        const c = classify(sums, network)
        if (c.usdMicros > 0n) span.usdMicros = widen(span.usdMicros, h)
        if (c.native > 0n) span.native = widen(span.native, h)
        if (c.nativeClass > 0n) span.nativeClass = widen(span.nativeClass, h)
        for (const [t, v] of Object.entries(c.tokens)) if (v > 0n) span.tokens[t] = widen(span.tokens[t] ?? null, h)
      }
      out[name] = span
    }
    return out
  }

  /** A request was accepted and its reservation made (the transaction that wrote it has committed). */
  reserve(walletId: string, e: SpendEntry): void {
    this.apply(walletId, e, 1n)
    this.wallets.get(walletId)?.accepted.add(e.acceptedAt)
  }

  /** Requests of the wallet accepted in the last `seconds`, exactly (a binary search, whatever the window). */
  countSince(walletId: string, now: number, seconds: number): number {
    const w = this.wallet(walletId, now)
    // Never further back than the longest spending window (what the ledger has always kept).
    const from = Math.max(now - seconds * 1000, (w.hour - OLDEST_HOURS - 1) * HOUR)
    if (from < w.acceptedFrom) {
      // Everything from `from` on, read again: acceptances added since the load are in SQLite too.
      w.accepted = new Times(acceptedTimesSince(this.db, walletId, from))
      w.acceptedFrom = from
    }
    return w.accepted.countFrom(from)
  }

  /** A reservation was settled to what the mined transaction really moved and paid (same acceptance time). */
  settle(walletId: string, before: SpendEntry, after: SpendEntry): void {
    this.apply(walletId, before, -1n)
    this.apply(walletId, after, 1n)
  }

  /** A reservation was released (failed, cancelled, rejected, expired). */
  release(walletId: string, e: SpendEntry): void {
    this.apply(walletId, e, -1n)
  }

  /**
   * Builds a wallet's ledger from SQLite now (the daemon does it for every wallet at start), so that cost (seconds
   * for a wallet with a million past requests) is not paid by that wallet's first request.
   */
  load(walletId: string, now: number): void {
    this.wallet(walletId, now)
  }

  /** Forgets a wallet (deleted) or everything; the next read rebuilds from SQLite. */
  forget(walletId?: string): void {
    if (walletId === undefined) this.wallets.clear()
    else this.wallets.delete(walletId)
  }

  private apply(walletId: string, e: SpendEntry, sign: bigint): void {
    const w = this.wallets.get(walletId)
    // Not loaded yet: the next read rebuilds from SQLite, which already has this change.
    if (w === undefined) return
    const hour = Math.floor(e.acceptedAt / HOUR)
    let bucket = w.buckets.get(hour)
    if (bucket === undefined) w.buckets.set(hour, (bucket = new Map()))
    for (const [key, v] of entryKeys(e)) {
      add(bucket, key, sign * v)
      for (const name of WINDOW_NAMES) {
        if (hour >= w.hour - WINDOW_HOURS[name] && hour <= w.hour) add(w.totals[name], key, sign * v)
      }
    }
  }

  private wallet(walletId: string, now: number): WalletLedger {
    const hour = Math.floor(now / HOUR)
    let w = this.wallets.get(walletId)
    if (w === undefined) {
      // Acceptances of the current hour on (and any later, after a clock step back); older ones on demand.
      const acceptedFrom = hour * HOUR
      w = { buckets: new Map(), accepted: new Times(acceptedTimesSince(this.db, walletId, acceptedFrom)), acceptedFrom, hour: -1, totals: { day: new Map(), week: new Map(), month: new Map() } }
      for (const b of spendHoursSince(this.db, walletId, hour - OLDEST_HOURS)) w.buckets.set(b.hour, b.sums)
      this.wallets.set(walletId, w)
    }
    if (w.hour !== hour) this.recompute(w, hour)
    return w
  }

  /** Once per hour per wallet: drop buckets older than the longest window and sum each window again. */
  private recompute(w: WalletLedger, hour: number): void {
    w.hour = hour
    w.accepted.dropBefore((hour - OLDEST_HOURS - 1) * HOUR)
    w.acceptedFrom = Math.max(w.acceptedFrom, (hour - OLDEST_HOURS - 1) * HOUR)
    w.totals = { day: new Map(), week: new Map(), month: new Map() }
    for (const [b, sums] of w.buckets) {
      if (b < hour - OLDEST_HOURS) {
        w.buckets.delete(b)
        continue
      }
      for (const name of WINDOW_NAMES) {
        if (b >= hour - WINDOW_HOURS[name] && b <= hour) for (const [key, v] of sums) add(w.totals[name], key, v)
      }
    }
  }
}

/** A sorted, growable list of millisecond times with a movable start: append, count from a time, drop old ones. */
class Times {
  private a: Float64Array
  private start = 0
  private end: number

  constructor(sorted: number[]) {
    this.a = new Float64Array(Math.max(64, sorted.length * 2))
    this.a.set(sorted)
    this.end = sorted.length
  }

  add(t: number): void {
    if (this.end === this.a.length) this.grow()
    // Usually the newest; a clock step backwards puts it in place.
    let i = this.end
    while (i > this.start && (this.a[i - 1] ?? 0) > t) {
      this.a[i] = this.a[i - 1] ?? 0
      i -= 1
    }
    this.a[i] = t
    this.end += 1
  }

  /** How many times are >= `from`. */
  countFrom(from: number): number {
    let lo = this.start
    let hi = this.end
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.a[mid] ?? 0) < from) lo = mid + 1
      else hi = mid
    }
    return this.end - lo
  }

  dropBefore(t: number): void {
    while (this.start < this.end && (this.a[this.start] ?? 0) < t) this.start += 1
  }

  private grow(): void {
    const live = this.a.subarray(this.start, this.end)
    const next = new Float64Array(Math.max(64, live.length * 2))
    next.set(live)
    this.a = next
    this.end = live.length
    this.start = 0
  }
}

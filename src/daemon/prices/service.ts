/**
 * PriceService: the one place the daemon turns amounts into USD. Sources are tried in order; the first FRESH quote
 * wins. A stale, unknown, failing or slow source falls through to the next, and when none has a fresh price the
 * answer is null, so callers fail closed (escalate or deny) instead of skipping a USD limit.
 *
 * Freshness: `now - maxAgeMs ≤ at ≤ now + MAX_FUTURE_SKEW_MS`. A timestamp far in the future means a broken clock
 * or a broken source, and would otherwise never go stale, so it is refused too.
 */
import { redactUrl } from '../../lib/networks.js'
import type { Logger } from '../log.js'
import type { PricesPort } from '../ports.js'
import type { AssetRef, PriceQuote, PriceSource } from './types.js'
import { usdMicrosOf } from './usd.js'

/** How far ahead of our clock a source's timestamp may be (clock skew between us and the origin). */
export const MAX_FUTURE_SKEW_MS = 60_000
const MAX_CACHE_ENTRIES = 2_000

export interface PriceServiceOptions {
  /** A quote observed longer ago than this is never used. */
  maxAgeMs: number
  now?: () => number
  /** How long a source's quote is reused before asking it again (default 30 s); 0 disables the cache. */
  cacheMs?: number
  /** Per source and lookup (default 5 s); a slower source counts as failed for that lookup. */
  timeoutMs?: number
  log?: Logger
}

/** What happened with one source during a lookup. */
export type PriceOutcome = 'fresh' | 'stale' | 'unknown' | 'error' | 'timeout' | 'invalid'

export interface PriceAttempt {
  source: string
  outcome: PriceOutcome
  /** Secret-free reason for anything but 'fresh'. */
  reason?: string
  /** The quote's `at`, when there was a quote. */
  at?: number
}

/** A lookup with its trail: which sources were asked and why each did or did not give the price. */
export interface PriceLookup {
  quote: PriceQuote | null
  attempts: PriceAttempt[]
}

interface CacheEntry {
  expires: number
  value: Promise<PriceQuote | null>
}

class SourceTimeout extends Error {}

export class PriceService implements PricesPort {
  private readonly sources: PriceSource[]
  private readonly maxAgeMs: number
  private readonly now: () => number
  private readonly cacheMs: number
  private readonly timeoutMs: number
  private readonly log: Logger | undefined
  private readonly cache = new Map<string, CacheEntry>()

  constructor(sources: PriceSource[], opts: PriceServiceOptions) {
    if (!(opts.maxAgeMs > 0)) throw new RangeError(`maxAgeMs must be positive, got ${opts.maxAgeMs}`)
    this.sources = [...sources]
    this.maxAgeMs = opts.maxAgeMs
    this.now = opts.now ?? Date.now
    this.cacheMs = opts.cacheMs ?? 30_000
    this.timeoutMs = opts.timeoutMs ?? 5_000
    this.log = opts.log
  }

  /** The source names in precedence order. */
  get sourceNames(): string[] {
    return this.sources.map((s) => s.name)
  }

  /** The first fresh quote in source order, or null when no source has one (callers fail closed). Never throws. */
  async quote(asset: AssetRef): Promise<PriceQuote | null> {
    return (await this.explain(asset)).quote
  }

  /** Like quote(), with the outcome of every source asked, for messages that say why no price was found. */
  async explain(asset: AssetRef): Promise<PriceLookup> {
    const attempts: PriceAttempt[] = []
    for (const [i, source] of this.sources.entries()) {
      const attempt = await this.ask(i, source, asset)
      attempts.push(attempt.attempt)
      if (attempt.quote !== null) return { quote: attempt.quote, attempts }
    }
    this.log?.debug('no fresh price', { network: asset.network, token: asset.token, symbol: asset.symbol, attempts })
    return { quote: null, attempts }
  }

  /**
   * USD value in micro-dollars of `amount` minor units, rounded up: ceil(amount × usdE18 / 10^(decimals + 12)).
   * 0n for a zero amount without asking any source; null when no fresh price exists. RangeError for a negative
   * amount or bad decimals (a bug in the caller).
   */
  async usdMicros(asset: AssetRef, amount: bigint): Promise<bigint | null> {
    usdMicrosOf(amount, asset.decimals, 0n) // validates before any lookup
    if (amount === 0n) return 0n
    const q = await this.quote(asset)
    return q === null ? null : usdMicrosOf(amount, asset.decimals, q.usdE18)
  }

  /** The sum of usdMicros over `items`; null if any non-zero amount has no fresh price. */
  async totalUsdMicros(items: { asset: AssetRef; amount: bigint }[]): Promise<bigint | null> {
    const values = await Promise.all(items.map((it) => this.usdMicros(it.asset, it.amount)))
    let total = 0n
    for (const v of values) {
      if (v === null) return null
      total += v
    }
    return total
  }

  /** Forgets cached quotes (after a config change, say). */
  clearCache(): void {
    this.cache.clear()
  }

  /** Closes every source that holds sockets. */
  async close(): Promise<void> {
    this.cache.clear()
    await Promise.allSettled(this.sources.map((s) => s.close?.()))
  }

  private async ask(index: number, source: PriceSource, asset: AssetRef): Promise<{ quote: PriceQuote | null; attempt: PriceAttempt }> {
    const key = `${index}|${asset.network}|${asset.token ?? ''}|${asset.symbol}`
    let attempt: PriceAttempt = { source: source.name, outcome: 'unknown' }
    // A cached quote that has gone stale is asked for again once, straight from the source.
    for (const useCache of this.cacheMs > 0 ? [true, false] : [false]) {
      let q: PriceQuote | null
      let cached = false
      try {
        const hit = useCache ? this.cache.get(key) : undefined
        if (hit !== undefined && hit.expires > this.now()) {
          cached = true
          q = await hit.value
        } else {
          q = await this.fetch(key, source, asset)
        }
      } catch (err) {
        const timeout = err instanceof SourceTimeout
        const reason = timeout ? `no answer within ${this.timeoutMs} ms` : describe(err)
        this.log?.debug('price source failed', { source: source.name, network: asset.network, reason })
        return { quote: null, attempt: { source: source.name, outcome: timeout ? 'timeout' : 'error', reason } }
      }
      if (q === null) {
        const reason = source.lastError
        return { quote: null, attempt: reason ? { source: source.name, outcome: 'unknown', reason } : { source: source.name, outcome: 'unknown' } }
      }
      const invalid = checkQuote(q)
      if (invalid !== null) return { quote: null, attempt: { source: source.name, outcome: 'invalid', reason: invalid } }
      const now = this.now()
      if (q.at > now + MAX_FUTURE_SKEW_MS) {
        return { quote: null, attempt: { source: source.name, outcome: 'invalid', reason: `observed ${q.at - now} ms in the future`, at: q.at } }
      }
      if (now - q.at <= this.maxAgeMs) return { quote: q, attempt: { source: source.name, outcome: 'fresh', at: q.at } }
      attempt = { source: source.name, outcome: 'stale', reason: `observed ${Math.round((now - q.at) / 1000)} s ago; the limit is ${Math.round(this.maxAgeMs / 1000)} s`, at: q.at }
      if (!cached) break
      this.cache.delete(key)
    }
    return { quote: null, attempt }
  }

  /** Asks the source under the timeout and caches the pending answer, so concurrent lookups share one request. */
  private fetch(key: string, source: PriceSource, asset: AssetRef): Promise<PriceQuote | null> {
    const value = withTimeout(() => source.quote(asset), this.timeoutMs)
    if (this.cacheMs > 0) {
      const entry: CacheEntry = { expires: this.now() + this.cacheMs, value }
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string)
      this.cache.set(key, entry)
      // Only quotes are cached: a failure or an unknown asset is asked again next time.
      const forget = (): void => {
        if (this.cache.get(key) === entry) this.cache.delete(key)
      }
      value.then((q) => (q === null ? forget() : undefined), forget)
    }
    return value
  }
}

/** Null for a well-formed quote, else why it is refused (a non-positive price would make every USD limit pass). */
function checkQuote(q: PriceQuote): string | null {
  if (typeof q.usdE18 !== 'bigint' || q.usdE18 <= 0n) return 'the price is not positive'
  if (!Number.isFinite(q.at)) return 'the quote has no valid time'
  return null
}

async function withTimeout<T>(fn: () => Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SourceTimeout()), ms)
  })
  try {
    return await Promise.race([Promise.resolve().then(fn), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A short, secret-free description of a thrown value: its code or name and the first line of its message. */
function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    // Node and RPC errors may quote the URL they failed on, with its credentials: redact before anyone sees it.
    const head = (err.message.split('\n')[0] ?? '').replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, (u) => redactUrl(u)).slice(0, 200)
    return typeof code === 'string' ? `${code}: ${head}` : head || err.name
  }
  return 'the source failed'
}

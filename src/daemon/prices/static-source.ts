/**
 * The operator's own price table from the config: `"<caip2>/native"`, `"<caip2>/<token>"` or `"symbol:<SYMBOL>"`
 * → a decimal USD string. An exact asset key wins over a symbol key.
 *
 * Freshness: the table is the operator's statement of what an asset is worth, not an observation of a market, so
 * its quotes are dated "now" and never go stale by themselves. An operator who wants the table to expire sets
 * `asOf` (an ISO time): quotes are then dated `asOf` and go stale `maxAgeSeconds` after it, like any other source.
 *
 * A symbol key matches any asset with that exact symbol (case-sensitive), including tokens anyone can deploy with a
 * copied symbol. Such a token is then valued like the real one, which only over-counts a worthless copy against
 * USD limits; prefer exact keys for anything the operator holds.
 */
import { WaiaasError } from '../../lib/errors.js'
import { assetKey, type AssetRef, type PriceQuote, type PriceSource } from './types.js'
import { parseUsd } from './usd.js'

export interface StaticPriceConfig {
  /** ISO time the table was written; absent: always fresh. */
  asOf?: string
  prices: Record<string, string>
}

export class StaticPriceSource implements PriceSource {
  readonly name = 'static'
  private readonly prices = new Map<string, bigint>()
  private readonly asOf: number | null

  /** Throws INPUT_INVALID naming `static.prices.<key>` or `static.asOf` (loadPriceConfig checks the same first). */
  constructor(config: StaticPriceConfig, private readonly now: () => number = Date.now) {
    for (const [key, text] of Object.entries(config.prices)) {
      const slash = key.startsWith('symbol:') ? -1 : key.indexOf('/')
      const canonical = slash === -1 ? key : assetKey({ network: key.slice(0, slash), token: key.slice(slash + 1) === 'native' ? null : key.slice(slash + 1) })
      this.prices.set(canonical, parseUsd(text, `static.prices.${key}`))
    }
    this.asOf = config.asOf === undefined ? null : Date.parse(config.asOf)
    if (this.asOf !== null && !Number.isFinite(this.asOf)) {
      throw new WaiaasError('INPUT_INVALID', 'static.asOf must be an ISO time such as "2025-01-31T12:00:00Z"', { details: { field: 'static.asOf' } })
    }
  }

  async quote(asset: AssetRef): Promise<PriceQuote | null> {
    const usdE18 = this.prices.get(assetKey(asset)) ?? this.prices.get(`symbol:${asset.symbol}`)
    if (usdE18 === undefined) return null
    return { usdE18, at: this.asOf ?? this.now(), source: this.name }
  }
}

/**
 * USD prices for the policy engine: pluggable sources with a staleness bound, fixed-point throughout. Build one
 * PriceService from the config with createPriceService and pass it down in the daemon context.
 */
import type { Logger } from '../log.js'
import { ChainlinkSource, type EvmRpcResolver } from './chainlink.js'
import { CoinGeckoSource, type CoinGeckoOptions } from './coingecko.js'
import type { PriceConfig } from './config.js'
import { PriceService } from './service.js'
import { StaticPriceSource } from './static-source.js'
import type { PriceSource } from './types.js'

export { AGGREGATOR_ABI, ChainlinkSource, type ChainlinkFeed, type EvmCaller, type EvmRpcResolver } from './chainlink.js'
export { COINGECKO_DEFAULT_BASE_URL, COINGECKO_NATIVE_IDS, COINGECKO_PLATFORMS, CoinGeckoSource, type CoinGeckoOptions } from './coingecko.js'
export { defaultPriceConfig, loadPriceConfig, parsePriceConfig, type PriceConfig } from './config.js'
export { JsonNumber, parseExactJson, type JsonValue } from './exact-json.js'
export { MAX_FUTURE_SKEW_MS, PriceService, type PriceAttempt, type PriceLookup, type PriceOutcome, type PriceServiceOptions } from './service.js'
export { StaticPriceSource, type StaticPriceConfig } from './static-source.js'
export { PRICE_SOURCE_NAMES, assetKey, canonicalToken, parseAssetKey, type AssetRef, type PriceQuote, type PriceSource, type PriceSourceName } from './types.js'
export { jsonNumberToE18, parseUsd, scaleToE18, usdMicrosOf } from './usd.js'

export interface PriceDeps {
  /** eth_call access to an EVM network, or null when the daemon has no RPC for it (Chainlink feeds). */
  evmRpc: EvmRpcResolver
  now?: () => number
  log?: Logger
  /** Reuse of a source's quote (default 30 s); 0 disables it. */
  cacheMs?: number
}

/** The PriceService a config describes: its sources in order, CoinGecko only when enabled. */
export function createPriceService(config: PriceConfig, deps: PriceDeps): PriceService {
  const now = deps.now ?? Date.now
  const sources: PriceSource[] = []
  for (const name of config.sources) {
    if (name === 'static') sources.push(new StaticPriceSource(config.static, now))
    else if (name === 'chainlink') sources.push(new ChainlinkSource(config.chainlink.feeds, deps.evmRpc))
    else if (config.coingecko.enabled) {
      const { baseUrl, apiKey, timeoutMs } = config.coingecko
      const opts: CoinGeckoOptions = { now }
      if (baseUrl !== undefined) opts.baseUrl = baseUrl
      if (apiKey !== undefined) opts.apiKey = apiKey
      if (timeoutMs !== undefined) opts.timeoutMs = timeoutMs
      sources.push(new CoinGeckoSource(opts))
    }
  }
  // The service's own per-source bound leaves CoinGecko room to report its own timeout first.
  const timeoutMs = Math.max(5_000, (config.coingecko.timeoutMs ?? 4_000) + 1_000)
  const opts: ConstructorParameters<typeof PriceService>[1] = { maxAgeMs: config.maxAgeSeconds * 1000, now, timeoutMs }
opts.cacheMs = deps.cacheMs ?? config.cacheSeconds * 1000
  if (deps.log !== undefined) opts.log = deps.log.child('prices')
  return new PriceService(sources, opts)
}

/**
 * An EvmCaller over the daemon's EvmRpc (`adapter.rpc`): eth_call at 'latest' through its retrying read().
 * Structural, so this module does not load the chain adapter.
 */
export function evmCallerFromRpc(rpc: { read<T>(op: string, method: string, params: unknown[]): Promise<T> }): { call(to: string, data: string): Promise<string> } {
  return { call: (to, data) => rpc.read<string>('read price feed', 'eth_call', [{ to, data }, 'latest']) }
}

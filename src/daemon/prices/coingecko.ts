/**
 * CoinGecko's public API over undici, as a price source. Off unless the operator enables it (no outbound HTTP by
 * default). Native coins are priced through `/simple/price` by coin id, tokens through `/simple/token_price/<platform>`
 * by contract address; `at` is CoinGecko's `last_updated_at`, and a quote without it is refused (its age is unknown).
 *
 * - Prices are read exactly: the body is parsed with parseExactJson, so "0.00000123" and "1.2e-7" become bigints
 *   without a float in between.
 * - Local networks are never sent anywhere. Testnet native coins are priced as their mainnet coin: an over-estimate
 *   that keeps USD limits meaningful (and only stricter) on testnets. Testnet tokens have no platform, so no price.
 * - Failures (HTTP errors, 429, timeouts, garbage) yield null and set `lastError`, a secret-free reason; after a
 *   429 the source stays quiet for the Retry-After time (at most 10 minutes, 60 s when not given).
 * - The API key travels only in a header (`x-cg-demo-api-key`, or `x-cg-pro-api-key` for pro-api.coingecko.com);
 *   it is never logged or put in an error. Redirects are not followed.
 */
import { LazyAgent } from '../http-agent.js'
import { SOLANA_DEVNET_ID, SOLANA_MAINNET_ID, SOLANA_TESTNET_ID, listNetworks } from '../../lib/networks.js'
import { JsonNumber, parseExactJson, type JsonValue } from './exact-json.js'
import type { AssetRef, PriceQuote, PriceSource } from './types.js'
import { jsonNumberToE18 } from './usd.js'

export const COINGECKO_DEFAULT_BASE_URL = 'https://api.coingecko.com/api/v3'

/** CAIP-2 → CoinGecko coin id of the native coin. */
export const COINGECKO_NATIVE_IDS: Readonly<Record<string, string>> = Object.freeze({
  'eip155:1': 'ethereum',
  'eip155:11155111': 'ethereum',
  'eip155:8453': 'ethereum',
  'eip155:84532': 'ethereum',
  'eip155:42161': 'ethereum',
  'eip155:421614': 'ethereum',
  'eip155:10': 'ethereum',
  'eip155:11155420': 'ethereum',
  // POL (formerly MATIC) is the native coin of Polygon PoS since 2024; 'matic-network' tracks the legacy token.
  'eip155:137': 'polygon-ecosystem-token',
  'eip155:80002': 'polygon-ecosystem-token',
  'eip155:56': 'binancecoin',
  'eip155:97': 'binancecoin',
  'eip155:43114': 'avalanche-2',
  'eip155:43113': 'avalanche-2',
  [SOLANA_MAINNET_ID]: 'solana',
  [SOLANA_DEVNET_ID]: 'solana',
  [SOLANA_TESTNET_ID]: 'solana',
})

/** CAIP-2 → CoinGecko asset platform for token prices (mainnets only: testnet contracts are not listed). */
export const COINGECKO_PLATFORMS: Readonly<Record<string, string>> = Object.freeze({
  'eip155:1': 'ethereum',
  'eip155:8453': 'base',
  'eip155:42161': 'arbitrum-one',
  'eip155:10': 'optimistic-ethereum',
  'eip155:137': 'polygon-pos',
  'eip155:56': 'binance-smart-chain',
  'eip155:43114': 'avalanche',
  [SOLANA_MAINNET_ID]: 'solana',
})

export interface CoinGeckoOptions {
  baseUrl?: string
  apiKey?: string
  /** Per request, connect to last body byte (default 4 s). */
  timeoutMs?: number
  /** Overrides and additions to COINGECKO_NATIVE_IDS / COINGECKO_PLATFORMS. */
  nativeIds?: Record<string, string>
  platforms?: Record<string, string>
  now?: () => number
}

const MAX_BODY_BYTES = 64 * 1024
const LOCAL = new Set(listNetworks().filter((n) => n.local).map((n) => n.id))

export class CoinGeckoSource implements PriceSource {
  readonly name = 'coingecko'
  /** Why the last lookup gave no price; null after a success. Never holds the API key or the URL. */
  lastError: string | null = null
  private readonly base: string
  private readonly headers: Record<string, string>
  private readonly timeoutMs: number
  private readonly nativeIds: Record<string, string>
  private readonly platforms: Record<string, string>
  private readonly now: () => number
  private readonly agent: LazyAgent
  private quietUntil = 0

  constructor(opts: CoinGeckoOptions = {}) {
    const base = new URL(opts.baseUrl ?? COINGECKO_DEFAULT_BASE_URL)
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new RangeError('coingecko.baseUrl must be an http(s) URL')
    this.base = base.href.replace(/\/+$/, '')
    this.headers = { accept: 'application/json' }
    if (opts.apiKey !== undefined) this.headers[base.hostname === 'pro-api.coingecko.com' ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key'] = opts.apiKey
    this.timeoutMs = opts.timeoutMs ?? 4_000
    this.nativeIds = { ...COINGECKO_NATIVE_IDS, ...opts.nativeIds }
    this.platforms = { ...COINGECKO_PLATFORMS, ...opts.platforms }
    this.now = opts.now ?? Date.now
    this.agent = new LazyAgent({
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      maxResponseSize: MAX_BODY_BYTES,
    })
  }

  async quote(asset: AssetRef): Promise<PriceQuote | null> {
    const none = (why: string): null => {
      this.lastError = why
      return null
    }
    if (LOCAL.has(asset.network)) return none(`${asset.network} is a local network; CoinGecko is not asked about it`)
    let path: string
    let entryKey: string
    if (asset.token === null) {
      const id = this.nativeIds[asset.network]
      if (id === undefined) return none(`no CoinGecko coin id for the native coin of ${asset.network}`)
      path = `/simple/price?${new URLSearchParams({ ids: id, vs_currencies: 'usd', include_last_updated_at: 'true' })}`
      entryKey = id
    } else {
      const platform = this.platforms[asset.network]
      if (platform === undefined) return none(`no CoinGecko platform for tokens on ${asset.network}`)
      path = `/simple/token_price/${encodeURIComponent(platform)}?${new URLSearchParams({
        contract_addresses: asset.token,
        vs_currencies: 'usd',
        include_last_updated_at: 'true',
      })}`
      entryKey = asset.token
    }
    const waitMs = this.quietUntil - this.now()
    if (waitMs > 0) return none(`rate limited by CoinGecko; not asking again for ${Math.ceil(waitMs / 1000)} s`)

    const body = await this.get(path)
    if (typeof body !== 'string') return none(body.error)
    let json: JsonValue
    try {
      json = parseExactJson(body)
    } catch {
      return none(`CoinGecko answered ${path.split('?')[0]} with something that is not JSON`)
    }
    const entry = json instanceof Map ? lookup(json, entryKey, asset.network.startsWith('eip155:')) : undefined
    if (!(entry instanceof Map)) return none(`CoinGecko has no price for ${entryKey} on ${asset.network}`)
    const usd = entry.get('usd')
    const updated = entry.get('last_updated_at')
    const usdE18 = usd instanceof JsonNumber ? jsonNumberToE18(usd.raw) : null
    if (usdE18 === null) return none(`CoinGecko's answer for ${entryKey} has no usd number`)
    if (usdE18 <= 0n) return none(`CoinGecko's usd price for ${entryKey} is not positive`)
    if (!(updated instanceof JsonNumber) || !/^[0-9]{1,12}$/.test(updated.raw)) {
      return none(`CoinGecko's answer for ${entryKey} has no last_updated_at, so its age is unknown`)
    }
    this.lastError = null
    return { usdE18, at: Number(updated.raw) * 1000, source: this.name }
  }

  async close(): Promise<void> {
    await this.agent.close()
  }

  /** The body of a 200 answer, or a secret-free reason there is none. */
  private async get(path: string): Promise<string | { error: string }> {
    const shown = path.split('?')[0]
    const signal = AbortSignal.timeout(this.timeoutMs)
    try {
      const res = await this.agent.request(`${this.base}${path}`, { method: 'GET', headers: this.headers, signal })
      if (res.statusCode !== 200) {
        await res.body.dump().catch(() => undefined)
        if (res.statusCode === 429) {
          const retryAfter = Number(res.headers['retry-after'])
          const quietMs = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 600) * 1000 : 60_000
          this.quietUntil = this.now() + quietMs
          return { error: `rate limited by CoinGecko (HTTP 429); not asking again for ${quietMs / 1000} s` }
        }
        return { error: `CoinGecko answered ${shown} with HTTP ${res.statusCode}` }
      }
      return await res.body.text()
    } catch (err) {
      if (signal.aborted || isTimeout(err)) return { error: `no answer from CoinGecko within ${this.timeoutMs} ms` }
      const code = (err as { code?: unknown }).code
      return { error: `the CoinGecko request failed (${typeof code === 'string' ? code : 'no error code'})` }
    }
  }
}

/** The entry of `key`; EVM addresses compare case-insensitively (CoinGecko answers in lower case). */
function lookup(obj: Map<string, JsonValue>, key: string, evm: boolean): JsonValue | undefined {
  const hit = obj.get(key)
  if (hit !== undefined || !evm) return hit
  for (const [k, v] of obj) if (k.toLowerCase() === key.toLowerCase()) return v
  return undefined
}

function isTimeout(err: unknown): boolean {
  const code = (err as { code?: unknown; name?: unknown }).code
  const name = (err as { name?: unknown }).name
  return name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
}

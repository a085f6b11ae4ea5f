/**
 * The price configuration: which sources, in which order, and how old a price may be. Read from a JSON file; a
 * missing file means the defaults (the static table, then Chainlink feeds, then CoinGecko — which is off, so no
 * outbound HTTP happens unless the operator turns it on). Every error names the offending field.
 *
 * Prices in the static table must be decimal strings: a JSON number would pass through a float on the way in.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { isEvmAddressShape } from '../../lib/address.js'
import { WaiaasError } from '../../lib/errors.js'
import { CAIP2 } from '../../lib/networks.js'
import { PRICE_SOURCE_NAMES, parseAssetKey, type PriceSourceName } from './types.js'
import { parseUsd } from './usd.js'

export interface PriceConfig {
  /** A price observed longer ago than this is never used. */
  maxAgeSeconds: number
  /** How long a source's quote is reused before it is read again (default 30; 0: read every time). */
  cacheSeconds: number
  /** Precedence order; the first source with a fresh price wins. */
  sources: PriceSourceName[]
  static: { asOf?: string; prices: Record<string, string> }
  coingecko: { enabled: boolean; baseUrl?: string; apiKey?: string; timeoutMs?: number }
  chainlink: { feeds: Record<string, { network: string; address: string }> }
}

/** The configuration without a file. */
export function defaultPriceConfig(): PriceConfig {
  return { maxAgeSeconds: 600, cacheSeconds: 30, sources: ['static', 'chainlink', 'coingecko'], static: { prices: {} }, coingecko: { enabled: false }, chainlink: { feeds: {} } }
}

const schema = z.strictObject({
  maxAgeSeconds: z.number().int().min(1).max(7 * 86_400).optional(),
  cacheSeconds: z.number().int().min(0).max(3600).optional(),
  sources: z.array(z.enum(PRICE_SOURCE_NAMES)).max(PRICE_SOURCE_NAMES.length).optional(),
  static: z.strictObject({ asOf: z.string().max(64).optional(), prices: z.record(z.string(), z.string().max(100)).optional() }).optional(),
  coingecko: z
    .strictObject({
      enabled: z.boolean().optional(),
      baseUrl: z.string().max(2048).optional(),
      apiKey: z.string().min(1).max(256).optional(),
      timeoutMs: z.number().int().min(100).max(60_000).optional(),
    })
    .optional(),
  chainlink: z.strictObject({ feeds: z.record(z.string(), z.strictObject({ network: z.string(), address: z.string() })).optional() }).optional(),
})

function invalid(origin: string, field: string, why: string): never {
  throw new WaiaasError('INPUT_INVALID', `Invalid price config ${origin}: ${field} ${why}`, { details: { field, file: origin } })
}

/**
 * Validates a parsed config object and fills in the defaults; asset keys come back canonical (EVM lower-case).
 * Throws INPUT_INVALID with `details: { field, file }`; `origin` names where the value came from.
 */
export function parsePriceConfig(value: unknown, origin = '(inline)'): PriceConfig {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const path = issue.path.map(String)
    if (issue.code === 'unrecognized_keys') path.push(String(issue.keys[0]))
    const field = path.join('.') || '(root)'
    if (issue.code === 'unrecognized_keys') invalid(origin, field, 'is not a known field')
    const isPrice = path[0] === 'static' && path[1] === 'prices' && path.length === 3
    invalid(origin, field, isPrice ? 'must be a decimal string such as "3012.45" (a JSON number would be rounded)' : issue.message.replace(/^Invalid input: /, 'invalid: '))
  }
  const v = parsed.data
  const out = defaultPriceConfig()
  if (v.maxAgeSeconds !== undefined) out.maxAgeSeconds = v.maxAgeSeconds
  if (v.cacheSeconds !== undefined) out.cacheSeconds = v.cacheSeconds
  if (v.sources !== undefined) {
    if (new Set(v.sources).size !== v.sources.length) invalid(origin, 'sources', 'lists a source twice')
    out.sources = v.sources
  }
  if (v.static?.asOf !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}T/.test(v.static.asOf) || !Number.isFinite(Date.parse(v.static.asOf))) {
      invalid(origin, 'static.asOf', 'must be an ISO time such as "2025-01-31T12:00:00Z"')
    }
    out.static.asOf = v.static.asOf
  }
  for (const [key, text] of Object.entries(v.static?.prices ?? {})) {
    const field = `static.prices.${key}`
    let canonical = key
    if (key.startsWith('symbol:')) {
      if (!/^symbol:\S{1,32}$/.test(key)) invalid(origin, field, 'must name a symbol of 1-32 characters without spaces')
    } else {
      const k = parseAssetKey(key)
      if ('error' in k) invalid(origin, field, `is not a price key: ${k.error}, or "symbol:<SYMBOL>"`)
      canonical = k.key
    }
    if (Object.hasOwn(out.static.prices, canonical)) invalid(origin, field, 'names the same asset as another key')
    try {
      if (parseUsd(text, field) === 0n) invalid(origin, field, 'must be greater than 0 (a zero price would make every USD limit pass)')
    } catch (err) {
      if (err instanceof WaiaasError && err.code === 'INPUT_INVALID') invalid(origin, field, `is not a USD price: ${err.message.replace(/^.*?: /, '')}`)
      throw err
    }
    out.static.prices[canonical] = text
  }
  const cg = v.coingecko
  if (cg?.enabled !== undefined) out.coingecko.enabled = cg.enabled
  if (cg?.baseUrl !== undefined) {
    let url: URL | null = null
    try {
      url = new URL(cg.baseUrl)
    } catch {
      // reported below
    }
    if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) invalid(origin, 'coingecko.baseUrl', 'must be an http(s) URL')
    if (url.username !== '' || url.password !== '') invalid(origin, 'coingecko.baseUrl', 'must not hold credentials; use coingecko.apiKey')
    out.coingecko.baseUrl = cg.baseUrl
  }
  if (cg?.apiKey !== undefined) out.coingecko.apiKey = cg.apiKey
  if (cg?.timeoutMs !== undefined) out.coingecko.timeoutMs = cg.timeoutMs
  for (const [key, feed] of Object.entries(v.chainlink?.feeds ?? {})) {
    const field = `chainlink.feeds.${key}`
    const k = parseAssetKey(key)
    if ('error' in k) invalid(origin, field, `is not an asset key: ${k.error}`)
    if (Object.hasOwn(out.chainlink.feeds, k.key)) invalid(origin, field, 'names the same asset as another key')
    if (!CAIP2.test(feed.network) || !feed.network.startsWith('eip155:')) invalid(origin, `${field}.network`, 'must be the CAIP-2 id of an EVM network, e.g. "eip155:1"')
    if (!isEvmAddressShape(feed.address)) invalid(origin, `${field}.address`, 'must be an EVM address (0x and 40 hex digits)')
    out.chainlink.feeds[k.key] = { network: feed.network, address: feed.address.toLowerCase() }
  }
  return out
}

/**
 * Reads the price config from `file`; undefined or a missing file gives the defaults. Throws INPUT_INVALID with
 * `details: { field, file }` for bad JSON (`field: "(file)"`) or a bad field, INPUT_FILE_UNREADABLE when the file
 * exists but cannot be read.
 */
export function loadPriceConfig(file: string | undefined): PriceConfig {
  if (file === undefined) return defaultPriceConfig()
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (code === 'ENOENT') return defaultPriceConfig()
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot read the price config ${file} (${typeof code === 'string' ? code : 'read failed'})`, {
      details: { file },
      cause: err,
    })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    invalid(file, '(file)', 'is not valid JSON')
  }
  return parsePriceConfig(value, file)
}

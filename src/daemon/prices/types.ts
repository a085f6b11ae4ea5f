/**
 * The shapes every price source and consumer shares. Prices are fixed-point bigints, never floats: `usdE18` is US
 * dollars × 10^18 for ONE WHOLE UNIT of the asset (1 ETH, 1 USDC), so a price never depends on the asset's decimals.
 */
import { isEvmAddressShape, isSolanaAddressShape } from '../../lib/address.js'
import { CAIP2 } from '../../lib/networks.js'

/** An asset on a network. `token` is the canonical key (EVM lower-case, Solana base58); null is the native coin. */
export interface AssetRef {
  network: string
  token: string | null
  symbol: string
  decimals: number
}

/** A price as its origin reported it. `at` is when the origin observed it (ms epoch), not when we fetched it. */
export interface PriceQuote {
  usdE18: bigint
  at: number
  source: string
}

/** A pluggable origin of prices. */
export interface PriceSource {
  readonly name: string
  /** The latest quote, or null when this source does not know the asset. May throw; the service falls through. */
  quote(asset: AssetRef): Promise<PriceQuote | null>
  /** Why the last lookup yielded no price, secret-free (sources that swallow their failures set it). */
  readonly lastError?: string | null
  /** Releases sockets or timers. */
  close?(): Promise<void>
}

/** The source names a config may list; their order in `sources` is their precedence. */
export const PRICE_SOURCE_NAMES = ['static', 'chainlink', 'coingecko'] as const
export type PriceSourceName = (typeof PRICE_SOURCE_NAMES)[number]

/** The canonical form of a token key on `network`: lower-case on EVM, as written elsewhere (base58 is case-sensitive). */
export function canonicalToken(network: string, token: string): string {
  return network.startsWith('eip155:') ? token.toLowerCase() : token
}

/** `"<caip2>/native"` or `"<caip2>/<token key>"`: how configs name an asset. */
export function assetKey(asset: Pick<AssetRef, 'network' | 'token'>): string {
  return `${asset.network}/${asset.token === null ? 'native' : canonicalToken(asset.network, asset.token)}`
}

/**
 * Parses a config key `"<caip2>/native"` or `"<caip2>/<token>"` into its canonical form, or returns a reason it is
 * not one. Tokens must be EVM addresses on `eip155:` networks and base58 addresses on `solana:` networks.
 */
export function parseAssetKey(key: string): { key: string; network: string; token: string | null } | { error: string } {
  const slash = key.indexOf('/')
  if (slash === -1) return { error: 'expected "<caip2>/native" or "<caip2>/<token address>"' }
  const network = key.slice(0, slash)
  const token = key.slice(slash + 1)
  if (!CAIP2.test(network)) return { error: `"${network.slice(0, 80)}" is not a CAIP-2 network id such as "eip155:1"` }
  if (token === 'native') return { key: `${network}/native`, network, token: null }
  if (network.startsWith('eip155:')) {
    if (!isEvmAddressShape(token)) return { error: 'the token must be "native" or an EVM address (0x and 40 hex digits)' }
  } else if (network.startsWith('solana:')) {
    if (!isSolanaAddressShape(token)) return { error: 'the token must be "native" or a Solana mint address (base58)' }
  } else {
    return { error: 'only eip155: and solana: networks are supported' }
  }
  const canonical = canonicalToken(network, token)
  return { key: `${network}/${canonical}`, network, token: canonical }
}

/**
 * The token registry of a network: the built-in well-known tokens (src/lib/tokens.ts) and the ones the operator
 * registered (store/tokens.ts). It turns `--token USDC` into the one contract or mint the registry names for that
 * network, before anything is planned or decided, so the policies judge the resolved address. A symbol that names no
 * token, or several, is an error: it never picks a contract the registry does not name.
 */
import { WaiaasError } from '../lib/errors.js'
import { knownTokens, looksLikeSymbol } from '../lib/tokens.js'
import type { Db } from './store/db.js'
import { listTokens } from './store/tokens.js'

export interface RegistryToken {
  network: string
  address: string
  symbol: string
  decimals: number
  name: string | null
  source: 'built-in' | 'operator'
}

/** Every token of `network` (a CAIP-2 id): the built-in ones first, then the operator's, oldest first. */
export function registryTokens(db: Db, network: string): RegistryToken[] {
  return [
    ...knownTokens(network).map((t) => ({ ...t, source: 'built-in' as const })),
    ...listTokens(db, network).map((t) => ({ network: t.network, address: t.address, symbol: t.symbol, decimals: t.decimals, name: t.name, source: 'operator' as const })),
  ]
}

/** The registry's entry for an address already normalised by the network's adapter, if any. */
export function tokenByAddress(db: Db, network: string, address: string): RegistryToken | undefined {
  const key = address.toLowerCase()
  return registryTokens(db, network).find((t) => (t.address.startsWith('0x') ? t.address.toLowerCase() === key : t.address === address))
}

/**
 * The one token of `network` whose symbol is `symbol` (compared case-insensitively, so `usdc` and `USDC` are never
 * two different picks). Throws TOKEN_UNKNOWN when none has it, TOKEN_AMBIGUOUS when several do.
 */
export function tokenBySymbol(db: Db, network: string, symbol: string, field = 'token'): RegistryToken {
  const all = registryTokens(db, network)
  const matches = all.filter((t) => t.symbol.toLowerCase() === symbol.toLowerCase())
  if (matches.length === 1) return matches[0]!
  if (matches.length === 0) {
    throw new WaiaasError('TOKEN_UNKNOWN', `No token with symbol ${symbol} is known on ${network}`, {
      details: { field, network, symbol, known: [...new Set(all.map((t) => t.symbol))] },
    })
  }
  throw new WaiaasError('TOKEN_AMBIGUOUS', `${matches.length} tokens have the symbol ${symbol} on ${network}`, {
    details: { field, network, symbol, candidates: matches.map((t) => ({ address: t.address, symbol: t.symbol, name: t.name, source: t.source })) },
  })
}

/**
 * What a caller's `token` field names on `network`: a symbol is looked up in the registry and replaced by its address;
 * anything else is taken as an address (the adapter validates it later).
 */
export function resolveTokenRef(db: Db, network: string, ref: string, field = 'token'): string {
  return looksLikeSymbol(ref) ? tokenBySymbol(db, network, ref, field).address : ref
}

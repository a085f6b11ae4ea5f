import type { Db } from './db.js'
import { prepared } from './statements.js'

/** A token the operator registered for a network (beside the built-in list of src/lib/tokens.ts). */
export interface TokenRow {
  network: string
  address: string
  symbol: string
  decimals: number
  name: string | null
  createdAt: number
}

interface Row {
  network: string
  address: string
  symbol: string
  decimals: number
  name: string | null
  created_at: number
}

const toToken = (r: Row): TokenRow => ({ network: r.network, address: r.address, symbol: r.symbol, decimals: r.decimals, name: r.name, createdAt: r.created_at })

/** The registered tokens, of one network or of all, oldest first. */
export function listTokens(db: Db, network?: string): TokenRow[] {
  const rows =
    network === undefined
      ? prepared<[], Row>(db, 'SELECT network, address, symbol, decimals, name, created_at FROM tokens ORDER BY created_at, network, address').all()
      : prepared<[string], Row>(db, 'SELECT network, address, symbol, decimals, name, created_at FROM tokens WHERE network = ? ORDER BY created_at, address').all(network)
  return rows.map(toToken)
}

/** Registers a token; false when (network, address) is already registered (nothing changes). */
export function insertToken(db: Db, t: TokenRow): boolean {
  const r = prepared<[string, string, string, number, string | null, number]>(
    db,
    'INSERT INTO tokens (network, address, symbol, decimals, name, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (network, address) DO NOTHING',
  ).run(t.network, t.address, t.symbol, t.decimals, t.name, t.createdAt)
  return r.changes === 1
}

/** Removes a registered token; false when there was none. */
export function deleteToken(db: Db, network: string, address: string): boolean {
  return prepared<[string, string]>(db, 'DELETE FROM tokens WHERE network = ? AND address = ?').run(network, address).changes === 1
}

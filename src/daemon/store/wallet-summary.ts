/**
 * A wallet's name, chain and address by id, for views that show which wallet a row names (sessions, policies,
 * requests, notification payloads); undefined for a deleted wallet, which each view shows its own way.
 */
import type { Db } from './db.js'
import { prepared } from './statements.js'

export interface WalletSummary {
  name: string
  chain: 'evm' | 'solana'
  address: string
}

export function walletSummary(db: Db, id: string): WalletSummary | undefined {
  return prepared<[string], WalletSummary>(db, 'SELECT name, chain, address FROM wallets WHERE id = ?').get(id)
}

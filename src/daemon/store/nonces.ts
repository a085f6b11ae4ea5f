import type { Db } from './db.js'
import { prepared } from './statements.js'

/**
 * Persisted next nonces per EVM account: the EVM nonce manager's memory across restarts. The manager starts from
 * max(chain pending nonce, stored next nonce), so a nonce handed out before a crash is never handed out again.
 */
export interface NonceStore {
  load(chainId: number, address: string): bigint | undefined
  save(chainId: number, address: string, next: bigint): void
}

/**
 * The SQLite-backed NonceStore. It stores exactly what the nonce manager (the one writer) says: releasing the
 * highest nonce handed out legitimately lowers the next one, and a store that refused to go down would leave a
 * gap after a restart.
 */
export function sqliteNonceStore(db: Db): NonceStore {
  return {
    load(chainId, address) {
      const row = prepared<[number, string], { next_nonce: number }>(db, 'SELECT next_nonce FROM evm_nonces WHERE chain_id = ? AND address = ?').get(
        chainId,
        address.toLowerCase(),
      )
      return row === undefined ? undefined : BigInt(row.next_nonce)
    },
    save(chainId, address, next) {
      prepared<[number, string, number]>(
        db,
        `INSERT INTO evm_nonces (chain_id, address, next_nonce) VALUES (?, ?, ?)
         ON CONFLICT (chain_id, address) DO UPDATE SET next_nonce = excluded.next_nonce`,
      ).run(chainId, address.toLowerCase(), Number(next))
    },
  }
}

/** The EVM nonce lanes as stored (see nonces.ts): every account's next nonce, read once after a restart. */
import type { Db } from './db.js'
import { prepared } from './statements.js'

export interface NonceLane {
  chain_id: number
  address: string
  next_nonce: number
}

export function allNonceLanes(db: Db): NonceLane[] {
  return prepared<[], NonceLane>(db, 'SELECT chain_id, address, next_nonce FROM evm_nonces').all()
}

/** The public view of a wallet, as every transport shows it (balance, devnet and the wallet handlers share it). */
import type { Wallet } from '../lib/contract/index.js'
import type { WalletRow } from './store/wallets.js'

/** The public view of a wallet row: never the sealed key. */
export function toWallet(row: WalletRow): Wallet {
  return {
    id: row.id,
    name: row.name,
    chain: row.chain,
    address: row.address,
    publicKey: row.publicKey,
    source: row.source,
    derivationPath: row.derivationPath,
    owner: row.owner,
    createdAt: row.createdAt,
  }
}

import type { Wallet } from '../lib/contract/index.js'
import { fields, table, type Column, type TableOptions } from './render.js'

/** The human view of one wallet. */
export function walletFields(w: Wallet): string {
  return fields([
    ['name', w.name],
    ['id', w.id],
    ['chain', w.chain],
    ['address', w.address],
    ['source', w.source],
    ['path', w.derivationPath],
    ['created', w.createdAt],
  ])
}

/** The columns of `wallet list`. */
export const WALLET_COLUMNS: readonly Column[] = [['name', 'NAME'], ['chain', 'CHAIN'], ['address', 'ADDRESS'], ['id', 'ID']]

/** The human view of a list of wallets. */
export function walletTable(ws: Wallet[], opts: TableOptions = {}): string {
  return table(ws as unknown as Record<string, unknown>[], WALLET_COLUMNS, 'No wallets yet. Create one with `waiaas wallet create --chain evm`.', opts)
}

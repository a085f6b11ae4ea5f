import type { Wallet } from './contract.js'
import { fields, table } from './render.js'

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

/** The human view of a list of wallets. */
export function walletTable(ws: Wallet[]): string {
  return table(ws as unknown as Record<string, unknown>[], [
    ['name', 'NAME'],
    ['chain', 'CHAIN'],
    ['address', 'ADDRESS'],
    ['id', 'ID'],
  ], 'No wallets yet. Create one with `waiaas wallet create --chain evm`.')
}

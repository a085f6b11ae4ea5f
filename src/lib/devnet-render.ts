import type { Output } from './contract.js'
import { fields } from './render.js'

/** The human view of the devnet's state. */
export function devnetFields(d: Output<'devnet.status'>): string {
  if (!d.running) return 'The devnet is not running. Start it with `waiaas devnet start`.'
  return fields([
    ['evm-local', d.evm === null ? '-' : `${d.evm.url} (chain id ${d.evm.chainId}, anvil pid ${d.evm.pid})`],
    ['solana-local', d.solana === null ? '-' : `${d.solana.url} (ws ${d.solana.wsUrl})`],
    ['EVM test token', d.evm?.testToken ?? '(deployed by the first `devnet fund`)'],
    ['Solana test token', d.solana?.testToken ?? '(created by the first `devnet fund`)'],
  ])
}

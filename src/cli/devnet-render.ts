import type { Output } from '../lib/contract/index.js'
import { fields } from './render.js'

type ChainState = NonNullable<Output<'devnet.status'>['evm']>['state']

const STATE_TEXT: Record<ChainState, string> = {
  new: 'a new chain',
  resumed: 'resumed: the same chain as before, balances kept',
  reset: 'RESET: its earlier state was lost; fund your wallets again with `waiaas devnet fund`',
}

/** The human view of the devnet's state. */
export function devnetFields(d: Output<'devnet.status'>): string {
  if (!d.running) return 'The devnet is not running. Start it with `waiaas devnet start`.'
  return fields([
    ['evm-local', d.evm === null ? '-' : `${d.evm.url} (chain id ${d.evm.chainId}, anvil pid ${d.evm.pid}): ${STATE_TEXT[d.evm.state]}`],
    ['solana-local', d.solana === null ? '-' : `${d.solana.url} (ws ${d.solana.wsUrl}): ${STATE_TEXT[d.solana.state]}`],
    ['EVM test token', d.evm?.testToken ?? '(deployed by the first `devnet fund`)'],
    ['Solana test token', d.solana?.testToken ?? '(created by the first `devnet fund`)'],
  ])
}

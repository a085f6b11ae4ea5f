/**
 * The local chains of this vitest worker (test/setup/chains.ts starts one pair per worker): files that run side by
 * side never share an anvil or a Solana RPC, while the files of one worker run one after another.
 */
import { inject } from 'vitest'
import type { LocalChainPair } from '../setup/chains.js'

export function localChain(): LocalChainPair {
  const all = inject('localChains')
  const pool = Number(process.env.VITEST_POOL_ID ?? '1')
  const pair = all[(Math.max(1, pool) - 1) % all.length]
  if (pair === undefined) throw new Error('no local chains were provided (test/setup/chains.ts)')
  return pair
}

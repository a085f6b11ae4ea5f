/**
 * Vitest global setup: starts one pair of local chains (anvil and the litesvm-backed Solana RPC) per vitest worker, on
 * free loopback ports, and stops them at the end. A test file reaches its worker's pair with `localChain()`
 * (test/helpers/chains.ts), so a file that mines, warps or changes mining never disturbs a file running beside it
 * (as viem's test setup gives each pool id its own anvil). No test ever talks to a public network.
 */
import type { TestProject } from 'vitest/node'
import { startAnvil, type AnvilHandle } from '../../src/devnet/anvil.js'
import { startSolanaRpc, type SolanaRpcHandle } from '../../src/devnet/solana-rpc/server.js'

export interface LocalChainPair {
  evmRpcUrl: string
  evmChainId: number
  solanaRpcUrl: string
  solanaWsUrl: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** One pair per worker, indexed by VITEST_POOL_ID - 1. */
    localChains: LocalChainPair[]
  }
}

interface Started {
  pairs: { anvil: AnvilHandle; solana: SolanaRpcHandle }[]
  users: number
}

/** Shared by the projects of one run (each runs this setup), so they share the pairs rather than start more. */
const SHARED = Symbol.for('waiaas.test.localChains')
type Global = typeof globalThis & { [SHARED]?: Promise<Started> }

async function startPairs(workers: number): Promise<Started> {
  const pairs = await Promise.all(
    Array.from({ length: workers }, async () => {
      const [anvil, solana] = await Promise.all([startAnvil(), startSolanaRpc()])
      return { anvil, solana }
    }),
  )
  return { pairs, users: 0 }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const g = globalThis as Global
  const workers = Math.max(1, Number(project.vitest.config.maxWorkers) || 1)
  g[SHARED] ??= startPairs(workers)
  const started = await g[SHARED]
  started.users += 1
  project.provide(
    'localChains',
    started.pairs.map(({ anvil, solana }) => ({ evmRpcUrl: anvil.url, evmChainId: anvil.chainId, solanaRpcUrl: solana.url, solanaWsUrl: solana.wsUrl })),
  )
  return async () => {
    started.users -= 1
    if (started.users > 0) return
    delete g[SHARED]
    await Promise.all(started.pairs.flatMap(({ anvil, solana }) => [anvil.stop(), solana.stop()]))
  }
}

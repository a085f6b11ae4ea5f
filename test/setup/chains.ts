/**
 * Vitest global setup: starts the local chains once per run, on free loopback ports, and stops them at the end.
 * Tests read the endpoints with `inject('evmRpcUrl')` etc. No test ever talks to a public network.
 */
import type { TestProject } from 'vitest/node'
import { startAnvil } from '../../src/devnet/anvil.js'
import { startSolanaRpc } from '../../src/devnet/solana-rpc/server.js'

declare module 'vitest' {
  export interface ProvidedContext {
    evmRpcUrl: string
    evmChainId: number
    solanaRpcUrl: string
    solanaWsUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [anvil, solana] = await Promise.all([startAnvil(), startSolanaRpc()])
  project.provide('evmRpcUrl', anvil.url)
  project.provide('evmChainId', anvil.chainId)
  project.provide('solanaRpcUrl', solana.url)
  project.provide('solanaWsUrl', solana.wsUrl)
  return async () => {
    await Promise.all([anvil.stop(), solana.stop()])
  }
}

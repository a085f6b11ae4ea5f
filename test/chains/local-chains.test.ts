/** The global setup's local chains are up, on loopback, and answer like the nodes they stand in for. */
import { Connection, Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js'
import { JsonRpcProvider } from 'ethers'
import { describe, expect, it } from 'vitest'
import { localChain } from '../helpers/chains.js'

describe('local chains from the global setup', () => {
  it('serves anvil on loopback with chain id 31337 and funded dev accounts', async () => {
    const url = localChain().evmRpcUrl
    expect(new URL(url).hostname).toBe('127.0.0.1')
    const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    expect((await provider.getNetwork()).chainId).toBe(31337n)
    expect(await provider.getBalance('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')).toBeGreaterThan(0n)
    provider.destroy()
  })

  it('serves the litesvm-backed Solana RPC on loopback, with airdrops', async () => {
    const url = localChain().solanaRpcUrl
    expect(new URL(url).hostname).toBe('127.0.0.1')
    const conn = new Connection(url, { commitment: 'confirmed', wsEndpoint: localChain().solanaWsUrl })
    expect((await conn.getVersion())['solana-core']).toBeTypeOf('string')
    const who = Keypair.generate().publicKey
    const sig = await conn.requestAirdrop(who, 2 * LAMPORTS_PER_SOL)
    expect(sig).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/)
    expect(await conn.getBalance(who)).toBe(2 * LAMPORTS_PER_SOL)
  })
})

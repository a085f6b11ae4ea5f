/**
 * The Chainlink price source against MockAggregator on the global-setup anvil: answers scaled exactly from the
 * feed's decimals, the staleness bound on updatedAt, non-positive answers refused, feeds on another network than
 * the asset's, and fall-through to the next source when a feed is missing or its RPC fails.
 */
import { Contract, JsonRpcProvider, Wallet, toQuantity } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EvmRpc } from '../../src/daemon/chains/evm/provider.js'
import {
  ChainlinkSource,
  PriceService,
  StaticPriceSource,
  createPriceService,
  evmCallerFromRpc,
  parsePriceConfig,
  type AssetRef,
  type EvmCaller,
} from '../../src/daemon/prices/index.js'
import { EVM_LOCAL_ID } from '../../src/lib/networks.js'
import { compile, deploy, mined } from '../helpers/solc.js'
import { localChain } from '../helpers/chains.js'

const E18 = 10n ** 18n
/** A fixed observation time (s): the service's clock is injected, so anvil's block time does not matter. */
const T = 1_750_000_000
const NOW = T * 1000 + 5_000
const MAX_AGE_MS = 600_000

const ETH_BASE: AssetRef = { network: 'eip155:8453', token: null, symbol: 'ETH', decimals: 18 }
const LOCAL_ETH: AssetRef = { network: EVM_LOCAL_ID, token: null, symbol: 'ETH', decimals: 18 }
const TOKEN: AssetRef = { network: EVM_LOCAL_ID, token: '0x00000000000000000000000000000000000000aa', symbol: 'TKN', decimals: 6 }

let provider: JsonRpcProvider
let deployer: Wallet
let caller: EvmCaller & { calls: string[] }
let feed8: Contract
let feed18: Contract
let feed20: Contract
let rpc: EvmRpc

/** eth_call on the test anvil, counting the selectors it is asked for. */
function makeCaller(p: JsonRpcProvider): EvmCaller & { calls: string[] } {
  const c = {
    calls: [] as string[],
    call: async (to: string, data: string) => {
      c.calls.push(data.slice(0, 10))
      return p.call({ to, data })
    },
  }
  return c
}
const resolver = async (network: string): Promise<EvmCaller | null> => (network === EVM_LOCAL_ID ? caller : null)

async function setAnswer(feed: Contract, answer: bigint, updatedAt: number): Promise<void> {
  const tx = (await feed.getFunction('setAnswer')(answer, updatedAt)) as { hash: string }
  await mined(provider, tx.hash)
}

async function feedAt(decimals: number): Promise<Contract> {
  const address = await deploy(deployer, 'MockAggregator.sol', 'MockAggregator', [decimals])
  return new Contract(address, compile('MockAggregator.sol', 'MockAggregator').abi, deployer)
}

function service(feeds: Record<string, Contract>, now = NOW): PriceService {
  const table: Record<string, { network: string; address: string }> = {}
  for (const [key, c] of Object.entries(feeds)) table[key] = { network: EVM_LOCAL_ID, address: c.target as string }
  return new PriceService([new ChainlinkSource(table, resolver)], { maxAgeMs: MAX_AGE_MS, now: () => now, cacheMs: 0 })
}

beforeAll(async () => {
  provider = new JsonRpcProvider(localChain().evmRpcUrl, localChain().evmChainId, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  // A deployer of our own: other test files use anvil's dev accounts concurrently, and would race us for nonces.
  deployer = new Wallet(Wallet.createRandom().privateKey, provider)
  await provider.send('anvil_setBalance', [deployer.address, toQuantity(10n * E18)])
  feed8 = await feedAt(8)
  feed18 = await feedAt(18)
  feed20 = await feedAt(20)
  caller = makeCaller(provider)
  rpc = new EvmRpc({ network: EVM_LOCAL_ID, chainId: localChain().evmChainId, rpcUrl: localChain().evmRpcUrl, retryDelaysMs: [] })
})

afterAll(() => {
  rpc?.destroy()
  provider?.destroy()
})

describe('ChainlinkSource on anvil', () => {
  it('scales an 8-decimal answer exactly and dates it by updatedAt; decimals() is read once', async () => {
    await setAnswer(feed8, 3000_12345678n, T)
    const svc = service({ 'eip155:8453/native': feed8 })
    caller.calls.length = 0
    expect(await svc.quote(ETH_BASE)).toEqual({ usdE18: 3000_123456780000000000n, at: T * 1000, source: 'chainlink' })
    expect(await svc.usdMicros(ETH_BASE, E18)).toBe(3000_123457n) // 3000.12345678 rounded up to the micro-dollar
    expect(await svc.usdMicros(ETH_BASE, 1n)).toBe(1n)
    // decimals (0x313ce567) once, latestRoundData (0xfeaf968c) on every lookup.
    expect(caller.calls.filter((s) => s === '0x313ce567')).toHaveLength(1)
    expect(caller.calls.filter((s) => s === '0xfeaf968c')).toHaveLength(3)
  })

  it('18 and 20 decimal feeds: identity, and rounding up past 18', async () => {
    await setAnswer(feed18, 1_000100000000000000n, T)
    await setAnswer(feed20, 150_00000000000000000001n, T)
    const svc = service({ [`${EVM_LOCAL_ID}/${TOKEN.token!}`]: feed18, [`${EVM_LOCAL_ID}/native`]: feed20 })
    expect((await svc.quote(TOKEN))?.usdE18).toBe(1_000100000000000000n)
    expect(await svc.usdMicros(TOKEN, 2_000000n)).toBe(2_000200n)
    expect((await svc.quote(LOCAL_ETH))?.usdE18).toBe(150_000000000000000001n)
  })

  it('a stale updatedAt gives no price; a fresh round brings it back', async () => {
    const svc = service({ 'eip155:8453/native': feed8 })
    await setAnswer(feed8, 2500_00000000n, T - 601)
    const lookup = await svc.explain(ETH_BASE)
    expect(lookup.quote).toBeNull()
    expect(lookup.attempts).toMatchObject([{ source: 'chainlink', outcome: 'stale', at: (T - 601) * 1000 }])
    expect(await svc.usdMicros(ETH_BASE, E18)).toBeNull()
    await setAnswer(feed8, 2500_00000000n, T - 590)
    expect((await svc.quote(ETH_BASE))?.usdE18).toBe(2500n * E18)
  })

  it('a negative or zero answer, or a round never updated, gives no price', async () => {
    const svc = service({ 'eip155:8453/native': feed8 })
    await setAnswer(feed8, -1n, T)
    expect(await svc.quote(ETH_BASE)).toBeNull()
    expect((await svc.explain(ETH_BASE)).attempts[0]).toMatchObject({ outcome: 'unknown', reason: expect.stringMatching(/not a positive price/) as unknown })
    await setAnswer(feed8, 0n, T)
    expect(await svc.quote(ETH_BASE)).toBeNull()
    await setAnswer(feed8, 3000_00000000n, 0)
    expect(await svc.quote(ETH_BASE)).toBeNull()
    expect((await svc.explain(ETH_BASE)).attempts[0]?.reason).toMatch(/no completed round/)
  })

  it('falls through to the next source without a feed, without an RPC, or when the call fails', async () => {
    await setAnswer(feed8, 3000_00000000n, T)
    const fallback = new StaticPriceSource({ prices: { 'symbol:ETH': '1234' } }, () => NOW)
    const feeds = {
      'eip155:8453/native': { network: EVM_LOCAL_ID, address: feed8.target as string },
      'eip155:1/native': { network: 'eip155:1', address: feed8.target as string }, // no RPC for eip155:1 here
      'eip155:10/native': { network: EVM_LOCAL_ID, address: '0x000000000000000000000000000000000000dead' }, // not a contract
    }
    const svc = new PriceService([new ChainlinkSource(feeds, resolver), fallback], { maxAgeMs: MAX_AGE_MS, now: () => NOW, cacheMs: 0 })
    expect((await svc.quote(ETH_BASE))?.source).toBe('chainlink')
    expect(await svc.explain({ ...ETH_BASE, network: 'eip155:42161' })).toMatchObject({ quote: { source: 'static' }, attempts: [{ outcome: 'unknown' }, { outcome: 'fresh' }] })
    const noRpc = await svc.explain({ ...ETH_BASE, network: 'eip155:1' })
    expect(noRpc.quote?.source).toBe('static')
    expect(noRpc.attempts[0]?.reason).toMatch(/no RPC for eip155:1/)
    const bad = await svc.explain({ ...ETH_BASE, network: 'eip155:10' })
    expect(bad.quote?.source).toBe('static')
    expect(bad.attempts[0]?.outcome).toBe('error')
  })

  it('through createPriceService and the daemon EvmRpc: Chainlink before the static table', async () => {
    await setAnswer(feed8, 3100_50000000n, T)
    const config = parsePriceConfig({
      maxAgeSeconds: 600,
      static: { prices: { 'eip155:8453/native': '1' } },
      chainlink: { feeds: { 'eip155:8453/native': { network: EVM_LOCAL_ID, address: (feed8.target as string).toUpperCase().replace('0X', '0x') } } },
    })
    const svc = createPriceService(config, { evmRpc: async (n) => (n === EVM_LOCAL_ID ? evmCallerFromRpc(rpc) : null), now: () => NOW })
    expect(svc.sourceNames).toEqual(['static', 'chainlink'])
    // The static table comes first by default: it wins while fresh.
    expect((await svc.quote(ETH_BASE))?.source).toBe('static')
    const chainlinkFirst = createPriceService({ ...config, sources: ['chainlink', 'static'] }, {
      evmRpc: async (n) => (n === EVM_LOCAL_ID ? evmCallerFromRpc(rpc) : null),
      now: () => NOW,
    })
    expect(await chainlinkFirst.quote(ETH_BASE)).toEqual({ usdE18: 3100_5n * 10n ** 17n, at: T * 1000, source: 'chainlink' })
    await setAnswer(feed8, 3100_50000000n, T - 3600)
    chainlinkFirst.clearCache()
    expect((await chainlinkFirst.quote(ETH_BASE))?.source).toBe('static')
    await Promise.all([svc.close(), chainlinkFirst.close()])
  })
})

/**
 * USD rules through the daemon with a real price source: a Chainlink-style feed on the local chain. A fresh price
 * tiers by USD; a stale, negative or unreadable one never skips the rule: it fails closed to APPROVAL, or to DENY
 * when the policy says so.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Contract, JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseAmount } from '../../src/lib/amounts.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { deploy, mined } from '../helpers/solc.js'
import { localChain } from '../helpers/chains.js'

const pricesFile = join(mkdtempSync(join(tmpdir(), 'waiaas-prices-')), 'prices.json')
let provider: JsonRpcProvider
let feed: Contract

beforeAll(async () => {
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  const deployer = new EthersWallet(EthersWallet.createRandom().privateKey, provider)
  await provider.send('anvil_setBalance', [deployer.address, '0x56bc75e2d63100000'])
  const address = await deploy(deployer, 'MockAggregator.sol', 'MockAggregator', [8])
  feed = new Contract(address, ['function setAnswer(int256,uint256)'], deployer)
  await setPrice(2000n * 10n ** 8n, 0)
  writeFileSync(
    pricesFile,
    JSON.stringify({ maxAgeSeconds: 60, cacheSeconds: 0, sources: ['chainlink'], chainlink: { feeds: { 'eip155:31337/native': { network: 'eip155:31337', address } } } }),
  )
})

/** Sets the feed's answer (8 decimals) as of `ageSeconds` ago, by the chain's own clock. */
async function setPrice(answer: bigint, ageSeconds: number): Promise<void> {
  const block = await provider.getBlock('latest')
  const tx = (await feed.getFunction('setAnswer')(answer, BigInt((block?.timestamp ?? 0) - ageSeconds))) as { hash: string }
  await mined(provider, tx.hash)
}

// Registered after the feed is deployed and the config written: the daemon reads its price sources at start.
const t = useDaemon({ env: { pipelineTickMs: 50, pricesFile } })
const auth = { password: PASSWORD }

describe('USD rules and price sources', () => {
  beforeAll(async () => {
    await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, auth)
    for (const name of ['usd-a', 'usd-d']) {
      const w = await t.client.call('wallet.create', { chain: 'evm', name }, auth)
      await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
    }
    await t.client.call('policy.add', { wallet: 'usd-a', type: 'SPENDING_LIMIT', rules: { instant_max_usd: '100', notify_max_usd: '500' } }, auth)
    await t.client.call('policy.add', { wallet: 'usd-d', type: 'SPENDING_LIMIT', rules: { instant_max_usd: '100', price_unavailable: 'DENY' } }, auth)
  })

  const probe = (wallet: string, amount: string) =>
    t.client.call('policy.test', { wallet, network: 'evm-local', to: EthersWallet.createRandom().address, amount })

  /** $2000/ETH of `eth` plus the fee, in micro-dollars, rounded up per amount as the price service does. */
  const usdOf = (eth: string, fee: string): bigint => {
    const micros = (wei: bigint): bigint => (wei * 2000n * 10n ** 6n + 10n ** 18n - 1n) / 10n ** 18n
    return micros(parseAmount(eth, 18)) + micros(parseAmount(fee, 18))
  }
  const micros = (usd: string | null): bigint => parseAmount(usd ?? 'NaN', 6)

  it('tiers by USD with a fresh price ($2000/ETH); the maximum fee counts with the value', async () => {
    const small = await probe('usd-a', '0.04') // $80 plus the fee
    expect(small.tier).toBe('INSTANT')
    expect(small.maxFee).not.toBeNull()
    expect(micros(small.usd)).toBe(usdOf('0.04', small.maxFee ?? ''))
    expect(micros(small.usd)).toBeGreaterThan(80_000_000n)
    const mid = await probe('usd-a', '0.1') // $200
    expect(mid.tier).toBe('NOTIFY')
    expect(mid.decisive.wouldPass).toMatch(/100/)
    const r = await t.client.call('tx.send', { wallet: 'usd-a', network: 'evm-local', to: EthersWallet.createRandom().address, amount: '0.04' }, auth)
    expect(r.tier).toBe('INSTANT')
    expect(micros(r.usd)).toBe(usdOf('0.04', r.fee ?? ''))
    // Once mined, the row counts what the fee really cost, which is no more than its maximum.
    const done = await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })
    expect(done.state).toBe('confirmed')
    const receipt = await provider.getTransactionReceipt(done.txHash ?? '')
    const paid = (receipt?.gasUsed ?? 0n) * (receipt?.gasPrice ?? 0n)
    expect(parseAmount(done.fee ?? '', 18)).toBe(paid)
    expect(paid).toBeLessThanOrEqual(parseAmount(r.fee ?? '', 18))
    expect(micros(done.usd)).toBeLessThanOrEqual(micros(r.usd))
    expect(micros(done.usd)).toBeGreaterThanOrEqual(80_000_000n)
  })

  it('a balance shows its USD value from the same price source: exact while the price is fresh, null once it is stale', async () => {
    const w = await t.client.call('wallet.show', { wallet: 'usd-d' })
    await provider.send('anvil_setBalance', [w.address, '0x1bc16d674ec80001']) // 2 ETH + 1 wei
    const fresh = await t.client.call('balance.get', { wallet: 'usd-d', network: 'evm-local' })
    expect(fresh.balances[0]).toMatchObject({ token: null, symbol: 'ETH', amount: '2.000000000000000001' })
    // $4000 and a micro-dollar: the one wei rounds up, as every USD value the policies count does.
    expect(fresh.balances[0]?.usd).toBe('4000.000001')
    await setPrice(2000n * 10n ** 8n, 3600)
    try {
      expect((await t.client.call('balance.get', { wallet: 'usd-d', network: 'evm-local' })).balances[0]?.usd).toBeNull()
    } finally {
      await setPrice(2000n * 10n ** 8n, 0)
      await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
    }
  })

  it('a stale price fails closed: APPROVAL by default, DENY when the policy says so', async () => {
    await setPrice(2000n * 10n ** 8n, 3600)
    const a = await probe('usd-a', '0.001') // $2 if the price were used
    expect(a.tier).toBe('APPROVAL')
    expect(a.usd).toBeNull()
    const d = await probe('usd-d', '0.001')
    expect(d.tier).toBe('DENY')
    const sent = await t.client.call('tx.send', { wallet: 'usd-a', network: 'evm-local', to: EthersWallet.createRandom().address, amount: '0.001' }, auth)
    expect(sent.state).toBe('awaiting_approval')
    expect((await catchAsync(t.client.call('tx.send', { wallet: 'usd-d', network: 'evm-local', to: EthersWallet.createRandom().address, amount: '0.001' }, auth))).code).toBe('POLICY_DENIED')
  })

  it('a negative answer is no price; a fresh one again is used at once', async () => {
    await setPrice(-1n, 0)
    expect((await probe('usd-a', '0.001')).tier).toBe('APPROVAL')
    await setPrice(2000n * 10n ** 8n, 0)
    // The service caches real quotes only, so the fresh one is read now.
    expect((await probe('usd-a', '0.001')).tier).toBe('INSTANT')
  })

  it('a price source that cannot be reached fails closed', async () => {
    // The feed lives on evm-local; point it at a closed port and nothing can be read.
    await t.client.call('network.set', { network: 'evm-local', rpcUrl: 'http://127.0.0.1:1' }, auth)
    try {
      const err = await catchAsync(probe('usd-d', '0.001'))
      // The transfer itself cannot be built either, so the daemon reports the chain as unreachable rather than guess.
      expect(['CHAIN_RPC_UNREACHABLE']).toContain(err.code)
    } finally {
      await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, auth)
    }
  })
})

/**
 * The daemon-hosted playground: start, fund an EVM and a Solana wallet (native and test token), check the balances
 * on the chains themselves, stop, and the local networks point back at their defaults (the devnet's batcher too).
 */
import { Connection, PublicKey } from '@solana/web3.js'
import { Contract, JsonRpcProvider, keccak256 } from 'ethers'
import { describe, expect, it } from 'vitest'
import { BATCHER_CODE_HASH } from '../../src/daemon/chains/evm/batcher.generated.js'
import { DEVNET_BATCHER } from '../../src/daemon/devnet-batcher.js'
import { TEST_TOKEN_ABI } from '../../src/devnet/test-token.generated.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'

const t = useDaemon()
const auth = { password: PASSWORD }

describe('devnet', () => {
  it('refuses to fund while stopped, with a hint to start it', async () => {
    const w = await t.client.call('wallet.create', { chain: 'evm', name: 'early' }, auth)
    const e = await catchAsync(t.client.call('devnet.fund', { wallet: w.id }, auth))
    expect(e.code).toBe('CHAIN_RPC_UNREACHABLE')
    expect(e.hint).toContain('devnet start')
  })

  it('starts, points the local networks at itself, funds wallets exactly, and stops', async () => {
    const info = await t.client.call('devnet.start', {}, auth)
    expect(info.running).toBe(true)
    expect(new URL(info.evm!.url).hostname).toBe('127.0.0.1')
    expect((await t.client.call('devnet.start', {}, auth)).evm?.pid).toBe(info.evm?.pid) // idempotent
    const nets = (await t.client.call('network.list', {})).networks
    expect(nets.find((n) => n.aliases.includes('evm-local'))?.rpcUrl).toBe(info.evm!.url)
    expect(nets.find((n) => n.aliases.includes('solana-local'))?.rpcUrl).toBe(info.solana!.url)
    // The batcher of EVM tx.sendBatch is in place and allowlisted, with the code the daemon trusts.
    const batcher = nets.find((n) => n.aliases.includes('evm-local'))?.batchContract
    expect(batcher).toBe(DEVNET_BATCHER)

    const evm = await t.client.call('wallet.create', { chain: 'evm', name: 'dev-evm' }, auth)
    const funded = await t.client.call('devnet.fund', { wallet: 'dev-evm', amount: '1.5', tokenAmount: '250' }, auth)
    expect(funded.funded.map((f) => f.amount)).toEqual(['1500000000000000000', '250000000'])
    const provider = new JsonRpcProvider(info.evm!.url, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    expect(await provider.getBalance(evm.address)).toBe(1_500_000_000_000_000_000n)
    expect(keccak256(await provider.getCode(DEVNET_BATCHER))).toBe(BATCHER_CODE_HASH)
    const tokenAddress = funded.funded[1]!.asset
    const token = new Contract(tokenAddress, TEST_TOKEN_ABI, provider)
    expect(await token.getFunction('balanceOf')(evm.address)).toBe(250_000_000n)
    expect(await token.getFunction('decimals')()).toBe(6n)
    // A second fund adds to the balance and reuses the same token.
    const again = await t.client.call('devnet.fund', { wallet: evm.id, amount: '0.5', tokenAmount: '1' }, auth)
    expect(again.funded[1]!.asset).toBe(tokenAddress)
    expect(await provider.getBalance(evm.address)).toBe(2_000_000_000_000_000_000n)
    provider.destroy()

    const sol = await t.client.call('wallet.create', { chain: 'solana', name: 'dev-sol' }, auth)
    const sf = await t.client.call('devnet.fund', { wallet: sol.id, amount: '2', tokenAmount: '3.5' }, auth)
    const conn = new Connection(info.solana!.url, { commitment: 'confirmed', wsEndpoint: info.solana!.wsUrl })
    expect(await conn.getBalance(new PublicKey(sol.address))).toBe(2_000_000_000)
    const held = await conn.getParsedTokenAccountsByOwner(new PublicKey(sol.address), { mint: new PublicKey(sf.funded[1]!.asset) })
    expect(held.value[0]?.account.data.parsed.info.tokenAmount.amount).toBe('3500000')

    expect((await catchAsync(t.client.call('devnet.fund', { wallet: sol.id, amount: '-1' }, auth))).code).toBe('INPUT_INVALID_AMOUNT')
    expect((await catchAsync(t.client.call('devnet.fund', { wallet: sol.id, tokenAmount: '0.0000001' }, auth))).code).toBe('INPUT_INVALID_AMOUNT')

    const stopped = await t.client.call('devnet.stop', {}, auth)
    expect(stopped.running).toBe(false)
    const after = (await t.client.call('network.list', {})).networks
    expect(after.find((n) => n.aliases.includes('evm-local'))?.rpcUrl).toBe('http://127.0.0.1:8545')
    expect(after.find((n) => n.aliases.includes('evm-local'))?.batchContract).toBeNull()
    expect((await t.client.call('devnet.status', {})).running).toBe(false)
  })

  it('needs the operator to start', async () => {
    expect((await catchAsync(t.client.call('devnet.start', {}))).code).toBe('AUTH_REQUIRED')
  })
})

describe('balances', () => {
  it('reads native and token balances through the adapters on both local chains', async () => {
    const info = await t.client.call('devnet.start', {}, auth)
    expect(info.running).toBe(true)
    const evm = await t.client.call('wallet.create', { chain: 'evm', name: 'bal-evm' }, auth)
    const sol = await t.client.call('wallet.create', { chain: 'solana', name: 'bal-sol' }, auth)
    const fe = await t.client.call('devnet.fund', { wallet: evm.id, amount: '1.25', tokenAmount: '42.5' }, auth)
    await t.client.call('devnet.fund', { wallet: sol.id, amount: '0.5', tokenAmount: '7' }, auth)

    const native = await t.client.call('balance.get', { wallet: 'bal-evm' }) // defaults to evm-local while the devnet runs
    expect(native.network).toBe('eip155:31337')
    // No price source knows the devnet's coin: its USD value is null, not 0.
    expect(native.balances).toEqual([{ token: null, symbol: 'ETH', decimals: 18, amount: '1.25', raw: '1250000000000000000', usd: null }])
    const token = await t.client.call('balance.get', { wallet: 'bal-evm', network: 'evm-local', token: fe.funded[1]!.asset })
    expect(token.balances[0]).toMatchObject({ symbol: 'TUSD', decimals: 6, amount: '42.5', raw: '42500000' })

    const s = await t.client.call('balance.get', { wallet: 'bal-sol', network: 'solana-local' })
    expect(s.balances[0]).toMatchObject({ token: null, symbol: 'SOL', decimals: 9, amount: '0.5' })
    expect(s.balances.slice(1).map((b) => [b.decimals, b.amount])).toEqual([[6, '7']])

    expect((await catchAsync(t.client.call('balance.get', { wallet: 'bal-sol', network: 'evm-local' }))).code).toBe('NETWORK_MISMATCH')
    expect((await catchAsync(t.client.call('balance.get', { wallet: 'bal-evm', network: 'evm-local', token: 'not-an-address' }))).code).toBe('INPUT_INVALID_ADDRESS')
    await t.client.call('devnet.stop', {}, auth)
    expect((await catchAsync(t.client.call('balance.get', { wallet: 'bal-evm' }))).code).toBe('INPUT_INVALID')
  })
})

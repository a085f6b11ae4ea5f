/**
 * Speed-up of a stuck EVM transaction through the pipeline, on a private anvil that mines only when told to: the
 * replacement keeps the nonce, raises the fees, stays within FEE_CAP, and whichever hash lands confirms the request;
 * a cancellation by replacement (a 0-value transfer to itself, same nonce) that lands cancels the request.
 */
import { formatUnits, JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAnvil, type AnvilHandle } from '../../src/devnet/anvil.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const auth = { password: PASSWORD }
let anvil: AnvilHandle
let provider: JsonRpcProvider

beforeAll(async () => {
  anvil = await startAnvil({ chainId: 31337, extraArgs: ['--no-mining'] })
  provider = new JsonRpcProvider(anvil.url, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: anvil.url }, auth)
  const w = await t.client.call('wallet.create', { chain: 'evm', name: 'stuck' }, auth)
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  await t.client.call('policy.add', { wallet: 'stuck', type: 'SPENDING_LIMIT', rules: { instant_max: '1' } }, auth)
  await t.client.call('policy.add', { wallet: 'stuck', type: 'FEE_CAP', rules: { max_fee: '0.01' } }, auth)
})

afterAll(async () => {
  await anvil?.stop()
})

describe('speed-up', () => {
  it('replaces a pending transaction with higher fees; the replacement confirms the request', async () => {
    const to = EthersWallet.createRandom().address
    const r = await t.client.call('tx.send', { wallet: 'stuck', network: 'evm-local', to, amount: '0.1' }, auth)
    expect(r.state).toBe('submitted')
    const old = await provider.getTransaction(r.txHash ?? '')
    // Cap the fee at twice what the original may pay: a 50% bump fits, a 500% one does not.
    const cap = (old?.gasLimit ?? 0n) * (old?.maxFeePerGas ?? 0n) * 2n
    const { policies } = await t.client.call('policy.list', { wallet: 'stuck', type: 'FEE_CAP' })
    await t.client.call('policy.update', { id: policies[0]?.id ?? '', rules: { max_fee: formatUnits(cap, 18) } }, auth)
    const fast = await t.client.call('tx.speedUp', { id: r.id, bumpPercent: 50 }, auth)
    expect(fast.txHash).not.toBe(r.txHash)
    const replacement = await provider.getTransaction(fast.txHash ?? '')
    expect(replacement?.nonce).toBe(old?.nonce)
    expect(replacement?.maxFeePerGas ?? 0n).toBeGreaterThan(((old?.maxFeePerGas ?? 0n) * 15n) / 10n - 1n)
    // Far beyond the FEE_CAP: refused, and the request is unchanged.
    const capped = await catchAsync(t.client.call('tx.speedUp', { id: r.id, bumpPercent: 500 }, auth))
    expect(capped.code).toBe('CHAIN_FEE_TOO_HIGH')
    await provider.send('evm_mine', [])
    const done = await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })
    expect(done).toMatchObject({ state: 'confirmed', txHash: fast.txHash })
    expect(await provider.getBalance(to)).toBe(10n ** 17n)
    expect((await catchAsync(t.client.call('tx.speedUp', { id: r.id }, auth))).code).toBe('TX_STATE_CONFLICT')
  })
  it('cancels a pending transaction by replacement: the self-transfer lands, nothing moves, the reservation is freed', async () => {
    const to = EthersWallet.createRandom().address
    // A daily limit of 0.5: 0.1 was spent above; with 0.2 reserved here, another 0.3 would pass it.
    const { policies } = await t.client.call('policy.list', { wallet: 'stuck', type: 'SPENDING_LIMIT' })
    await t.client.call('policy.update', { id: policies[0]?.id ?? '', rules: { instant_max: '1', daily_limit: '0.5' } }, auth)
    const r = await t.client.call('tx.send', { wallet: 'stuck', network: 'evm-local', to, amount: '0.2' }, auth)
    expect(r.state).toBe('submitted')
    const probe = { wallet: 'stuck', network: 'evm-local', to, amount: '0.3' }
    expect((await t.client.call('policy.test', probe)).tier).toBe('APPROVAL')
    const old = await provider.getTransaction(r.txHash ?? '')
    const cancelling = await t.client.call('tx.cancel', { id: r.id }, auth)
    expect(cancelling.state).toBe('submitted') // until one of the two transactions lands
    expect(cancelling.txHash).not.toBe(r.txHash)
    const replacement = await provider.getTransaction(cancelling.txHash ?? '')
    expect(replacement).toMatchObject({ nonce: old?.nonce, to: old?.from, value: 0n, data: '0x' })
    expect(replacement?.maxFeePerGas ?? 0n).toBeGreaterThan(old?.maxFeePerGas ?? 0n)
    expect((await catchAsync(t.client.call('tx.cancel', { id: r.id }, auth))).code).toBe('TX_STATE_CONFLICT')
    await provider.send('evm_mine', [])
    const done = await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })
    expect(done).toMatchObject({ state: 'cancelled', txHash: cancelling.txHash, final: true })
    expect(await provider.getBalance(to)).toBe(0n)
    expect(await provider.getTransactionCount(old?.from ?? '')).toBe((old?.nonce ?? 0) + 1)
    // The 0.2 reserved was released: the same 0.3 now fits the day.
    expect((await t.client.call('policy.test', probe)).tier).toBe('INSTANT')
  })
})

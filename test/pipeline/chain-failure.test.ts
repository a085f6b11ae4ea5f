/**
 * A transaction that passes simulation but reverts when mined, on a private anvil that mines only when told to: a
 * contract call is simulated while the gate is open, signed and broadcast; someone else closes the gate in the same
 * block, ahead of it. The request ends `failed` with CHAIN_REVERTED and the on-chain reason, keeps its hash, pays
 * only gas, frees its reservation in the daily limit, and leaves the nonce bookkeeping right (the next send uses the
 * next nonce and confirms). The owner hears about it once, as `tx.failed`, on a webhook.
 */
import { Contract, JsonRpcProvider, parseEther, Wallet as EthersWallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAnvil, type AnvilHandle } from '../../src/devnet/anvil.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { compile, mined } from '../helpers/solc.js'
import { startReceiver, until, type Receiver } from '../notify/receiver.js'

const t = useDaemon({ env: { pipelineTickMs: 50, notifyIntervalMs: 50 } })
const op = { password: PASSWORD }
let anvil: AnvilHandle
let provider: JsonRpcProvider
let hook: Receiver
let gate: Contract
let closer: ReturnType<typeof EthersWallet.createRandom>
let walletAddress = ''

const events = (): { event: string; data: Record<string, unknown> }[] => hook.requests.map((r) => JSON.parse(r.body) as { event: string; data: Record<string, unknown> })

beforeAll(async () => {
  // Automining while the contract is deployed, then only on evm_mine.
  anvil = await startAnvil({ chainId: 31337 })
  provider = new JsonRpcProvider(anvil.url, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  closer = EthersWallet.createRandom().connect(provider)
  await provider.send('anvil_setBalance', [closer.address, '0x56bc75e2d63100000'])
  const { abi, bytecode } = compile('Gate.sol', 'Gate')
  const deployTx = await closer.sendTransaction({ data: bytecode })
  const receipt = await mined(provider, deployTx.hash)
  gate = new Contract(receipt.contractAddress ?? '', abi, closer)
  await provider.send('evm_setAutomine', [false])

  hook = await startReceiver()
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: anvil.url }, op)
  const w = await t.client.call('wallet.create', { chain: 'evm', name: 'gated' }, op)
  walletAddress = w.address
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  await t.client.call('policy.add', { wallet: 'gated', type: 'SPENDING_LIMIT', rules: { instant_max: '1', daily_limit: '1' } }, op)
  await t.client.call('policy.add', { wallet: 'gated', type: 'CONTRACT_ALLOWLIST', rules: { contracts: [await gate.getAddress()] } }, op)
  await t.client.call('notify.add', { kind: 'webhook', url: `${hook.url}/events`, secret: 'chain-failure-secret-0123456789', events: ['tx.failed', 'tx.confirmed'] }, op)
}, 60_000)

afterAll(async () => {
  await hook?.close()
  await anvil?.stop()
})

describe('a transaction that reverts on chain', () => {
  it('ends failed with CHAIN_REVERTED and the reason, pays only gas, and frees its reservation', async () => {
    const gateAddress = await gate.getAddress()
    const before = await provider.getBalance(walletAddress)
    // 0.6 of the 1.0 daily limit, reserved while it is in flight.
    const r = await t.client.call('tx.call', { wallet: 'gated', network: 'evm-local', to: gateAddress, function: 'pass()', args: [], amount: '0.6' }, op)
    expect(r.state).toBe('submitted')
    expect(r.txHash).toMatch(/^0x[0-9a-f]{64}$/)
    const ours = await provider.getTransaction(r.txHash ?? '')
    // While it waits, a second 0.6 does not fit under the daily limit: it would need approval.
    const tested = await t.client.call('policy.test', { wallet: 'gated', network: 'evm-local', to: gateAddress, amount: '0.6', data: gate.interface.encodeFunctionData('pass') })
    expect(tested.tier).toBe('APPROVAL')

    // Someone closes the gate in the same block, with a far higher tip so it is ordered first.
    const tip = (ours?.maxPriorityFeePerGas ?? 1n) * 10n + parseEther('0.000000001')
    const close = await closer.sendTransaction({ to: gateAddress, data: gate.interface.encodeFunctionData('close'), maxPriorityFeePerGas: tip, maxFeePerGas: (ours?.maxFeePerGas ?? 0n) + tip })
    await provider.send('evm_mine', [])
    const closed = await mined(provider, close.hash)
    const receipt = await mined(provider, r.txHash ?? '')
    expect(closed.status).toBe(1)
    expect(receipt.status).toBe(0)
    expect(receipt.blockNumber).toBe(closed.blockNumber)

    const done = await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })
    expect(done).toMatchObject({ state: 'failed', txHash: r.txHash, error: { code: 'CHAIN_REVERTED' } })
    expect(done.error?.reason).toContain('gate closed')
    // The value stayed; only the gas of the reverted call was paid.
    const gas = receipt.gasUsed * receipt.gasPrice
    expect(await provider.getBalance(walletAddress)).toBe(before - gas)
    expect(await gate.getFunction('passes')()).toBe(0n)
    // The reservation is gone: 0.6 fits the daily limit again.
    const again = await t.client.call('policy.test', { wallet: 'gated', network: 'evm-local', to: gateAddress, amount: '0.6', data: gate.interface.encodeFunctionData('pass') })
    expect(again.tier).toBe('INSTANT')
  })

  it('tells the owner once, as tx.failed with the code and reason', async () => {
    const failed = await until('tx.failed delivered', () => events().filter((e) => e.event === 'tx.failed').length > 0 && events().filter((e) => e.event === 'tx.failed'))
    expect(failed).toHaveLength(1)
    expect(failed[0]?.data).toMatchObject({ code: 'CHAIN_REVERTED', wallet: 'gated', requestId: expect.any(String) })
    expect(String(failed[0]?.data.reason)).toContain('gate closed')
  })

  it('keeps the nonce right: the next send takes the next nonce and confirms', async () => {
    const nonce = await provider.getTransactionCount(walletAddress, 'latest')
    const to = EthersWallet.createRandom().address
    const r = await t.client.call('tx.send', { wallet: 'gated', network: 'evm-local', to, amount: '0.01' }, op)
    expect(r.state).toBe('submitted')
    expect((await provider.getTransaction(r.txHash ?? ''))?.nonce).toBe(nonce)
    await provider.send('evm_mine', [])
    expect(await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).toMatchObject({ state: 'confirmed' })
    expect(await provider.getBalance(to)).toBe(parseEther('0.01'))
    await until('tx.confirmed delivered', () => events().some((e) => e.event === 'tx.confirmed' && e.data.requestId === r.id))
    expect(events().filter((e) => e.event === 'tx.failed')).toHaveLength(1)
  })
})

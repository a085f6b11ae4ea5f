/**
 * Issue 13 item 4, performed as the attacker would: an agent with a session asks `sign tx` for a 1-wei transfer that
 * carries an enormous fee (21,000 gas at 100,000 gwei: 2.1 ETH) against a 1 ETH daily limit, then broadcasts what it
 * gets; and spreads fees over several transactions. The fee a transaction can cost leaves the wallet like any value:
 * without a FEE_CAP a caller's fee is held to a multiple of what the network suggests, and with one the fee still
 * counts against SPENDING_LIMIT. On Solana the same with a compute-unit price. The money is read from the chains.
 */
import { JsonRpcProvider, Transaction, Wallet as EthersWallet } from 'ethers'
import { ComputeBudgetProgram, Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, TransactionMessage, VersionedTransaction } from '@solana/web3.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAnvil, type AnvilHandle } from '../../src/devnet/anvil.js'
import type { Input, MethodName, Output } from '../../src/lib/contract/index.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const GWEI = 10n ** 9n
const ETH = 10n ** 18n
type Agent = <M extends MethodName>(method: M, params: Input<M>) => Promise<Output<M>>

async function agentFor(wallet: string): Promise<Agent> {
  const s = await t.client.call('session.create', { wallets: [wallet], permissions: ['read', 'sign'] }, op)
  return (method, params) => t.client.call(method, params, { token: s.token })
}

describe('EVM: fees count', () => {
  let provider: JsonRpcProvider
  let wallet: { id: string; address: string }
  let agent: Agent
  const attacker = EthersWallet.createRandom().address

  // A chain of its own: the huge tips this file pays would otherwise become the median tip that every other test
  // file's daemon reads from the shared chain's fee history.
  let anvil: AnvilHandle

  beforeAll(async () => {
    anvil = await startAnvil()
    await t.client.call('network.set', { network: 'evm-local', rpcUrl: anvil.url }, op)
    provider = new JsonRpcProvider(anvil.url, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    wallet = await t.client.call('wallet.create', { chain: 'evm', name: 'fees' }, op)
    await provider.send('anvil_setBalance', [wallet.address, '0x8ac7230489e80000']) // 10 ETH
    await t.client.call('policy.add', { wallet: 'fees', type: 'SPENDING_LIMIT', rules: { instant_max: '1', daily_limit: '1', on_exceed: 'DENY' } }, op)
    agent = await agentFor('fees')
  })

  afterAll(async () => {
    provider?.destroy()
    await anvil?.stop()
  })

  /** A 1-wei transfer to the attacker paying `feePerGas` for 21,000 gas (all of it as priority fee, so it is paid). */
  async function oneWei(feePerGas: bigint, nonceOffset = 0): Promise<string> {
    const nonce = (await provider.getTransactionCount(wallet.address, 'pending')) + nonceOffset
    return Transaction.from({ type: 2, chainId: 31337, nonce, to: attacker, value: 1n, gasLimit: 21_000n, maxFeePerGas: feePerGas, maxPriorityFeePerGas: feePerGas }).unsignedSerialized
  }

  it('a 2.1 ETH fee on a 1-wei transfer is refused without a FEE_CAP, and with one it still passes no 1 ETH daily limit', async () => {
    const before = await provider.getBalance(wallet.address)
    const drain = await catchAsync(agent('sign.tx', { wallet: 'fees', network: 'evm-local', transaction: await oneWei(100_000n * GWEI) }))
    expect(drain.code).toBe('POLICY_DENIED')
    // Within the limits (0.42 ETH) but thousands of times the market fee: the default bound refuses it.
    const bound = await catchAsync(agent('sign.tx', { wallet: 'fees', network: 'evm-local', transaction: await oneWei(20_000n * GWEI) }))
    expect(bound.code).toBe('POLICY_DENIED')
    expect(bound.details.rule).toBeNull()
    expect(bound.message).toMatch(/times what the network suggests/)
    // The operator allows large fees: the fee is still money leaving the wallet.
    const cap = await t.client.call('policy.add', { wallet: 'fees', type: 'FEE_CAP', rules: { max_fee: '10' } }, op)
    try {
      const limit = await catchAsync(agent('sign.tx', { wallet: 'fees', network: 'evm-local', transaction: await oneWei(100_000n * GWEI) }))
      expect(limit.code).toBe('POLICY_DENIED')
      expect((limit.details.rule as { field: string }).field).toBe('daily_limit')
      expect((await t.client.call('tx.show', { id: limit.details.id as string })).signature).toBeNull()
    } finally {
      await t.client.call('policy.remove', { id: cap.policy.id }, op)
    }
    expect(await provider.getBalance(wallet.address)).toBe(before)
    expect(await provider.getBalance(attacker)).toBe(0n)
  })

  it('fees spread over several transactions stop at the daily limit: what left the wallet stays within 1 ETH', async () => {
    const cap = await t.client.call('policy.add', { wallet: 'fees', type: 'FEE_CAP', rules: { max_fee: '0.5' } }, op)
    const before = await provider.getBalance(wallet.address)
    const feePerGas = (3n * ETH) / 10n / 21_000n // 0.3 ETH of fee each
    const signed: string[] = []
    for (let i = 0; i < 4; i++) {
      try {
        const r = await agent('sign.tx', { wallet: 'fees', network: 'evm-local', transaction: await oneWei(feePerGas, i) })
        signed.push(r.signature ?? '')
      } catch (err) {
        expect((err as { code: string }).code).toBe('POLICY_DENIED')
        expect(((err as { details: { rule: { field: string } } }).details.rule).field).toBe('daily_limit')
      }
    }
    expect(signed).toHaveLength(3)
    // The attacker broadcasts everything it got.
    for (const raw of signed) await (await provider.broadcastTransaction(raw)).wait()
    const spent = before - (await provider.getBalance(wallet.address))
    expect(spent).toBe(3n * (feePerGas * 21_000n + 1n))
    expect(spent).toBeLessThanOrEqual(ETH)
    await t.client.call('policy.remove', { id: cap.policy.id }, op)
  })
})

describe('Solana: the priority fee counts', () => {
  let conn: Connection
  let wallet: PublicKey
  let agent: Agent
  const attacker = Keypair.generate().publicKey

  beforeAll(async () => {
    await t.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, op)
    conn = new Connection(localChain().solanaRpcUrl, 'confirmed')
    wallet = new PublicKey((await t.client.call('wallet.create', { chain: 'solana', name: 'sfees' }, op)).address)
    await conn.requestAirdrop(wallet, 10 * LAMPORTS_PER_SOL)
    await t.client.call('policy.add', { wallet: 'sfees', type: 'SPENDING_LIMIT', rules: { instant_max: '1', daily_limit: '1', on_exceed: 'DENY' } }, op)
    agent = await agentFor('sfees')
  })

  /** A 1-lamport transfer with a compute-unit price of `microLamports` for 1.4M units. */
  async function oneLamport(microLamports: number): Promise<string> {
    const { blockhash } = await conn.getLatestBlockhash()
    const message = new TransactionMessage({
      payerKey: wallet,
      recentBlockhash: blockhash,
      instructions: [
        ComputeBudgetProgram.setComputeUnitLimit({ units: 1_400_000 }),
        ComputeBudgetProgram.setComputeUnitPrice({ microLamports }),
        SystemProgram.transfer({ fromPubkey: wallet, toPubkey: attacker, lamports: 1 }),
      ],
    }).compileToV0Message()
    return Buffer.from(new VersionedTransaction(message).serialize()).toString('base64')
  }

  it('a 2.1 SOL priority fee is refused without a FEE_CAP and by the daily limit with one; the wallet keeps its SOL', async () => {
    const before = await conn.getBalance(wallet)
    const price = 1_500_000_000 // micro-lamports per unit: 2.1 SOL for 1.4M units
    expect((await catchAsync(agent('sign.tx', { wallet: 'sfees', network: 'solana-local', transaction: await oneLamport(price) }))).code).toBe('POLICY_DENIED')
    // Within the limits (0.49 SOL) but far above what the node suggests: the default bound refuses it.
    const bound = await catchAsync(agent('sign.tx', { wallet: 'sfees', network: 'solana-local', transaction: await oneLamport(350_000_000) }))
    expect(bound.code).toBe('POLICY_DENIED')
    expect(bound.details.rule).toBeNull()
    expect(bound.message).toMatch(/times what the network suggests/)
    const cap = await t.client.call('policy.add', { wallet: 'sfees', type: 'FEE_CAP', rules: { max_fee: '10' } }, op)
    const limit = await catchAsync(agent('sign.tx', { wallet: 'sfees', network: 'solana-local', transaction: await oneLamport(price) }))
    expect(limit.code).toBe('POLICY_DENIED')
    expect((limit.details.rule as { field: string }).field).toBe('daily_limit')
    await t.client.call('policy.remove', { id: cap.policy.id }, op)
    // A small priority fee, as wallets set, is signed.
    const ok = await agent('sign.tx', { wallet: 'sfees', network: 'solana-local', transaction: await oneLamport(1000) })
    expect(ok.signature).not.toBeNull()
    expect(await conn.getBalance(wallet)).toBe(before)
    expect(await conn.getBalance(attacker)).toBe(0)
  })
})

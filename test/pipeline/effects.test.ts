/**
 * Issue 13, the systemic fix, performed as the attacker would: a contract the operator allowlisted (contract and
 * method) whose call looks harmless to the decoder (`ping()`, no arguments, no value) but spends an allowance the
 * wallet gave it long ago; a Solana transaction whose token transfer goes to an account the decoder cannot read
 * (created in the same transaction). The daemon simulates what the signed bytes do and judges that, through `call`
 * and `sign tx`, as an agent session; and when a contract changes what it does between the decision and a later
 * signing (an approval), the second simulation refuses to sign. Every test reads where the tokens are from the chain.
 */
import { Contract, Interface, JsonRpcProvider, Transaction, Wallet as EthersWallet } from 'ethers'
import { Connection, Keypair, PublicKey, SystemProgram, TransactionMessage, VersionedTransaction } from '@solana/web3.js'
import { ACCOUNT_SIZE, TOKEN_PROGRAM_ID, createInitializeAccount3Instruction, createTransferCheckedInstruction, getAccount, getMinimumBalanceForRentExemptAccount } from '@solana/spl-token'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Input, MethodName, Output } from '../../src/lib/contract/index.js'
import { WaiaasError } from '../../src/lib/errors.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { solanaTokenWallet } from '../helpers/solana-token.js'
import { deploy, mined } from '../helpers/solc.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const erc20 = new Interface(['function approve(address,uint256)', 'function transfer(address,uint256)', 'function balanceOf(address) view returns (uint256)', 'function allowance(address,address) view returns (uint256)'])
const siphonAbi = new Interface(['function ping()', 'function setTake(uint256)', 'function pings() view returns (uint256)'])

/** A client call as the agent session holding `token`. */
const as =
  (token: string) =>
  <M extends MethodName>(method: M, params: Input<M>): Promise<Output<M>> =>
    t.client.call(method, params, { token })

describe('EVM: a call that spends an old allowance is judged as the transfer it makes', () => {
  let provider: JsonRpcProvider
  let token: string
  let siphon: string
  let wallet: { id: string; address: string }
  let agent: ReturnType<typeof as>
  const beneficiary = EthersWallet.createRandom().address
  const friend = EthersWallet.createRandom().address
  const STARTING = 1_000_000_000n

  const balanceOf = async (who: string): Promise<bigint> => BigInt(await provider.call({ to: token, data: erc20.encodeFunctionData('balanceOf', [who]) }))
  const allowance = async (): Promise<bigint> => BigInt(await provider.call({ to: token, data: erc20.encodeFunctionData('allowance', [wallet.address, siphon]) }))

  beforeAll(async () => {
    await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
    provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    wallet = await t.client.call('wallet.create', { chain: 'evm', name: 'sip' }, op)
    await provider.send('anvil_setBalance', [wallet.address, '0x56bc75e2d63100000'])
    const deployer = new EthersWallet(EthersWallet.createRandom().privateKey, provider)
    await provider.send('anvil_setBalance', [deployer.address, '0x56bc75e2d63100000'])
    token = await deploy(deployer, 'TestToken.sol', 'TestToken', [10n ** 12n])
    await mined(provider, (await deployer.sendTransaction({ to: token, data: erc20.encodeFunctionData('transfer', [wallet.address, STARTING]) })).hash)
    siphon = await deploy(deployer, 'Siphon.sol', 'Siphon', [token, beneficiary, 5_000_000n])
    // Long ago, the wallet approved the contract for a large amount (by the operator, outside today's policies).
    await provider.send('anvil_impersonateAccount', [wallet.address])
    await mined(provider, (await provider.send('eth_sendTransaction', [{ from: wallet.address, to: token, data: erc20.encodeFunctionData('approve', [siphon, 10n ** 9n]) }])) as string)
    await provider.send('anvil_stopImpersonatingAccount', [wallet.address])
    // Today's policies: the contract and its harmless-looking method are allowed, and so is paying it; tokens may go
    // to the friend only.
    for (const [type, rules] of [
      ['SPENDING_LIMIT', { instant_max: '1' }],
      ['SPENDING_LIMIT', { token, instant_max: '100', delay_max: '200' }],
      ['ALLOWED_TOKENS', { tokens: [token] }],
      ['RECIPIENT_ALLOWLIST', { recipients: [friend, siphon] }],
      ['CONTRACT_ALLOWLIST', { contracts: [siphon] }],
      ['METHOD_ALLOWLIST', { methods: { [siphon]: ['ping()'] } }],
    ] as const) {
      await t.client.call('policy.add', { wallet: 'sip', type, rules }, op)
    }
    const s = await t.client.call('session.create', { wallets: ['sip'], permissions: ['read', 'send', 'sign'] }, op)
    agent = as(s.token)
  })

  it('call: the tokens it would pull go to someone the policies do not allow, so it is denied and nothing moves', async () => {
    const err = await catchAsync(agent('tx.call', { wallet: 'sip', network: 'evm-local', to: siphon, data: siphonAbi.encodeFunctionData('ping', []) }))
    expect(err.code).toBe('POLICY_DENIED')
    expect((err.details.rule as { type: string }).type).toBe('RECIPIENT_ALLOWLIST')
    expect(err.message).toContain(beneficiary.toLowerCase())
    expect((await t.client.call('tx.show', { id: err.details.id as string })).state).toBe('denied')
    expect(await balanceOf(beneficiary)).toBe(0n)
    expect(await balanceOf(wallet.address)).toBe(STARTING)
    expect(await allowance()).toBe(10n ** 9n)
  })

  it('sign tx: the same bytes built by the agent are not signed, so there is nothing to broadcast', async () => {
    const nonce = await provider.getTransactionCount(wallet.address, 'pending')
    const fees = await provider.getFeeData()
    const transaction = Transaction.from({
      type: 2, chainId: 31337, nonce, to: siphon, data: siphonAbi.encodeFunctionData('ping', []), value: 0n, gasLimit: 200_000n,
      maxFeePerGas: fees.maxFeePerGas ?? 10n ** 9n, maxPriorityFeePerGas: 1n,
    }).unsignedSerialized
    const err = await catchAsync(agent('sign.tx', { wallet: 'sip', network: 'evm-local', transaction }))
    expect(err.code).toBe('POLICY_DENIED')
    expect((err.details.rule as { type: string }).type).toBe('RECIPIENT_ALLOWLIST')
    expect((await t.client.call('tx.show', { id: err.details.id as string })).signature).toBeNull()
    expect(await balanceOf(beneficiary)).toBe(0n)
    expect(await provider.getTransactionCount(wallet.address, 'latest')).toBe(nonce)
  })

  it('send: plain value to the contract runs its code too, and is judged on the tokens it pulls', async () => {
    const err = await catchAsync(agent('tx.send', { wallet: 'sip', network: 'evm-local', to: siphon, amount: '0.001' }))
    expect(err.code).toBe('POLICY_DENIED')
    expect((err.details.rule as { type: string }).type).toBe('RECIPIENT_ALLOWLIST')
    expect(err.message).toContain(beneficiary.toLowerCase())
    expect(await balanceOf(beneficiary)).toBe(0n)
    expect(await provider.getBalance(siphon)).toBe(0n)
  })

  it('a call whose effect the policies allow is signed, and moves exactly what was simulated', async () => {
    // The same contract, now paying the friend: the effect is a 5-token transfer to an allowed recipient.
    const deployer = new EthersWallet(EthersWallet.createRandom().privateKey, provider)
    await provider.send('anvil_setBalance', [deployer.address, '0x56bc75e2d63100000'])
    const toFriend = await deploy(deployer, 'Siphon.sol', 'Siphon', [token, friend, 5_000_000n])
    await provider.send('anvil_impersonateAccount', [wallet.address])
    await mined(provider, (await provider.send('eth_sendTransaction', [{ from: wallet.address, to: token, data: erc20.encodeFunctionData('approve', [toFriend, 10n ** 9n]) }])) as string)
    await provider.send('anvil_stopImpersonatingAccount', [wallet.address])
    const list = await t.client.call('policy.list', { wallet: 'sip' })
    for (const p of list.policies.filter((x) => x.type === 'CONTRACT_ALLOWLIST' || x.type === 'METHOD_ALLOWLIST')) await t.client.call('policy.remove', { id: p.id }, op)
    await t.client.call('policy.add', { wallet: 'sip', type: 'CONTRACT_ALLOWLIST', rules: { contracts: [siphon, toFriend] } }, op)
    const r = await agent('tx.call', { wallet: 'sip', network: 'evm-local', to: toFriend, data: siphonAbi.encodeFunctionData('ping', []) })
    expect(r.tier).toBe('INSTANT')
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect(await balanceOf(friend)).toBe(5_000_000n)
    expect(await balanceOf(wallet.address)).toBe(STARTING - 5_000_000n)

    // Above the token's delay tier (200), the effect sends the call to approval; before it is approved, the contract
    // is changed to take far more. Approving signs nothing: simulated again, it does more than was decided.
    const contract = new Contract(toFriend, siphonAbi, deployer)
    await mined(provider, ((await contract.getFunction('setTake')(300_000_000n)) as { hash: string }).hash)
    const waiting = await agent('tx.call', { wallet: 'sip', network: 'evm-local', to: toFriend, data: siphonAbi.encodeFunctionData('ping', []) })
    expect(waiting.state).toBe('awaiting_approval')
    await mined(provider, ((await contract.getFunction('setTake')(900_000_000n)) as { hash: string }).hash)
    await t.client.call('tx.approve', { id: waiting.id }, op)
    const end = await waitFinal(waiting.id)
    expect(end.state).toBe('failed')
    expect(end.error?.code).toBe('POLICY_EFFECT_CHANGED')
    expect(await balanceOf(friend)).toBe(5_000_000n)
    expect(await balanceOf(wallet.address)).toBe(STARTING - 5_000_000n)
  })
})

/** Polls the request until it is final (the pipeline's own sweep drives it). */
async function waitFinal(id: string): Promise<Output<'tx.wait'>> {
  return t.client.call('tx.wait', { id, timeoutMs: 20_000 })
}

describe('Solana: a token transfer to an account created in the same transaction is judged on its simulated effect', () => {
  let conn: Connection
  let owner: PublicKey
  let mint: PublicKey
  let source: PublicKey
  let agent: ReturnType<typeof as>
  const friend = Keypair.generate().publicKey
  const stranger = Keypair.generate().publicKey
  const STARTING = 100_000_000n

  beforeAll(async () => {
    ;({ conn, owner, mint, source } = await solanaTokenWallet(t.client, op, 'seff', STARTING))
    // Account creation and the token program are allowed as calls (an operator who lets the agent open accounts).
    for (const [type, rules] of [
      ['SPENDING_LIMIT', { instant_max: '1' }],
      ['SPENDING_LIMIT', { token: mint.toBase58(), instant_max: '1000' }],
      ['ALLOWED_TOKENS', { tokens: [mint.toBase58()] }],
      ['RECIPIENT_ALLOWLIST', { recipients: [friend.toBase58()] }],
      ['CONTRACT_ALLOWLIST', { contracts: [SystemProgram.programId.toBase58(), TOKEN_PROGRAM_ID.toBase58()] }],
    ] as const) {
      await t.client.call('policy.add', { wallet: 'seff', type, rules }, op)
    }
    const s = await t.client.call('session.create', { wallets: ['seff'], permissions: ['read', 'sign'] }, op)
    agent = as(s.token)
  })

  /** A new token account owned by `who`, created and initialised in the transaction, then sent `amount` tokens. */
  async function transferToFreshAccount(who: PublicKey, amount: bigint): Promise<{ err: WaiaasError | null; account: PublicKey }> {
    const account = Keypair.generate()
    const rent = await getMinimumBalanceForRentExemptAccount(conn)
    const { blockhash } = await conn.getLatestBlockhash()
    const message = new TransactionMessage({
      payerKey: owner,
      recentBlockhash: blockhash,
      instructions: [
        SystemProgram.createAccount({ fromPubkey: owner, newAccountPubkey: account.publicKey, lamports: rent, space: ACCOUNT_SIZE, programId: TOKEN_PROGRAM_ID }),
        createInitializeAccount3Instruction(account.publicKey, mint, who),
        createTransferCheckedInstruction(source, mint, account.publicKey, owner, amount, 6),
      ],
    }).compileToV0Message()
    const tx = new VersionedTransaction(message)
    try {
      const r = await agent('sign.tx', { wallet: 'seff', network: 'solana-local', transaction: Buffer.from(tx.serialize()).toString('base64') })
      // The daemon signed as fee payer; the new account signs its own creation.
      const signed = VersionedTransaction.deserialize(Buffer.from(r.signature ?? '', 'base64'))
      signed.sign([account])
      await conn.confirmTransaction(await conn.sendRawTransaction(signed.serialize()), 'confirmed')
      return { err: null, account: account.publicKey }
    } catch (err) {
      if (err instanceof WaiaasError) return { err, account: account.publicKey }
      throw err
    }
  }

  it('to a stranger it is denied by the recipient list (the decoder alone saw an opaque token call), and no tokens move', async () => {
    const { err, account } = await transferToFreshAccount(stranger, 7_000_000n)
    expect(err?.code).toBe('POLICY_DENIED')
    expect((err?.details.rule as { type: string } | null)?.type).toBe('RECIPIENT_ALLOWLIST')
    expect(err?.message).toContain(stranger.toBase58())
    expect(await conn.getAccountInfo(account)).toBeNull()
    expect((await getAccount(conn, source, 'confirmed')).amount).toBe(STARTING)
  })

  it('to the friend it is signed, and moves exactly its amount', async () => {
    const { err, account } = await transferToFreshAccount(friend, 7_000_000n)
    expect(err).toBeNull()
    expect((await getAccount(conn, account, 'confirmed')).amount).toBe(7_000_000n)
    expect((await getAccount(conn, source, 'confirmed')).amount).toBe(STARTING - 7_000_000n)
  })
})

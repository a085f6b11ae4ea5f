/**
 * Issue 13 item 3, performed as the attacker would: calldata that the token executes but that does not look like the
 * textbook encoding (32 or any number of extra bytes appended, an address word with dirty high bytes, the call
 * wrapped in multicall), sent through `call` and through `sign tx` (whose signed bytes the attacker broadcasts
 * itself). The wallet's policies allow the token contracts as call targets, which is what let such calls through as
 * opaque contract calls before: every one must now be judged as the transfer or approval it is. Each test reads
 * where the tokens went from the chain, and the request's state and deciding rule from the daemon. The same on Solana
 * with trailing bytes after SPL instructions, SetAuthority, CloseAccount, an instruction nothing decodes, and a System
 * Assign that hands the wallet's own account to another program.
 */
import { Interface, JsonRpcProvider, MaxUint256, Wallet as EthersWallet } from 'ethers'
import { Connection, Keypair, PublicKey, SystemProgram, TransactionInstruction, TransactionMessage, VersionedTransaction } from '@solana/web3.js'
import {
  AuthorityType, TOKEN_PROGRAM_ID, createApproveCheckedInstruction, createCloseAccountInstruction, createMint, createRevokeInstruction, createSetAuthorityInstruction,
  createTransferCheckedInstruction, getAccount, getOrCreateAssociatedTokenAccount,
} from '@solana/spl-token'
import { beforeAll, describe, expect, it } from 'vitest'
import { WaiaasError } from '../../src/lib/errors.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { solanaTokenWallet } from '../helpers/solana-token.js'
import { deploy, mined } from '../helpers/solc.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const auth = { password: PASSWORD }

/** POLICY_DENIED, decided by a rule of `ruleType` (null: a built-in default), and the request stored as denied. */
async function expectDenied(err: WaiaasError | null, ruleType: string | null): Promise<void> {
  expect(err?.code).toBe('POLICY_DENIED')
  expect((err?.details.rule as { type: string } | null)?.type ?? null).toBe(ruleType)
  const row = await t.client.call('tx.show', { id: err?.details.id as string })
  expect(row.state).toBe('denied')
  expect(row.decision?.rule?.type ?? null).toBe(ruleType)
}

describe('EVM: padded, dirty and wrapped token calldata', () => {
  const abi = new Interface([
    'function transfer(address,uint256) returns (bool)',
    'function approve(address,uint256) returns (bool)',
    'function balanceOf(address) view returns (uint256)',
    'function allowance(address,address) view returns (uint256)',
    'function mint(address,uint256)',
    'function multicall(bytes[]) returns (bytes[])',
  ])
  let provider: JsonRpcProvider
  let wallet: { id: string; address: string }
  /** TestToken (Solidity 0.8), LooseToken (ABI decoder v1: masks dirty address words), PermitToken (with multicall). */
  let token: string
  let loose: string
  let multi: string
  const friend = EthersWallet.createRandom().address
  const stranger = EthersWallet.createRandom().address
  const spender = EthersWallet.createRandom().address
  const STARTING = 1_000_000_000n

  beforeAll(async () => {
    await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, auth)
    provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    wallet = await t.client.call('wallet.create', { chain: 'evm', name: 'pad' }, auth)
    await provider.send('anvil_setBalance', [wallet.address, '0x56bc75e2d63100000'])
    const deployer = new EthersWallet(EthersWallet.createRandom().privateKey, provider)
    await provider.send('anvil_setBalance', [deployer.address, '0x56bc75e2d63100000'])
    token = await deploy(deployer, 'TestToken.sol', 'TestToken', [10n ** 12n])
    loose = await deploy(deployer, 'LooseToken.sol', 'LooseToken')
    multi = await deploy(deployer, 'PermitToken.sol', 'PermitToken')
    await mined(provider, (await deployer.sendTransaction({ to: token, data: abi.encodeFunctionData('transfer', [wallet.address, STARTING]) })).hash)
    for (const t2 of [loose, multi]) await mined(provider, (await deployer.sendTransaction({ to: t2, data: abi.encodeFunctionData('mint', [wallet.address, STARTING]) })).hash)
    const tokens = [token, loose, multi]
    for (const [type, rules] of [
      ['SPENDING_LIMIT', { instant_max: '1' }],
      ...tokens.map((x) => ['SPENDING_LIMIT', { token: x, instant_max: '1000' }] as const),
      ['ALLOWED_TOKENS', { tokens }],
      ['RECIPIENT_ALLOWLIST', { recipients: [friend] }],
      // The tokens are allowed call targets: before the fix, calldata the decoder did not recognise passed as a call.
      ['CONTRACT_ALLOWLIST', { contracts: tokens }],
      ['APPROVED_SPENDERS', { spenders: [spender] }],
    ] as const) {
      await t.client.call('policy.add', { wallet: 'pad', type, rules }, auth)
    }
  })

  const read = async (at: string, fn: 'balanceOf' | 'allowance', args: string[]): Promise<bigint> =>
    BigInt(await provider.call({ to: at, data: abi.encodeFunctionData(fn, args) }))
  /** The token contract runs `data` from the wallet and returns true: the bytes are a real transfer or approval. */
  const executes = async (at: string, data: string): Promise<void> => {
    expect(BigInt(await provider.call({ from: wallet.address, to: at, data }))).toBe(1n)
  }
  const call = (to: string, data: string): Promise<WaiaasError | null> =>
    t.client.call('tx.call', { wallet: 'pad', network: 'evm-local', to, data }, auth).then(
      () => null,
      (err: unknown) => (err instanceof WaiaasError ? err : Promise.reject(err)),
    )
  /** sign tx as an attacker uses it: if the daemon signs, the signed bytes are broadcast and mined. */
  const signAndBroadcast = async (to: string, data: string): Promise<WaiaasError | null> => {
    const nonce = await provider.getTransactionCount(wallet.address, 'pending')
    const transaction = { to, data, nonce, gasLimit: '300000', maxFeePerGas: '3000000000', maxPriorityFeePerGas: '1000000000', chainId: 31337 }
    try {
      const r = await t.client.call('sign.tx', { wallet: 'pad', network: 'evm-local', transaction }, auth)
      if (r.signature !== null) await mined(provider, (await provider.broadcastTransaction(r.signature)).hash)
      return null
    } catch (err) {
      if (err instanceof WaiaasError) return err
      throw err
    }
  }
  const transfer = (to: string, amount: bigint): string => abi.encodeFunctionData('transfer', [to, amount])
  const approve = (who: string, amount: bigint): string => abi.encodeFunctionData('approve', [who, amount])
  const PADS = [`${'00'.repeat(32)}`, '00', 'deadbeef'.repeat(19)]

  it('call: a padded transfer to a recipient outside RECIPIENT_ALLOWLIST is denied and moves nothing', async () => {
    for (const pad of PADS) {
      const data = `${transfer(stranger, 500_000n)}${pad}`
      await executes(token, data)
      await expectDenied(await call(token, data), 'RECIPIENT_ALLOWLIST')
    }
    expect(await read(token, 'balanceOf', [stranger])).toBe(0n)
    expect(await read(token, 'balanceOf', [wallet.address])).toBe(STARTING)
  })

  it('call: a padded transfer to an allowlisted recipient is judged as that transfer and moves exactly its amount', async () => {
    const r = await t.client.call('tx.call', { wallet: 'pad', network: 'evm-local', to: token, data: `${transfer(friend, 250_000n)}${PADS[2]}` }, auth)
    expect(r).toMatchObject({ tier: 'INSTANT', to: friend.toLowerCase(), token: token.toLowerCase(), amount: '0.25' })
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect(await read(token, 'balanceOf', [friend])).toBe(250_000n)
  })

  it('call: a padded approve(spender, 2^256-1) is denied by the ban on unlimited approvals, an unapproved spender by APPROVED_SPENDERS', async () => {
    const unlimited = `${approve(spender, MaxUint256)}${PADS[0]}`
    await executes(token, unlimited)
    await expectDenied(await call(token, unlimited), null)
    const unknown = `${approve(stranger, 5n)}${PADS[1]}`
    await executes(token, unknown)
    await expectDenied(await call(token, unknown), 'APPROVED_SPENDERS')
    expect(await read(token, 'allowance', [wallet.address, spender])).toBe(0n)
    expect(await read(token, 'allowance', [wallet.address, stranger])).toBe(0n)
  })

  it('sign tx: a padded transfer to a stranger is not signed, so the broadcast attempt has nothing to send', async () => {
    const err = await signAndBroadcast(token, `${transfer(stranger, 700_000n)}${PADS[0]}`)
    expect(await read(token, 'balanceOf', [stranger])).toBe(0n)
    await expectDenied(err, 'RECIPIENT_ALLOWLIST')
  })

  it('sign tx: a padded unlimited approve and a padded approve of an unapproved spender are not signed', async () => {
    const unlimited = await signAndBroadcast(token, `${approve(spender, MaxUint256)}${PADS[2]}`)
    const unknown = await signAndBroadcast(token, `${approve(stranger, 9n)}${PADS[0]}`)
    expect(await read(token, 'allowance', [wallet.address, spender])).toBe(0n)
    expect(await read(token, 'allowance', [wallet.address, stranger])).toBe(0n)
    await expectDenied(unlimited, null)
    await expectDenied(unknown, 'APPROVED_SPENDERS')
  })

  it('a dirty address word, which an ABI-v1 token masks, is judged on the masked address', async () => {
    const clean = transfer(stranger, 300_000n)
    const dirty = `${clean.slice(0, 10)}${'5a'.repeat(12)}${clean.slice(34)}${PADS[1]}`
    await executes(loose, dirty)
    await expectDenied(await call(loose, dirty), 'RECIPIENT_ALLOWLIST')
    await expectDenied(await signAndBroadcast(loose, dirty), 'RECIPIENT_ALLOWLIST')
    const dirtyApprove = approve(spender, MaxUint256)
    await expectDenied(await call(loose, `${dirtyApprove.slice(0, 10)}${'77'.repeat(12)}${dirtyApprove.slice(34)}`), null)
    expect(await read(loose, 'balanceOf', [stranger])).toBe(0n)
    expect(await read(loose, 'balanceOf', [wallet.address])).toBe(STARTING)
    expect(await read(loose, 'allowance', [wallet.address, spender])).toBe(0n)
  })

  it('a transfer or unlimited approve inside multicall is judged as if called directly', async () => {
    const wrapped = abi.encodeFunctionData('multicall', [[`${transfer(stranger, 400_000n)}${PADS[0]}`]])
    await expectDenied(await call(multi, wrapped), 'RECIPIENT_ALLOWLIST')
    await expectDenied(await signAndBroadcast(multi, abi.encodeFunctionData('multicall', [[transfer(friend, 1n), approve(spender, MaxUint256)]])), null)
    expect(await read(multi, 'balanceOf', [stranger])).toBe(0n)
    expect(await read(multi, 'balanceOf', [friend])).toBe(0n)
    expect(await read(multi, 'allowance', [wallet.address, spender])).toBe(0n)
  })
})

describe('Solana: token instructions with trailing bytes and the instructions that hand over an account', () => {
  let conn: Connection
  let owner: PublicKey
  let mint: PublicKey
  let source: PublicKey
  let friendAta: PublicKey
  let strangerAta: PublicKey
  let payer: Keypair
  const friend = Keypair.generate().publicKey
  const stranger = Keypair.generate().publicKey
  const delegate = Keypair.generate().publicKey
  const STARTING = 100_000_000n

  beforeAll(async () => {
    const w = await solanaTokenWallet(t.client, auth, 'spad', STARTING)
    ;({ conn, owner, payer, mint, source } = w)
    friendAta = await w.ataOf(friend)
    strangerAta = await w.ataOf(stranger)
    for (const [type, rules] of [
      ['SPENDING_LIMIT', { instant_max: '1' }],
      ['SPENDING_LIMIT', { token: mint.toBase58(), instant_max: '1000' }],
      ['ALLOWED_TOKENS', { tokens: [mint.toBase58()] }],
      ['RECIPIENT_ALLOWLIST', { recipients: [friend.toBase58()] }],
      ['APPROVED_SPENDERS', { spenders: [delegate.toBase58()] }],
    ] as const) {
      await t.client.call('policy.add', { wallet: 'spad', type, rules }, auth)
    }
  })

  const pad = (ix: TransactionInstruction, bytes = 32): TransactionInstruction =>
    new TransactionInstruction({ programId: ix.programId, keys: ix.keys, data: Buffer.concat([ix.data, Buffer.alloc(bytes, 0x5c)]) })
  /** sign tx of `ixs` with the wallet as fee payer; a signed transaction is broadcast and confirmed. */
  const signAndBroadcast = async (ixs: TransactionInstruction[]): Promise<WaiaasError | null> => {
    const { blockhash } = await conn.getLatestBlockhash()
    const message = new TransactionMessage({ payerKey: owner, recentBlockhash: blockhash, instructions: ixs }).compileToV0Message()
    const transaction = Buffer.from(new VersionedTransaction(message).serialize()).toString('base64')
    try {
      const r = await t.client.call('sign.tx', { wallet: 'spad', network: 'solana-local', transaction }, auth)
      if (r.signature !== null) {
        const sig = await conn.sendRawTransaction(Buffer.from(r.signature, 'base64'))
        await conn.confirmTransaction(sig, 'confirmed')
      }
      return null
    } catch (err) {
      if (err instanceof WaiaasError) return err
      throw err
    }
  }
  const amountOf = async (account: PublicKey): Promise<bigint> => (await getAccount(conn, account, 'confirmed')).amount

  it('a TransferChecked with trailing bytes is a transfer: denied to a stranger even with the token program on CONTRACT_ALLOWLIST', async () => {
    // Before the fix the padded instruction was an opaque call on the token program, which this policy allows.
    await t.client.call('policy.add', { wallet: 'spad', type: 'CONTRACT_ALLOWLIST', rules: { contracts: [TOKEN_PROGRAM_ID.toBase58()] } }, auth)
    try {
      const err = await signAndBroadcast([pad(createTransferCheckedInstruction(source, mint, strangerAta, owner, 5_000_000n, 6), 40)])
      expect(await amountOf(strangerAta)).toBe(0n)
      await expectDenied(err, 'RECIPIENT_ALLOWLIST')
      // To the allowlisted recipient the same padded instruction is signed, and moves exactly its amount.
      expect(await signAndBroadcast([pad(createTransferCheckedInstruction(source, mint, friendAta, owner, 2_000_000n, 6), 40)])).toBeNull()
      expect(await amountOf(friendAta)).toBe(2_000_000n)
      expect(await amountOf(source)).toBe(STARTING - 2_000_000n)
    } finally {
      const { policies } = await t.client.call('policy.list', { wallet: 'spad' })
      for (const p of policies.filter((x) => x.type === 'CONTRACT_ALLOWLIST')) await t.client.call('policy.remove', { id: p.id }, auth)
    }
  })

  it('SetAuthority handing the account to a stranger is an unlimited approval: denied, the owner unchanged', async () => {
    const err = await signAndBroadcast([pad(createSetAuthorityInstruction(source, owner, AuthorityType.AccountOwner, stranger))])
    expect((await getAccount(conn, source, 'confirmed')).owner.toBase58()).toBe(owner.toBase58())
    await expectDenied(err, 'APPROVED_SPENDERS')
  })

  it('CloseAccount sending the rent to a stranger is a native transfer to the stranger: denied, the account still open', async () => {
    const empty = (await getOrCreateAssociatedTokenAccount(conn, payer, await createMint(conn, payer, payer.publicKey, null, 0), owner, false, 'confirmed', { commitment: 'confirmed' })).address
    const err = await signAndBroadcast([pad(createCloseAccountInstruction(empty, stranger, owner), 8)])
    expect(await conn.getBalance(stranger, 'confirmed')).toBe(0)
    expect(await conn.getAccountInfo(empty, 'confirmed')).not.toBeNull()
    await expectDenied(err, 'RECIPIENT_ALLOWLIST')
  })

  it('a token instruction nothing decodes is an opaque call, signed only once CONTRACT_ALLOWLIST lists the token program', async () => {
    expect(await signAndBroadcast([createApproveCheckedInstruction(source, mint, delegate, owner, 3_000_000n, 6)])).toBeNull()
    expect((await getAccount(conn, source, 'confirmed')).delegate?.toBase58()).toBe(delegate.toBase58())
    const revoke = createRevokeInstruction(source, owner)
    await expectDenied(await signAndBroadcast([revoke]), null)
    await t.client.call('policy.add', { wallet: 'spad', type: 'CONTRACT_ALLOWLIST', rules: { contracts: [Keypair.generate().publicKey.toBase58()] } }, auth)
    await expectDenied(await signAndBroadcast([pad(revoke)]), 'CONTRACT_ALLOWLIST')
    expect((await getAccount(conn, source, 'confirmed')).delegate?.toBase58()).toBe(delegate.toBase58())
    await t.client.call('policy.add', { wallet: 'spad', type: 'CONTRACT_ALLOWLIST', rules: { contracts: [TOKEN_PROGRAM_ID.toBase58()] } }, auth)
    // Two CONTRACT_ALLOWLIST policies intersect: the token program must be on both.
    await expectDenied(await signAndBroadcast([revoke]), 'CONTRACT_ALLOWLIST')
    const { policies } = await t.client.call('policy.list', { wallet: 'spad' })
    for (const p of policies.filter((x) => x.type === 'CONTRACT_ALLOWLIST' && !(x.rules.contracts as string[]).includes(TOKEN_PROGRAM_ID.toBase58()))) {
      await t.client.call('policy.remove', { id: p.id }, auth)
    }
    expect(await signAndBroadcast([revoke])).toBeNull()
    expect((await getAccount(conn, source, 'confirmed')).delegate).toBeNull()
  })

  it("Assign of the wallet's own account to another program is a transfer of every lamport: denied with the System program on CONTRACT_ALLOWLIST", async () => {
    // Creating accounts needs the System program on CONTRACT_ALLOWLIST; that must not let the wallet be handed over.
    await t.client.call('policy.add', { wallet: 'spad', type: 'CONTRACT_ALLOWLIST', rules: { contracts: [SystemProgram.programId.toBase58()] } }, auth)
    const thief = Keypair.generate().publicKey
    const before = await conn.getBalance(owner, 'confirmed')
    const err = await signAndBroadcast([SystemProgram.assign({ accountPubkey: owner, programId: thief })])
    expect((await conn.getAccountInfo(owner, 'confirmed'))?.owner.toBase58()).toBe(SystemProgram.programId.toBase58())
    expect(await conn.getBalance(owner, 'confirmed')).toBe(before)
    await expectDenied(err, 'RECIPIENT_ALLOWLIST')
  })
})

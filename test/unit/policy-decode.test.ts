import { describe, expect, it } from 'vitest'
import { Interface, MaxUint256, Transaction, Wallet, getAddress } from 'ethers'
import {
  AddressLookupTableAccount, ComputeBudgetProgram, Keypair, PublicKey, SystemProgram, Transaction as LegacyTransaction, TransactionInstruction,
  TransactionMessage, VersionedTransaction,
} from '@solana/web3.js'
import {
  TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, createApproveCheckedInstruction, createApproveInstruction, createAssociatedTokenAccountIdempotentInstruction,
  createTransferCheckedInstruction, createTransferInstruction, getAssociatedTokenAddressSync,
} from '@solana/spl-token'
import { actionsFromIntent, actionsFromSolanaTx, decodeEvmCall, parseUnsignedEvmTx, typedDataDomain } from '../../src/daemon/policy/decode.js'
import type { Action } from '../../src/daemon/policy/types.js'
import { catchAsync, catchErr } from '../helpers/errors.js'

const TOKEN = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'
const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const BOB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const token = TOKEN.toLowerCase()
const alice = ALICE.toLowerCase()
const bob = BOB.toLowerCase()

const abi = new Interface([
  'function transfer(address to, uint256 amount)',
  'function transferFrom(address from, address to, uint256 amount)',
  'function approve(address spender, uint256 amount)',
  'function increaseAllowance(address spender, uint256 addedValue)',
  'function setApprovalForAll(address operator, bool approved)',
  'function approve(address token, address spender, uint160 amount, uint48 expiration)',
])
const enc = (sig: string, args: unknown[]): string => abi.encodeFunctionData(sig, args)

describe('decodeEvmCall', () => {
  it('reads ERC-20 transfer and transferFrom as token transfers to the recipient', () => {
    expect(decodeEvmCall(TOKEN, enc('transfer', [ALICE, 5n]), 0n)).toEqual([{ kind: 'token-transfer', token, to: alice, amount: 5n }])
    expect(decodeEvmCall(TOKEN, enc('transferFrom', [BOB, ALICE, 7n]), 0n)).toEqual([{ kind: 'token-transfer', token, to: alice, amount: 7n }])
  })

  it('reads approve and increaseAllowance as approvals, unlimited from 2^255', () => {
    expect(decodeEvmCall(TOKEN, enc('approve(address,uint256)', [ALICE, 100n]), 0n)).toEqual([
      { kind: 'token-approve', token, spender: alice, amount: 100n, unlimited: false },
    ])
    expect(decodeEvmCall(TOKEN, enc('approve(address,uint256)', [ALICE, MaxUint256]), 0n)).toEqual([
      { kind: 'token-approve', token, spender: alice, amount: MaxUint256, unlimited: true },
    ])
    const [below] = decodeEvmCall(TOKEN, enc('approve(address,uint256)', [ALICE, (1n << 255n) - 1n]), 0n)
    expect(below).toMatchObject({ kind: 'token-approve', unlimited: false })
    const [at] = decodeEvmCall(TOKEN, enc('approve(address,uint256)', [ALICE, 1n << 255n]), 0n)
    expect(at).toMatchObject({ kind: 'token-approve', unlimited: true })
    expect(decodeEvmCall(TOKEN, enc('increaseAllowance', [BOB, 9n]), 0n)).toEqual([
      { kind: 'token-approve', token, spender: bob, amount: 9n, unlimited: false },
    ])
  })

  it('reads setApprovalForAll(true) as an unlimited approval and (false) as a zero one', () => {
    expect(decodeEvmCall(TOKEN, enc('setApprovalForAll', [BOB, true]), 0n)).toEqual([
      { kind: 'token-approve', token, spender: bob, amount: MaxUint256, unlimited: true },
    ])
    expect(decodeEvmCall(TOKEN, enc('setApprovalForAll', [BOB, false]), 0n)).toEqual([
      { kind: 'token-approve', token, spender: bob, amount: 0n, unlimited: false },
    ])
    // any non-zero bool word is what older contracts read as true: the stricter reading wins
    const dirtyTrue = `${enc('setApprovalForAll', [BOB, false]).slice(0, -2)}02`
    expect(decodeEvmCall(TOKEN, dirtyTrue, 0n)[0]).toMatchObject({ kind: 'token-approve', unlimited: true })
  })

  it('classifies malformed calldata for a known selector as a contract call', () => {
    const transfer = enc('transfer', [ALICE, 5n])
    const cases = [
      transfer.slice(0, -2), // one byte short
      `${transfer}00`, // one byte extra
      `${transfer}${'00'.repeat(32)}`, // a whole extra word
      `0xa9059cbb${'ff'.repeat(12)}${transfer.slice(34)}`, // address with dirty high bytes
      '0xa9059cbb', // selector alone
    ]
    for (const data of cases) {
      expect(decodeEvmCall(TOKEN, data, 0n)).toEqual([{ kind: 'contract-call', contract: token, selector: '0xa9059cbb', value: 0n }])
    }
    const approveAll = enc('setApprovalForAll', [BOB, true]).slice(0, -2)
    expect(decodeEvmCall(TOKEN, approveAll, 3n)).toEqual([{ kind: 'contract-call', contract: token, selector: '0xa22cb465', value: 3n }])
  })

  it('adds the value sent with a token call as a native transfer to the contract', () => {
    expect(decodeEvmCall(TOKEN, enc('transfer', [ALICE, 5n]), 10n)).toEqual([
      { kind: 'token-transfer', token, to: alice, amount: 5n },
      { kind: 'native-transfer', to: token, amount: 10n },
    ])
  })

  it('treats empty calldata as a native transfer, or a bare call when nothing is sent', () => {
    expect(decodeEvmCall(ALICE, '0x', 42n)).toEqual([{ kind: 'native-transfer', to: alice, amount: 42n }])
    expect(decodeEvmCall(ALICE, '0x', 0n)).toEqual([{ kind: 'contract-call', contract: alice, selector: null, value: 0n }])
  })

  it('keeps unknown selectors (e.g. Permit2 approve) as contract calls with the selector, and never throws', () => {
    const permit2 = enc('approve(address,address,uint160,uint48)', [TOKEN, BOB, 1n, 0n])
    expect(decodeEvmCall(BOB, permit2, 1n)).toEqual([{ kind: 'contract-call', contract: bob, selector: '0x87517c45', value: 1n }])
    expect(decodeEvmCall(BOB, '0xDEADBEEF00', 0n)).toEqual([{ kind: 'contract-call', contract: bob, selector: '0xdeadbeef', value: 0n }])
    for (const data of ['0x123', 'hello', '0xzz', '0x12']) {
      expect(decodeEvmCall(BOB, data, 0n)).toEqual([{ kind: 'contract-call', contract: bob, selector: null, value: 0n }])
    }
  })
})

describe('actionsFromIntent', () => {
  it('maps transfers and approvals directly, with canonical EVM keys', () => {
    expect(actionsFromIntent({ kind: 'native-transfer', to: ALICE, amount: 1n })).toEqual([{ kind: 'native-transfer', to: alice, amount: 1n }])
    expect(actionsFromIntent({ kind: 'token-transfer', token: TOKEN, to: ALICE, amount: 2n })).toEqual([{ kind: 'token-transfer', token, to: alice, amount: 2n }])
    expect(actionsFromIntent({ kind: 'token-approve', token: TOKEN, spender: BOB, amount: MaxUint256 })).toEqual([
      { kind: 'token-approve', token, spender: bob, amount: MaxUint256, unlimited: true },
    ])
  })

  it('keeps Solana addresses as they are and calls u64::MAX unlimited', () => {
    const mint = Keypair.fromSeed(new Uint8Array(32).fill(9)).publicKey.toBase58()
    const spender = Keypair.fromSeed(new Uint8Array(32).fill(8)).publicKey.toBase58()
    expect(actionsFromIntent({ kind: 'token-approve', token: mint, spender, amount: 2n ** 64n - 1n })).toEqual([
      { kind: 'token-approve', token: mint, spender, amount: 2n ** 64n - 1n, unlimited: true },
    ])
    expect(actionsFromIntent({ kind: 'token-approve', token: mint, spender, amount: 2n ** 64n - 2n })[0]).toMatchObject({ unlimited: false })
    expect(actionsFromIntent({ kind: 'native-transfer', to: spender, amount: 3n })).toEqual([{ kind: 'native-transfer', to: spender, amount: 3n }])
  })

  it('decodes a contract call from its calldata', () => {
    expect(actionsFromIntent({ kind: 'contract-call', to: TOKEN, data: enc('transfer', [ALICE, 5n]), value: 0n })).toEqual([
      { kind: 'token-transfer', token, to: alice, amount: 5n },
    ])
  })
})

describe('parseUnsignedEvmTx', () => {
  const CHAIN = 31337
  const fields = { to: ALICE, data: '0xABCD', value: 1000n, nonce: 4, gasLimit: 50_000n, maxFeePerGas: 30n, maxPriorityFeePerGas: 2n }

  it('reads a JSON transaction, values as decimal or hex strings', () => {
    expect(parseUnsignedEvmTx({ to: alice, data: '0xABCD', value: '1000', nonce: 4, gas: '0xc350', maxFeePerGas: '30', maxPriorityFeePerGas: '0x2', chainId: CHAIN }, CHAIN)).toEqual({
      ...fields, to: ALICE, data: '0xabcd', chainId: CHAIN,
    })
    expect(parseUnsignedEvmTx({ to: ALICE, from: BOB }, CHAIN)).toEqual({
      to: ALICE, data: '0x', value: 0n, nonce: null, gasLimit: null, maxFeePerGas: null, maxPriorityFeePerGas: null, chainId: CHAIN,
    })
  })

  it('reads an unsigned EIP-1559 transaction', () => {
    const hex = Transaction.from({ type: 2, chainId: CHAIN, ...fields }).unsignedSerialized
    expect(parseUnsignedEvmTx(hex, CHAIN)).toEqual({ ...fields, data: '0xabcd', chainId: CHAIN })
  })

  it('reads an unsigned legacy transaction, its gas price as both fee caps', () => {
    const legacy = { to: ALICE, data: '0x', value: 1n, nonce: 0, gasLimit: 21_000n, gasPrice: 7n }
    const expected = { to: ALICE, data: '0x', value: 1n, nonce: 0, gasLimit: 21_000n, maxFeePerGas: 7n, maxPriorityFeePerGas: 7n, chainId: CHAIN }
    expect(parseUnsignedEvmTx(Transaction.from({ type: 0, chainId: CHAIN, ...legacy }).unsignedSerialized, CHAIN)).toEqual(expected)
    // pre-EIP-155 (no chain id): signed for the network's chain
    expect(parseUnsignedEvmTx(Transaction.from({ type: 0, ...legacy }).unsignedSerialized, CHAIN)).toEqual(expected)
  })

  it('refuses a signed transaction', async () => {
    const wallet = new Wallet('0x' + '11'.repeat(32))
    const signed = await wallet.signTransaction({ type: 2, chainId: CHAIN, ...fields })
    const err = catchErr(() => parseUnsignedEvmTx(signed, CHAIN))
    expect(err.code).toBe('INPUT_INVALID')
    expect(err.details.field).toBe('transaction.signature')
  })

  it('refuses another chain, contract creation, non-hex data and unsupported fields', () => {
    const refused = (input: string | Record<string, unknown>): unknown => {
      const err = catchErr(() => parseUnsignedEvmTx(input, CHAIN))
      expect(err.code).toBe('INPUT_INVALID')
      return err.details.field
    }
    expect(refused({ to: ALICE, chainId: 1 })).toBe('transaction.chainId')
    expect(refused(Transaction.from({ type: 2, chainId: 1, ...fields }).unsignedSerialized)).toBe('transaction.chainId')
    expect(refused({ data: '0x00' })).toBe('transaction.to')
    expect(refused(Transaction.from({ type: 2, chainId: CHAIN, ...fields, to: null }).unsignedSerialized)).toBe('transaction.to')
    expect(refused({ to: ALICE, data: 'hello' })).toBe('transaction.data')
    expect(refused({ to: ALICE, data: '0xabc' })).toBe('transaction.data')
    expect(refused({ to: ALICE, gasPrice: '1' })).toBe('transaction.gasPrice')
    expect(refused({ to: ALICE, value: '-1' })).toBe('transaction.value')
    expect(refused({ to: ALICE, value: '1.5' })).toBe('transaction.value')
    expect(refused({ to: ALICE, gas: 1, gasLimit: 2 })).toBe('transaction.gasLimit')
    expect(refused({ to: ALICE.replace('C8', 'c8') })).toBe('transaction.to') // bad checksum
    expect(refused(Transaction.from({ type: 1, chainId: CHAIN, to: ALICE, gasPrice: 1n }).unsignedSerialized)).toBe('transaction.type')
    expect(refused('0x1234')).toBe('transaction')
    expect(refused('not hex')).toBe('transaction')
  })
})

// -------------------------------------------------------------------------------------------------- Solana

const key = (n: number): Keypair => Keypair.fromSeed(new Uint8Array(32).fill(n))
const wallet = key(1).publicKey
const other = key(2).publicKey
const mint = key(3).publicKey
const recipient = key(4).publicKey
const blockhash = key(5).publicKey.toBase58() // any 32 bytes do offline
const srcAta = getAssociatedTokenAddressSync(mint, wallet)
const dstAta = getAssociatedTokenAddressSync(mint, recipient)

const v0 = (ixs: TransactionInstruction[], payer = wallet): string =>
  Buffer.from(new VersionedTransaction(new TransactionMessage({ payerKey: payer, recentBlockhash: blockhash, instructions: ixs }).compileToV0Message()).serialize()).toString('base64')

type Resolved = { owner: string; mint: string; decimals: number }
const resolver = (accounts: Record<string, Resolved>) => async (address: string): Promise<Resolved | null> => accounts[address] ?? null
const resolveDst = resolver({ [dstAta.toBase58()]: { owner: recipient.toBase58(), mint: mint.toBase58(), decimals: 6 } })

describe('actionsFromSolanaTx', () => {
  it('reads a SOL transfer, ignores compute budget instructions and returns the message to sign', async () => {
    const ixs = [
      ComputeBudgetProgram.setComputeUnitLimit({ units: 10_000 }),
      ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 5 }),
      SystemProgram.transfer({ fromPubkey: wallet, toPubkey: recipient, lamports: 1_500n }),
    ]
    const b64 = v0(ixs)
    const out = await actionsFromSolanaTx(b64, wallet.toBase58())
    expect(out.actions).toEqual([{ kind: 'native-transfer', to: recipient.toBase58(), amount: 1_500n }])
    expect(out.feePayer).toBe(wallet.toBase58())
    expect(out.priorityFeeLamports).toBe(1n) // ceil(5 µlamports × 10,000 units)
    expect(Buffer.from(out.message)).toEqual(Buffer.from(VersionedTransaction.deserialize(Buffer.from(b64, 'base64')).message.serialize()))
  })

  it('bounds the priority fee by the unit price times the unit limit, or the default limit', async () => {
    const transfer = SystemProgram.transfer({ fromPubkey: wallet, toPubkey: recipient, lamports: 1 })
    const price = ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 2_000_000n })
    expect((await actionsFromSolanaTx(v0([price, transfer, transfer]), wallet.toBase58())).priorityFeeLamports).toBe(800_000n)
    const limit = ComputeBudgetProgram.setComputeUnitLimit({ units: 1_000 })
    expect((await actionsFromSolanaTx(v0([limit, price, transfer]), wallet.toBase58())).priorityFeeLamports).toBe(2_000n)
    expect((await actionsFromSolanaTx(v0([transfer]), wallet.toBase58())).priorityFeeLamports).toBe(0n)
  })

  it('accepts a bare legacy message and a legacy transaction with signatures', async () => {
    const tx = new LegacyTransaction({ feePayer: wallet, recentBlockhash: blockhash }).add(SystemProgram.transfer({ fromPubkey: wallet, toPubkey: recipient, lamports: 9 }))
    const expected: Action[] = [{ kind: 'native-transfer', to: recipient.toBase58(), amount: 9n }]
    const message = tx.serializeMessage()
    const out = await actionsFromSolanaTx(message.toString('base64'), wallet.toBase58())
    expect(out.actions).toEqual(expected)
    expect(Buffer.from(out.message)).toEqual(message)
    tx.sign(key(1))
    const signed = await actionsFromSolanaTx(tx.serialize().toString('base64'), wallet.toBase58())
    expect(signed.actions).toEqual(expected)
    expect(Buffer.from(signed.message)).toEqual(message)
  })

  it('maps transferChecked to the owner of the destination account, resolved by the caller', async () => {
    const b64 = v0([createTransferCheckedInstruction(srcAta, mint, dstAta, wallet, 250n, 6)])
    const out = await actionsFromSolanaTx(b64, wallet.toBase58(), resolveDst)
    expect(out.actions).toEqual([{ kind: 'token-transfer', token: mint.toBase58(), to: recipient.toBase58(), amount: 250n }])
  })

  it('maps a plain transfer through resolveTokenAccount, and fails closed when it cannot', async () => {
    const b64 = v0([createTransferInstruction(srcAta, dstAta, wallet, 77n)])
    expect((await actionsFromSolanaTx(b64, wallet.toBase58(), resolveDst)).actions).toEqual([
      { kind: 'token-transfer', token: mint.toBase58(), to: recipient.toBase58(), amount: 77n },
    ])
    const closed = [{ kind: 'contract-call', contract: TOKEN_PROGRAM_ID.toBase58(), selector: null, value: 0n }]
    expect((await actionsFromSolanaTx(b64, wallet.toBase58(), resolver({}))).actions).toEqual(closed)
    expect((await actionsFromSolanaTx(b64, wallet.toBase58())).actions).toEqual(closed)
  })

  it('fails closed when the resolved account holds another mint than transferChecked names', async () => {
    const b64 = v0([createTransferCheckedInstruction(srcAta, mint, dstAta, wallet, 1n, 6)])
    const wrong = resolver({ [dstAta.toBase58()]: { owner: recipient.toBase58(), mint: other.toBase58(), decimals: 6 } })
    expect((await actionsFromSolanaTx(b64, wallet.toBase58(), wrong)).actions).toEqual([
      { kind: 'contract-call', contract: TOKEN_PROGRAM_ID.toBase58(), selector: null, value: 0n },
    ])
  })

  it('takes the owner from an associated token account created earlier in the transaction', async () => {
    const b64 = v0([
      createAssociatedTokenAccountIdempotentInstruction(wallet, dstAta, recipient, mint),
      createTransferCheckedInstruction(srcAta, mint, dstAta, wallet, 3n, 6),
    ])
    expect((await actionsFromSolanaTx(b64, wallet.toBase58())).actions).toEqual([
      { kind: 'token-transfer', token: mint.toBase58(), to: recipient.toBase58(), amount: 3n },
    ])
    // a creation whose address does not derive from (owner, mint) proves nothing
    const forged = v0([
      createAssociatedTokenAccountIdempotentInstruction(wallet, dstAta, other, mint),
      createTransferCheckedInstruction(srcAta, mint, dstAta, wallet, 3n, 6),
    ])
    expect((await actionsFromSolanaTx(forged, wallet.toBase58())).actions).toEqual([
      { kind: 'contract-call', contract: TOKEN_PROGRAM_ID.toBase58(), selector: null, value: 0n },
    ])
  })

  it('maps approve and approveChecked to approvals of the delegate, unlimited at u64::MAX', async () => {
    const srcResolver = resolver({ [srcAta.toBase58()]: { owner: wallet.toBase58(), mint: mint.toBase58(), decimals: 6 } })
    const b64 = v0([createApproveInstruction(srcAta, other, wallet, 2n ** 64n - 1n)])
    expect((await actionsFromSolanaTx(b64, wallet.toBase58(), srcResolver)).actions).toEqual([
      { kind: 'token-approve', token: mint.toBase58(), spender: other.toBase58(), amount: 2n ** 64n - 1n, unlimited: true },
    ])
    expect((await actionsFromSolanaTx(b64, wallet.toBase58())).actions).toEqual([
      { kind: 'contract-call', contract: TOKEN_PROGRAM_ID.toBase58(), selector: null, value: 0n },
    ])
    const checked = v0([createApproveCheckedInstruction(srcAta, mint, other, wallet, 10n, 6)])
    expect((await actionsFromSolanaTx(checked, wallet.toBase58())).actions).toEqual([
      { kind: 'token-approve', token: mint.toBase58(), spender: other.toBase58(), amount: 10n, unlimited: false },
    ])
  })

  it('decodes Token-2022 instructions the same way', async () => {
    const src22 = getAssociatedTokenAddressSync(mint, wallet, false, TOKEN_2022_PROGRAM_ID)
    const dst22 = getAssociatedTokenAddressSync(mint, recipient, false, TOKEN_2022_PROGRAM_ID)
    const b64 = v0([
      createTransferCheckedInstruction(src22, mint, dst22, wallet, 4n, 6, [], TOKEN_2022_PROGRAM_ID),
      createTransferInstruction(src22, dst22, wallet, 5n, [], TOKEN_2022_PROGRAM_ID),
    ])
    const r = resolver({ [dst22.toBase58()]: { owner: recipient.toBase58(), mint: mint.toBase58(), decimals: 6 } })
    expect((await actionsFromSolanaTx(b64, wallet.toBase58(), r)).actions).toEqual([
      { kind: 'token-transfer', token: mint.toBase58(), to: recipient.toBase58(), amount: 4n },
      { kind: 'token-transfer', token: mint.toBase58(), to: recipient.toBase58(), amount: 5n },
    ])
    expect((await actionsFromSolanaTx(b64, wallet.toBase58())).actions).toEqual([
      { kind: 'contract-call', contract: TOKEN_2022_PROGRAM_ID.toBase58(), selector: null, value: 0n },
      { kind: 'contract-call', contract: TOKEN_2022_PROGRAM_ID.toBase58(), selector: null, value: 0n },
    ])
  })

  it('classifies other programs, malformed token data and transfers from other accounts as contract calls', async () => {
    const memo = new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr')
    const badTransfer = createTransferInstruction(srcAta, dstAta, wallet, 1n)
    const b64 = v0([
      new TransactionInstruction({ programId: memo, keys: [], data: Buffer.from('hi') }),
      new TransactionInstruction({ programId: TOKEN_PROGRAM_ID, keys: badTransfer.keys, data: badTransfer.data.subarray(0, 5) }),
      SystemProgram.transfer({ fromPubkey: other, toPubkey: recipient, lamports: 1 }),
      SystemProgram.createAccount({ fromPubkey: wallet, newAccountPubkey: recipient, lamports: 1_000, space: 0, programId: memo }),
    ])
    expect((await actionsFromSolanaTx(b64, wallet.toBase58(), resolveDst)).actions).toEqual([
      { kind: 'contract-call', contract: memo.toBase58(), selector: null, value: 0n },
      { kind: 'contract-call', contract: TOKEN_PROGRAM_ID.toBase58(), selector: null, value: 0n },
      { kind: 'contract-call', contract: SystemProgram.programId.toBase58(), selector: null, value: 0n },
      { kind: 'contract-call', contract: SystemProgram.programId.toBase58(), selector: null, value: 1_000n },
    ])
  })

  it('refuses a transaction whose fee payer is not the wallet', async () => {
    const b64 = v0([SystemProgram.transfer({ fromPubkey: wallet, toPubkey: recipient, lamports: 1 })], other)
    const err = await catchAsync(actionsFromSolanaTx(b64, wallet.toBase58()))
    expect(err.code).toBe('INPUT_INVALID')
    expect(err.details).toMatchObject({ field: 'transaction.feePayer', feePayer: other.toBase58(), wallet: wallet.toBase58() })
  })

  it('refuses address lookup tables and bytes that are not a transaction', async () => {
    const table = new AddressLookupTableAccount({
      key: key(6).publicKey,
      state: { deactivationSlot: 2n ** 64n - 1n, lastExtendedSlot: 0, lastExtendedSlotStartIndex: 0, addresses: [recipient] },
    })
    const msg = new TransactionMessage({
      payerKey: wallet, recentBlockhash: blockhash, instructions: [SystemProgram.transfer({ fromPubkey: wallet, toPubkey: recipient, lamports: 1 })],
    }).compileToV0Message([table])
    expect(msg.addressTableLookups.length).toBe(1)
    const withTable = Buffer.from(new VersionedTransaction(msg).serialize()).toString('base64')
    for (const input of [withTable, 'AAAA', 'not base64!', Buffer.from('hello world').toString('base64')]) {
      const err = await catchAsync(actionsFromSolanaTx(input, wallet.toBase58()))
      expect(err.code).toBe('INPUT_INVALID')
      expect(err.details.field).toBe('transaction')
    }
  })
})

describe('typedDataDomain', () => {
  const typed = {
    types: { Mail: [{ name: 'contents', type: 'string' }] },
    primaryType: 'Mail',
    domain: { name: 'Ether Mail', version: '1', chainId: 1, verifyingContract: getAddress(TOKEN) },
    message: { contents: 'hi' },
  }

  it('reads the domain with chainId as bigint and a lower-case verifying contract', () => {
    expect(typedDataDomain(typed)).toEqual({ name: 'Ether Mail', version: '1', chainId: 1n, verifyingContract: token })
    expect(typedDataDomain(JSON.stringify({ ...typed, domain: { chainId: '0x2a' } }))).toEqual({ chainId: 42n })
    expect(typedDataDomain({ ...typed, domain: {} })).toEqual({})
  })

  it('refuses malformed domain fields by name', () => {
    expect(catchErr(() => typedDataDomain({ ...typed, domain: { verifyingContract: '0x1234' } })).details.field).toBe('typedData.domain.verifyingContract')
    expect(catchErr(() => typedDataDomain({ ...typed, domain: { chainId: 'one' } })).details.field).toBe('typedData.domain.chainId')
    expect(catchErr(() => typedDataDomain('{')).details.field).toBe('typedData')
  })
})

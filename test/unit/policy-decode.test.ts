import { describe, expect, it } from 'vitest'
import { Interface, MaxUint256, Transaction, Wallet, getAddress } from 'ethers'
import {
  AddressLookupTableAccount, ComputeBudgetProgram, Keypair, PublicKey, SystemProgram, Transaction as LegacyTransaction, TransactionInstruction,
  TransactionMessage, VersionedTransaction,
} from '@solana/web3.js'
import {
  AuthorityType, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, createApproveCheckedInstruction, createApproveInstruction, createAssociatedTokenAccountIdempotentInstruction,
  createBurnCheckedInstruction, createBurnInstruction, createCloseAccountInstruction, createMintToInstruction, createRevokeInstruction, createSetAuthorityInstruction,
  createTransferCheckedInstruction, createTransferCheckedWithFeeInstruction, createTransferInstruction, getAssociatedTokenAddressSync,
} from '@solana/spl-token'
import { INCINERATOR, actionsFromIntent, actionsFromSolanaTx, decodeEvmCall, parseUnsignedEvmTx, typedDataDomain } from '../../src/daemon/policy/decode.js'
import { MAX_INNER_CALLS, MAX_WRAPPER_DEPTH } from '../../src/daemon/policy/decode-evm.js'
import type { Action } from '../../src/daemon/policy/types.js'
import { catchAsync, catchErr } from '../helpers/errors.js'

const TOKEN = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'
const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const BOB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const token = TOKEN.toLowerCase()
const alice = ALICE.toLowerCase()
const bob = BOB.toLowerCase()

const ZERO = `0x${'0'.repeat(40)}`
/** An address whose last byte is 00, as the short-address attack needs. */
const SHORT = '0x8ba1f109551bD432803012645Ac136ddd64DBa00'

const abi = new Interface([
  'function transfer(address to, uint256 amount)',
  'function transferFrom(address from, address to, uint256 amount)',
  'function approve(address spender, uint256 amount)',
  'function increaseAllowance(address spender, uint256 addedValue)',
  'function setApprovalForAll(address operator, bool approved)',
  'function approve(address token, address spender, uint160 amount, uint48 expiration)',
  'function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)',
  'function permit(address holder, address spender, uint256 nonce, uint256 expiry, bool allowed, uint8 v, bytes32 r, bytes32 s)',
  'function safeTransferFrom(address from, address to, uint256 tokenId)',
  'function safeTransferFrom(address from, address to, uint256 tokenId, bytes data)',
  'function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data)',
  'function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] values, bytes data)',
  'function transferAndCall(address to, uint256 value, bytes data)',
  'function multicall(bytes[] data)',
  'function multicall(uint256 deadline, bytes[] data)',
  'function exactInputSingle((address,address,uint24,address,uint256,uint256,uint160) params)',
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

  it('reads a known selector as the EVM executes it: trailing bytes ignored, address words masked, short data zero-padded', () => {
    const transfer = enc('transfer', [ALICE, 5n])
    const expected = [{ kind: 'token-transfer', token, to: alice, amount: 5n }]
    const dirty = `0xa9059cbb${'ff'.repeat(12)}${transfer.slice(34)}` // ABI coder v1 masks the high bytes (v2 reverts)
    for (const data of [`${transfer}00`, `${transfer}${'00'.repeat(32)}`, `${transfer}${'ab'.repeat(333)}`, dirty, `${dirty}${'00'.repeat(32)}`]) {
      expect(decodeEvmCall(TOKEN, data, 0n)).toEqual(expected)
    }
    // Before Solidity 0.5 a short argument read as if padded with zeros (calldataload past the end gives zeros).
    expect(decodeEvmCall(TOKEN, enc('transfer', [ALICE, 0x1234n]).slice(0, -2), 0n)).toEqual([{ kind: 'token-transfer', token, to: alice, amount: 0x1200n }])
    expect(decodeEvmCall(TOKEN, '0xa9059cbb', 0n)).toEqual([{ kind: 'token-transfer', token, to: ZERO, amount: 0n }])
    // The short-address attack: an address ending in 00 sent without that byte shifts the amount one byte left.
    const short = `0xa9059cbb${'00'.repeat(12)}${SHORT.slice(2, 40)}${(3n).toString(16).padStart(64, '0')}`
    expect(decodeEvmCall(TOKEN, short, 0n)).toEqual([{ kind: 'token-transfer', token, to: SHORT.toLowerCase(), amount: 3n << 8n }])
    // A short bool word reads as false; the value sent still counts.
    const approveAll = enc('setApprovalForAll', [BOB, true]).slice(0, -2)
    expect(decodeEvmCall(TOKEN, approveAll, 3n)).toEqual([
      { kind: 'token-approve', token, spender: bob, amount: 0n, unlimited: false },
      { kind: 'native-transfer', to: token, amount: 3n },
    ])
  })

  it('reads an unlimited approve padded, with a dirty spender word, as the unlimited approval it is', () => {
    const approve = enc('approve(address,uint256)', [ALICE, MaxUint256])
    for (const data of [`${approve}${'00'.repeat(32)}`, `0x095ea7b3${'12'.repeat(12)}${approve.slice(34)}`]) {
      expect(decodeEvmCall(TOKEN, data, 0n)).toEqual([{ kind: 'token-approve', token, spender: alice, amount: MaxUint256, unlimited: true }])
    }
  })

  it('reads permit as an approval when the wallet (or an unknown signer) owns the allowance, as a plain call for another owner', () => {
    const r = `0x${'11'.repeat(32)}`
    const permit = enc('permit(address,address,uint256,uint256,uint8,bytes32,bytes32)', [ALICE, BOB, 7n, 100n, 27, r, r])
    const approval = [{ kind: 'token-approve', token, spender: bob, amount: 7n, unlimited: false }]
    expect(decodeEvmCall(TOKEN, permit, 0n)).toEqual(approval)
    expect(decodeEvmCall(TOKEN, permit, 0n, { wallet: ALICE })).toEqual(approval)
    expect(decodeEvmCall(TOKEN, `0xd505accf${'ee'.repeat(12)}${permit.slice(34)}00`, 0n, { wallet: ALICE })).toEqual(approval)
    expect(decodeEvmCall(TOKEN, permit, 0n, { wallet: BOB })).toEqual([{ kind: 'contract-call', contract: token, selector: '0xd505accf', value: 0n }])
    expect(decodeEvmCall(TOKEN, permit, 2n, { wallet: BOB })).toEqual([{ kind: 'contract-call', contract: token, selector: '0xd505accf', value: 2n }])
    // DAI's form: `allowed` (any non-zero word) is an unlimited allowance, false revokes it.
    const dai = (allowed: boolean): string => enc('permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)', [ALICE, BOB, 0n, 0n, allowed, 27, r, r])
    expect(decodeEvmCall(TOKEN, dai(true), 0n, { wallet: ALICE })).toEqual([{ kind: 'token-approve', token, spender: bob, amount: MaxUint256, unlimited: true }])
    expect(decodeEvmCall(TOKEN, dai(false), 0n, { wallet: ALICE })).toEqual([{ kind: 'token-approve', token, spender: bob, amount: 0n, unlimited: false }])
    const dirtyBool = `${dai(false).slice(0, 10 + 64 * 4)}${'0'.repeat(63)}2${dai(false).slice(10 + 64 * 5)}`
    expect(decodeEvmCall(TOKEN, dirtyBool, 0n, { wallet: ALICE })[0]).toMatchObject({ kind: 'token-approve', unlimited: true })
    expect(decodeEvmCall(TOKEN, dai(true), 0n, { wallet: BOB })).toEqual([{ kind: 'contract-call', contract: token, selector: '0x8fcbaf0c', value: 0n }])
  })

  it('reads transferFrom of another owner, ERC-721/1155 safeTransferFrom and transferAndCall as transfers to the recipient', () => {
    const data = '0xc0ffee'
    expect(decodeEvmCall(TOKEN, enc('transferFrom', [BOB, ALICE, 7n]), 0n, { wallet: ALICE })).toEqual([{ kind: 'token-transfer', token, to: alice, amount: 7n }])
    expect(decodeEvmCall(TOKEN, enc('safeTransferFrom(address,address,uint256)', [BOB, ALICE, 42n]), 0n)).toEqual([{ kind: 'token-transfer', token, to: alice, amount: 42n }])
    expect(decodeEvmCall(TOKEN, enc('safeTransferFrom(address,address,uint256,bytes)', [BOB, ALICE, 43n, data]), 0n)).toEqual([{ kind: 'token-transfer', token, to: alice, amount: 43n }])
    expect(decodeEvmCall(TOKEN, enc('safeTransferFrom(address,address,uint256,uint256,bytes)', [BOB, ALICE, 1n, 9n, data]), 0n)).toEqual([{ kind: 'token-transfer', token, to: alice, amount: 9n }])
    expect(decodeEvmCall(TOKEN, enc('safeBatchTransferFrom', [BOB, ALICE, [1n, 2n, 3n], [4n, 5n, 6n], data]), 0n)).toEqual([{ kind: 'token-transfer', token, to: alice, amount: 15n }])
    expect(decodeEvmCall(TOKEN, enc('transferAndCall', [ALICE, 11n, data]), 0n)).toEqual([{ kind: 'token-transfer', token, to: alice, amount: 11n }])
    // a batch whose values lie outside the calldata is refused, never read as nothing
    const batch = enc('safeBatchTransferFrom', [BOB, ALICE, [1n], [4n], data])
    const broken = `${batch.slice(0, 10 + 64 * 3)}${'0'.repeat(60)}ffff${batch.slice(10 + 64 * 4)}`
    expect(catchErr(() => decodeEvmCall(TOKEN, broken, 0n, { field: 'transaction.data' })).details).toEqual({ field: 'transaction.data' })
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

describe('decodeEvmCall: multicall wrappers', () => {
  const wrap = (calls: string[]): string => enc('multicall(bytes[])', [calls])
  const call = (selector: string, value = 0n): Action => ({ kind: 'contract-call', contract: token, selector, value })
  const swap = enc('exactInputSingle', [[TOKEN, BOB, 3000, ALICE, 1n, 2n, 0n]])

  it('is a call of the wrapper (with the value sent) and every inner call decoded as if called directly', () => {
    const inner = [`${enc('transfer', [ALICE, 5n])}${'00'.repeat(7)}`, enc('approve(address,uint256)', [BOB, MaxUint256]), swap, '0x', '0x01']
    const expected: Action[] = [
      { kind: 'token-transfer', token, to: alice, amount: 5n },
      { kind: 'token-approve', token, spender: bob, amount: MaxUint256, unlimited: true },
      call(swap.slice(0, 10)),
      { kind: 'contract-call', contract: token, selector: null, value: 0n },
      { kind: 'contract-call', contract: token, selector: null, value: 0n },
    ]
    expect(decodeEvmCall(TOKEN, wrap(inner), 9n)).toEqual([call('0xac9650d8', 9n), ...expected])
    expect(decodeEvmCall(TOKEN, `${enc('multicall(uint256,bytes[])', [123n, inner])}${'ff'.repeat(5)}`, 0n)).toEqual([call('0x5ae401dc'), ...expected])
  })

  it('follows offsets wherever they point, as the ABI decoder does', () => {
    // Head offset 0x40 instead of 0x20, with a junk word in between; one element offset pointing past a gap.
    const t = enc('transfer', [ALICE, 5n]).slice(2)
    const word = (n: number | bigint): string => BigInt(n).toString(16).padStart(64, '0')
    const len = t.length / 2
    const padded = t.padEnd(Math.ceil(len / 32) * 64, '0')
    const body = `${word(0x40)}${'ee'.repeat(32)}${word(1)}${word(0x40)}${'dd'.repeat(32)}${word(len)}${padded}`
    expect(decodeEvmCall(TOKEN, `0xac9650d8${body}`, 0n)).toEqual([call('0xac9650d8'), { kind: 'token-transfer', token, to: alice, amount: 5n }])
  })

  it('adds increaseAllowance to what earlier calls of the same wrapper approved', () => {
    const calls = [enc('approve(address,uint256)', [BOB, 5n]), enc('increaseAllowance', [BOB, 3n]), enc('increaseAllowance', [ALICE, 2n]), enc('increaseAllowance', [BOB, 1n])]
    expect(decodeEvmCall(TOKEN, wrap(calls), 0n).slice(1)).toEqual([
      { kind: 'token-approve', token, spender: bob, amount: 5n, unlimited: false },
      { kind: 'token-approve', token, spender: bob, amount: 8n, unlimited: false },
      { kind: 'token-approve', token, spender: alice, amount: 2n, unlimited: false },
      { kind: 'token-approve', token, spender: bob, amount: 9n, unlimited: false },
    ])
    // two increases that together pass 2^255 are as unlimited as one approval of that much
    const big = wrap([enc('increaseAllowance', [BOB, 1n << 254n]), enc('increaseAllowance', [BOB, 1n << 254n])])
    expect(decodeEvmCall(TOKEN, big, 0n)[2]).toMatchObject({ amount: 1n << 255n, unlimited: true })
  })

  it(`decodes wrappers nested ${MAX_WRAPPER_DEPTH} deep and refuses deeper ones`, () => {
    let data = enc('transfer', [ALICE, 5n])
    for (let i = 0; i < MAX_WRAPPER_DEPTH; i++) data = wrap([data])
    const actions = decodeEvmCall(TOKEN, data, 0n)
    expect(actions).toEqual([...Array.from({ length: MAX_WRAPPER_DEPTH }, () => call('0xac9650d8')), { kind: 'token-transfer', token, to: alice, amount: 5n }])
    const err = catchErr(() => decodeEvmCall(TOKEN, wrap([data]), 0n, { field: 'transaction.data' }))
    expect(err.code).toBe('INPUT_INVALID')
    expect(err.details).toEqual({ field: 'transaction.data' })
    expect(err.hint).toContain('one by one')
  })

  it(`decodes up to ${MAX_INNER_CALLS} inner calls in all and refuses more`, () => {
    const t = enc('transfer', [ALICE, 1n])
    expect(decodeEvmCall(TOKEN, wrap(Array.from({ length: MAX_INNER_CALLS }, () => t)), 0n)).toHaveLength(MAX_INNER_CALLS + 1)
    expect(catchErr(() => decodeEvmCall(TOKEN, wrap(Array.from({ length: MAX_INNER_CALLS + 1 }, () => t)), 0n)).code).toBe('INPUT_INVALID')
    // the budget counts nested calls too
    const half = Array.from({ length: MAX_INNER_CALLS / 2 }, () => t)
    expect(catchErr(() => decodeEvmCall(TOKEN, wrap([wrap(half), wrap(half)]), 0n)).details).toEqual({ field: 'data' })
  })

  it('refuses a wrapper whose offsets or lengths point outside the calldata (it reverts, or does what nothing here read)', () => {
    const good = wrap([enc('transfer', [ALICE, 5n])])
    const at = (hex: string, word: number, value: string): string => `${hex.slice(0, 10 + 64 * word)}${value.padStart(64, '0')}${hex.slice(10 + 64 * (word + 1))}`
    for (const data of [
      at(good, 0, 'ffffffffffffffffff'), // array offset beyond 2^64
      at(good, 0, '1000'), // array offset past the end
      at(good, 1, '10000'), // more elements than fit
      at(good, 2, '2000'), // element offset past the end
      at(good, 3, 'ffff'), // element longer than the calldata
      good.slice(0, 10 + 64), // offset only
    ]) {
      expect(catchErr(() => decodeEvmCall(TOKEN, data, 0n)).code).toBe('INPUT_INVALID')
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

describe('actionsFromSolanaTx: token instructions as the token programs execute them', () => {
  const pad = (ix: TransactionInstruction, n = 23): TransactionInstruction =>
    new TransactionInstruction({ programId: ix.programId, keys: ix.keys, data: Buffer.concat([ix.data, Buffer.alloc(n, 0xab)]) })
  const W = wallet.toBase58()
  const src = { owner: W, mint: mint.toBase58(), decimals: 6 }
  const accounts = resolver({ [srcAta.toBase58()]: src, [dstAta.toBase58()]: { owner: recipient.toBase58(), mint: mint.toBase58(), decimals: 6 } })
  const lamports = (known: Record<string, bigint>) => async (address: string): Promise<bigint | null> => known[address] ?? null
  const decode = async (ixs: TransactionInstruction[], lamportsOf = lamports({})): Promise<Action[]> => (await actionsFromSolanaTx(v0(ixs), W, accounts, lamportsOf)).actions
  const opaque = (program = TOKEN_PROGRAM_ID): Action => ({ kind: 'contract-call', contract: program.toBase58(), selector: null, value: 0n })

  it('reads transfers and approvals with trailing bytes as the same transfers and approvals', async () => {
    const ixs = [
      createTransferInstruction(srcAta, dstAta, wallet, 77n),
      createTransferCheckedInstruction(srcAta, mint, dstAta, wallet, 250n, 6),
      createApproveInstruction(srcAta, other, wallet, 2n ** 64n - 1n),
      createApproveCheckedInstruction(srcAta, mint, other, wallet, 10n, 6),
    ]
    const plain = await decode(ixs)
    expect(plain).toEqual([
      { kind: 'token-transfer', token: mint.toBase58(), to: recipient.toBase58(), amount: 77n },
      { kind: 'token-transfer', token: mint.toBase58(), to: recipient.toBase58(), amount: 250n },
      { kind: 'token-approve', token: mint.toBase58(), spender: other.toBase58(), amount: 2n ** 64n - 1n, unlimited: true },
      { kind: 'token-approve', token: mint.toBase58(), spender: other.toBase58(), amount: 10n, unlimited: false },
    ])
    expect(await decode(ixs.map((ix) => pad(ix)))).toEqual(plain)
    expect(await decode(ixs.map((ix) => pad(ix, 200)))).toEqual(plain)
    // Data shorter than the fields makes the program fail: an opaque call.
    expect(await decode(ixs.map((ix) => new TransactionInstruction({ ...ix, data: ix.data.subarray(0, 8) })))).toEqual(ixs.map(() => opaque()))
  })

  it("reads Token-2022's TransferCheckedWithFee as a transfer of the whole amount", async () => {
    const src22 = getAssociatedTokenAddressSync(mint, wallet, false, TOKEN_2022_PROGRAM_ID)
    const dst22 = getAssociatedTokenAddressSync(mint, recipient, false, TOKEN_2022_PROGRAM_ID)
    const ix = createTransferCheckedWithFeeInstruction(src22, mint, dst22, wallet, 1_000n, 6, 10n, [], TOKEN_2022_PROGRAM_ID)
    const r = resolver({ [dst22.toBase58()]: { owner: recipient.toBase58(), mint: mint.toBase58(), decimals: 6 } })
    for (const i of [ix, pad(ix)]) {
      expect((await actionsFromSolanaTx(v0([i]), W, r)).actions).toEqual([{ kind: 'token-transfer', token: mint.toBase58(), to: recipient.toBase58(), amount: 1_000n }])
    }
  })

  it('reads Burn and BurnChecked as transfers to the incinerator', async () => {
    const burnt = { kind: 'token-transfer', token: mint.toBase58(), to: INCINERATOR, amount: 5n }
    expect(await decode([pad(createBurnInstruction(srcAta, mint, wallet, 5n)), createBurnCheckedInstruction(srcAta, mint, wallet, 5n, 6)])).toEqual([burnt, burnt])
  })

  it('reads SetAuthority over a token account as an unlimited approval to the new authority', async () => {
    const owner = createSetAuthorityInstruction(srcAta, wallet, AuthorityType.AccountOwner, other)
    const close = createSetAuthorityInstruction(srcAta, wallet, AuthorityType.CloseAccount, other)
    const handed = { kind: 'token-approve', token: mint.toBase58(), spender: other.toBase58(), amount: 2n ** 64n - 1n, unlimited: true }
    expect(await decode([owner, pad(close)])).toEqual([handed, handed])
    // No new authority, or an account that is no token account (a mint's authorities): an opaque call.
    expect(await decode([createSetAuthorityInstruction(srcAta, wallet, AuthorityType.CloseAccount, null)])).toEqual([opaque()])
    expect(await decode([createSetAuthorityInstruction(mint, wallet, AuthorityType.MintTokens, other)])).toEqual([opaque()])
  })

  it('reads CloseAccount and WithdrawExcessLamports to another account as native transfers of all the lamports', async () => {
    const closeTo = (dst: PublicKey): TransactionInstruction => createCloseAccountInstruction(srcAta, dst, wallet)
    const known = lamports({ [srcAta.toBase58()]: 2_039_280n })
    expect(await decode([closeTo(recipient), pad(closeTo(recipient))], known)).toEqual([
      { kind: 'native-transfer', to: recipient.toBase58(), amount: 2_039_280n },
      { kind: 'native-transfer', to: recipient.toBase58(), amount: 2_039_280n },
    ])
    // lamports it cannot read count as the most there could be; back to the wallet it moves nothing away
    expect(await decode([closeTo(recipient)])).toEqual([{ kind: 'native-transfer', to: recipient.toBase58(), amount: 2n ** 64n - 1n }])
    expect(await decode([closeTo(wallet)], known)).toEqual([opaque()])
    const withdraw = new TransactionInstruction({
      programId: TOKEN_2022_PROGRAM_ID,
      keys: [{ pubkey: srcAta, isSigner: false, isWritable: true }, { pubkey: recipient, isSigner: false, isWritable: true }, { pubkey: wallet, isSigner: true, isWritable: false }],
      data: Buffer.from([38]),
    })
    expect(await decode([withdraw], known)).toEqual([{ kind: 'native-transfer', to: recipient.toBase58(), amount: 2_039_280n }])
  })

  it("reads System instructions that put the wallet's lamports out of its reach as native transfers of all of them", async () => {
    const memo = new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr')
    const nonce = key(7).publicKey
    const known = lamports({ [W]: 5_000_000_000n, [nonce.toBase58()]: 1_500_000n })
    const system = (value = 0n): Action => ({ kind: 'contract-call', contract: SystemProgram.programId.toBase58(), selector: null, value })
    expect(await decode([SystemProgram.assign({ accountPubkey: wallet, programId: memo })], known)).toEqual([{ kind: 'native-transfer', to: memo.toBase58(), amount: 5_000_000_000n }])
    expect(await decode([SystemProgram.assign({ accountPubkey: wallet, programId: memo })])).toEqual([{ kind: 'native-transfer', to: memo.toBase58(), amount: 2n ** 64n - 1n }])
    expect(await decode([SystemProgram.assign({ accountPubkey: other, programId: memo })], known)).toEqual([system()])
    expect(await decode([SystemProgram.nonceWithdraw({ noncePubkey: nonce, authorizedPubkey: wallet, toPubkey: recipient, lamports: 700 })], known)).toEqual([
      { kind: 'native-transfer', to: recipient.toBase58(), amount: 700n },
    ])
    expect(await decode([SystemProgram.nonceWithdraw({ noncePubkey: nonce, authorizedPubkey: wallet, toPubkey: wallet, lamports: 700 })], known)).toEqual([system()])
    expect(await decode([SystemProgram.nonceAuthorize({ noncePubkey: nonce, authorizedPubkey: wallet, newAuthorizedPubkey: other })], known)).toEqual([
      { kind: 'native-transfer', to: other.toBase58(), amount: 1_500_000n },
    ])
  })

  it('keeps every other token instruction an opaque call on its program', async () => {
    const ixs = [
      createMintToInstruction(mint, srcAta, wallet, 5n),
      createRevokeInstruction(srcAta, wallet),
      new TransactionInstruction({ programId: TOKEN_PROGRAM_ID, keys: [], data: Buffer.from([255, 1, 2]) }),
      new TransactionInstruction({ programId: TOKEN_2022_PROGRAM_ID, keys: [], data: Buffer.alloc(0) }),
      new TransactionInstruction({ programId: TOKEN_2022_PROGRAM_ID, keys: [], data: Buffer.from([26, 2]) }),
    ]
    expect(await decode(ixs)).toEqual([opaque(), opaque(), opaque(), opaque(TOKEN_2022_PROGRAM_ID), opaque(TOKEN_2022_PROGRAM_ID)])
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

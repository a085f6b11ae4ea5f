/**
 * Property, grounded in the chain rather than in the decoder: for generated token calls in every encoding the chain
 * executes (trailing bytes of any length, dirty high bytes in address words, bool words other than 0/1, short
 * calldata, multicall wrappers up to the depth the decoder reads; SPL / Token-2022 instructions with trailing bytes),
 * run them on the chain without committing and compare what moved with what the decoder reports:
 *
 * - EVM: each call runs with eth_simulateV1 on anvil, from the wallet, against three tokens that decode differently:
 *   PermitToken (Solidity 0.8, ABI decoder v2), LooseToken (decoder v1: masks dirty words) and OldToken (decodes like
 *   pre-0.5 Solidity: no length check). The decoded transfers must add up to exactly what arrived at each recipient,
 *   and every Approval of the wallet's allowance and every ApprovalForAll it grants must be a decoded approval with
 *   exactly those values.
 * - Solana: each transaction is simulated by the local chain (litesvm with the real SPL Token and Token-2022
 *   programs); every token balance that rises, every burn, every delegate, owner or close authority the wallet's
 *   accounts get, every lamport leaving to another account, and the wallet's own account assigned to another program
 *   must be covered by the decoded actions.
 *
 * Both then put the decoded actions through the policy engine with the policy set that used to let such calls pass
 * (the token contracts / programs on CONTRACT_ALLOWLIST): whenever the chain moved something to anyone but the
 * allowlisted friend, or gave an allowance the policies do not allow, the decision must be DENY.
 */
import fc from 'fast-check'
import { Interface, JsonRpcProvider, MaxUint256, Signature, Wallet as EthersWallet, type TypedDataField } from 'ethers'
import { Keypair, PublicKey, SystemProgram, TransactionInstruction, TransactionMessage, VersionedTransaction } from '@solana/web3.js'
import {
  AuthorityType, ExtensionType, MINT_SIZE, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, createApproveCheckedInstruction, createApproveInstruction,
  createAssociatedTokenAccountIdempotentInstruction, createBurnCheckedInstruction, createBurnInstruction, createCloseAccountInstruction,
  createInitializeMint2Instruction, createInitializeTransferFeeConfigInstruction, createMintToInstruction, createRevokeInstruction, createSetAuthorityInstruction,
  createTransferCheckedInstruction, createTransferCheckedWithFeeInstruction, createTransferInstruction, getAssociatedTokenAddressSync, getMintLen, unpackAccount,
  unpackMint,
} from '@solana/spl-token'
import { beforeAll, describe, expect, it } from 'vitest'
import { LocalChain } from '../../src/devnet/solana-rpc/chain.js'
import { parseWireTx } from '../../src/devnet/solana-rpc/wire.js'
import { INCINERATOR, actionsFromSolanaTx, decodeEvmCall } from '../../src/daemon/policy/decode.js'
import { evaluate } from '../../src/daemon/policy/engine.js'
import type { Action, Policy, PolicyFacts, PolicyRequest, PolicyType } from '../../src/daemon/policy/types.js'
import { compile, deploy, mined } from '../helpers/solc.js'
import { localChain } from '../helpers/chains.js'

const UNLIMITED = 1n << 255n
const U64_MAX = (1n << 64n) - 1n

let policyId = 0
const policy = (type: PolicyType, rules: Record<string, unknown>): Policy => ({ id: `p${++policyId}`, walletId: 'w', network: null, type, rules, version: 1, enabled: true })
const FACTS: PolicyFacts = {
  now: Date.now(),
  spent: { day: { usdMicros: 0n, native: 0n, nativeClass: 0n, tokens: {} }, week: { usdMicros: 0n, native: 0n, nativeClass: 0n, tokens: {} }, month: { usdMicros: 0n, native: 0n, nativeClass: 0n, tokens: {} } },
  countSince: () => 0,
  pending: 0,
  knownRecipient: () => true,
}
const decide = (chain: 'evm' | 'solana', network: string, actions: Action[], tokens: string[], policies: Policy[]): string => {
  const req: PolicyRequest = {
    walletId: 'w', chain, network, actions, maxFee: null, usdMicros: 0n, nativeValue: 0n, nativeDecimals: chain === 'evm' ? 18 : 9,
    tokenDecimals: Object.fromEntries(tokens.map((t) => [t, 6])),
  }
  for (const a of actions) if (a.kind === 'native-transfer' || (a.kind === 'contract-call' && a.value > 0n)) req.nativeValue += a.kind === 'native-transfer' ? a.amount : a.value
  return evaluate(req, policies, FACTS).tier
}

// ----------------------------------------------------------------------------------------------------------- EVM

describe('EVM calldata: what the token executes is what the decoder reports', () => {
  const wallet = EthersWallet.createRandom()
  const other = EthersWallet.createRandom()
  const FRIEND = EthersWallet.createRandom().address
  const STRANGER = EthersWallet.createRandom().address
  const SPENDER = EthersWallet.createRandom().address
  const W = wallet.address.toLowerCase()
  let provider: JsonRpcProvider
  let tokens: Record<Kind, string>
  let policies: Policy[]
  const core = new Interface(compile('PermitToken.sol', 'PermitToken').abi)

  type Kind = 'v2' | 'v1' | 'old'
  beforeAll(async () => {
    provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    const deployer = new EthersWallet(EthersWallet.createRandom().privateKey, provider)
    const owner = new EthersWallet(other.privateKey, provider)
    for (const a of [deployer.address, owner.address]) await provider.send('anvil_setBalance', [a, '0x56bc75e2d63100000'])
    tokens = {
      v2: await deploy(deployer, 'PermitToken.sol', 'PermitToken'),
      v1: await deploy(deployer, 'LooseToken.sol', 'LooseToken'),
      old: await deploy(deployer, 'OldToken.sol', 'OldToken'),
    }
    for (const token of Object.values(tokens)) {
      for (const to of [wallet.address, other.address]) await mined(provider, (await deployer.sendTransaction({ to: token, data: core.encodeFunctionData('mint', [to, 10n ** 10n]) })).hash)
      // The other owner lets the wallet move its tokens, so transferFrom(other, …) executes.
      await mined(provider, (await owner.sendTransaction({ to: token, data: core.encodeFunctionData('approve', [wallet.address, 10n ** 10n]) })).hash)
    }
    const list = Object.values(tokens).map((t) => t.toLowerCase())
    policies = [
      policy('SPENDING_LIMIT', { instant_max: '1' }),
      ...list.map((token) => policy('SPENDING_LIMIT', { token, instant_max: '1000' })),
      policy('ALLOWED_TOKENS', { tokens: list }),
      policy('RECIPIENT_ALLOWLIST', { recipients: [FRIEND.toLowerCase()] }),
      policy('CONTRACT_ALLOWLIST', { contracts: list }),
      policy('APPROVED_SPENDERS', { spenders: [SPENDER.toLowerCase()] }),
    ]
  })

  /** A token call before encoding: function, arguments, which head words are addresses and bools, who signs a permit. */
  interface Spec {
    fn: string
    args: unknown[]
    addressWords: number[]
    boolWords: number[]
    permit?: { by: 'wallet' | 'other'; kind: '2612' | 'dai' }
  }
  const who = fc.constantFrom(FRIEND, STRANGER, SPENDER, wallet.address, other.address)
  const from = fc.constantFrom(wallet.address, other.address)
  const amount = fc.oneof(fc.constantFrom(0n, 1n, 10n ** 6n, 10n ** 9n, UNLIMITED, MaxUint256), fc.bigInt({ min: 0n, max: 3n * 10n ** 9n }))
  const small = fc.bigInt({ min: 0n, max: 10n ** 9n })
  const spec = (fn: string, args: fc.Arbitrary<unknown>[], addressWords: number[], boolWords: number[] = []): fc.Arbitrary<Spec> =>
    fc.tuple(...args).map((a) => ({ fn, args: a, addressWords, boolWords }))
  const BASIC = [
    spec('transfer', [who, amount], [0]),
    spec('transferFrom', [from, who, amount], [0, 1]),
    spec('approve', [who, amount], [0]),
  ]
  const FULL = [
    ...BASIC,
    spec('increaseAllowance', [who, amount], [0]),
    spec('setApprovalForAll', [who, fc.boolean()], [0], [1]),
    fc.tuple(fc.constantFrom('wallet' as const, 'other' as const), who, amount, fc.constantFrom(1n << 40n, 1n)).map(([by, spender, value, deadline]) => ({
      fn: 'permit(address,address,uint256,uint256,uint8,bytes32,bytes32)', args: [spender, value, deadline], addressWords: [0, 1], boolWords: [], permit: { by, kind: '2612' as const },
    })),
    fc.tuple(fc.constantFrom('wallet' as const, 'other' as const), who, fc.boolean()).map(([by, spender, allowed]) => ({
      fn: 'permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)', args: [spender, allowed], addressWords: [0, 1], boolWords: [4], permit: { by, kind: 'dai' as const },
    })),
    spec('safeTransferFrom(address,address,uint256)', [from, who, small], [0, 1]),
    spec('safeTransferFrom(address,address,uint256,bytes)', [from, who, small, fc.constantFrom('0x', '0xc0ffee')], [0, 1]),
    spec('safeTransferFrom(address,address,uint256,uint256,bytes)', [from, who, fc.bigInt({ min: 0n, max: 99n }), small, fc.constant('0x')], [0, 1]),
    spec('safeBatchTransferFrom', [from, who, fc.constant([1n, 2n]), fc.tuple(small, small), fc.constant('0x')], [0, 1]),
    spec('transferAndCall', [who, amount, fc.constantFrom('0x', '0x1234')], [0]),
  ]

  const PERMIT_TYPES: Record<'2612' | 'dai', Record<string, TypedDataField[]>> = {
    '2612': { Permit: ['owner:address', 'spender:address', 'value:uint256', 'nonce:uint256', 'deadline:uint256'].map((f) => ({ name: f.split(':')[0]!, type: f.split(':')[1]! })) },
    dai: { Permit: ['holder:address', 'spender:address', 'nonce:uint256', 'expiry:uint256', 'allowed:bool'].map((f) => ({ name: f.split(':')[0]!, type: f.split(':')[1]! })) },
  }

  /** The canonical calldata of `s` on `token`; a permit is signed by its owner's key (nonce 0: nothing is committed). */
  async function encode(s: Spec, token: string): Promise<string> {
    if (s.permit === undefined) return core.encodeFunctionData(s.fn, s.args)
    const signer = s.permit.by === 'wallet' ? wallet : other
    const domain = { name: 'Core USD', version: '1', chainId: 31337, verifyingContract: token }
    if (s.permit.kind === '2612') {
      const [spender, value, deadline] = s.args as [string, bigint, bigint]
      const sig = Signature.from(await signer.signTypedData(domain, PERMIT_TYPES['2612'], { owner: signer.address, spender, value, nonce: 0n, deadline }))
      return core.encodeFunctionData(s.fn, [signer.address, spender, value, deadline, sig.v, sig.r, sig.s])
    }
    const [spender, allowed] = s.args as [string, boolean]
    const sig = Signature.from(await signer.signTypedData(domain, PERMIT_TYPES.dai, { holder: signer.address, spender, nonce: 0n, expiry: 0n, allowed }))
    return core.encodeFunctionData(s.fn, [signer.address, spender, 0n, 0n, allowed, sig.v, sig.r, sig.s])
  }

  /** How the bytes differ from the textbook encoding. */
  interface Mutation {
    dirtyMask: number
    dirtyFill: Uint8Array
    bool: bigint | null
    cut: number
    tail: Uint8Array
  }
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    dirtyMask: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(3) }),
    dirtyFill: fc.uint8Array({ minLength: 12, maxLength: 12 }).filter((b) => b.some((x) => x !== 0)),
    bool: fc.option(fc.bigInt({ min: 2n, max: MaxUint256 }), { freq: 3 }),
    cut: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 70 }) }),
    tail: fc.oneof(fc.constant(new Uint8Array()), fc.uint8Array({ minLength: 1, maxLength: 100 })),
  })
  function mutate(hex: string, s: Spec, m: Mutation): string {
    let b = Buffer.from(hex.slice(2), 'hex')
    s.addressWords.forEach((w, i) => {
      if ((m.dirtyMask >> i) & 1) b.set(m.dirtyFill, 4 + 32 * w)
    })
    for (const w of s.boolWords) if (m.bool !== null) b.set(Buffer.from(m.bool.toString(16).padStart(64, '0'), 'hex'), 4 + 32 * w)
    if (m.cut > 0) b = b.subarray(0, Math.max(4, b.length - m.cut))
    return `0x${Buffer.concat([b, m.tail]).toString('hex')}`
  }

  /** Multicall levels around the call (PermitToken only): each with plain sibling calls before it, and its form. */
  interface Level {
    siblings: Spec[]
    deadline: boolean
  }
  const level: fc.Arbitrary<Level> = fc.record({ siblings: fc.array(fc.oneof(...BASIC), { maxLength: 2 }), deadline: fc.boolean() })

  const kase = fc.oneof(
    fc.record({ kind: fc.constant<Kind>('v2'), spec: fc.oneof(...FULL), m: mutation, levels: fc.array(level, { maxLength: 3 }), outerTail: fc.uint8Array({ maxLength: 40 }) }),
    fc.record({ kind: fc.constant<Kind>('v1'), spec: fc.oneof(...FULL), m: mutation, levels: fc.constant<Level[]>([]), outerTail: fc.constant(new Uint8Array()) }),
    fc.record({ kind: fc.constant<Kind>('old'), spec: fc.oneof(...BASIC), m: mutation, levels: fc.constant<Level[]>([]), outerTail: fc.constant(new Uint8Array()) }),
  )

  it('every Transfer, Approval and ApprovalForAll the chain performs is a decoded action with those values, and is denied when the policy forbids it', async () => {
    const seen = { executed: 0, moved: 0, dirtyMoved: 0, shortMoved: 0, paddedMoved: 0, wrappedMoved: 0, denied: 0, refused: 0 }
    await fc.assert(
      fc.asyncProperty(kase, async ({ kind, spec: s, m, levels, outerTail }) => {
        const token = tokens[kind]
        const key = token.toLowerCase()
        let data = mutate(await encode(s, token), s, m)
        for (const l of levels) {
          const inner = [...(await Promise.all(l.siblings.map((x) => encode(x, token)))), data]
          data = l.deadline ? core.encodeFunctionData('multicall(uint256,bytes[])', [1n << 40n, inner]) : core.encodeFunctionData('multicall(bytes[])', [inner])
        }
        data = `${data}${Buffer.from(outerTail).toString('hex')}`

        const [block] = (await provider.send('eth_simulateV1', [{ blockStateCalls: [{ calls: [{ from: wallet.address, to: token, data }] }] }, 'latest'])) as {
          calls: { status: string; logs: { address: string; topics: string[]; data: string }[] }[]
        }[]
        const run = block!.calls[0]!
        const events = run.status === '0x1' ? run.logs.map((l) => core.parseLog(l)!) : []
        let actions: Action[]
        try {
          actions = decodeEvmCall(token, data, 0n, { wallet: wallet.address })
        } catch (err) {
          // Refused (nothing is signed): only for dynamic data cut short, whose offsets then point past the end.
          expect((err as { code?: string }).code).toBe('INPUT_INVALID')
          expect(m.cut).toBeGreaterThan(0)
          seen.refused++
          return
        }

        let violation = false
        // Tokens that arrived, per recipient (an ERC-1155 batch logs one Transfer per item; the decoder sums them).
        const arrived = new Map<string, bigint>()
        const decoded = new Map<string, bigint>()
        for (const a of actions) if (a.kind === 'token-transfer' && a.token === key) decoded.set(a.to, (decoded.get(a.to) ?? 0n) + a.amount)
        for (const e of events) {
          if (e.name === 'Transfer') {
            const to = (e.args[1] as string).toLowerCase()
            arrived.set(to, (arrived.get(to) ?? 0n) + (e.args[2] as bigint))
            violation ||= to !== FRIEND.toLowerCase()
          } else if (e.name === 'Approval' && (e.args[0] as string).toLowerCase() === W) {
            const spender = (e.args[1] as string).toLowerCase()
            const value = e.args[2] as bigint
            expect(actions).toContainEqual({ kind: 'token-approve', token: key, spender, amount: value, unlimited: value >= UNLIMITED })
            violation ||= spender !== SPENDER.toLowerCase() || value >= UNLIMITED
          } else if (e.name === 'ApprovalForAll' && (e.args[0] as string).toLowerCase() === W && e.args[2] === true) {
            const operator = (e.args[1] as string).toLowerCase()
            expect(actions).toContainEqual({ kind: 'token-approve', token: key, spender: operator, amount: MaxUint256, unlimited: true })
            violation = true
          }
        }
        // Exactly what the chain moved, to whom: no more (every decoded transfer ran), no less.
        if (events.length > 0) expect(Object.fromEntries(decoded)).toEqual(Object.fromEntries(arrived))
        if (violation) {
          expect(decide('evm', 'eip155:31337', actions, Object.values(tokens).map((t) => t.toLowerCase()), policies)).toBe('DENY')
          seen.denied++
        }
        if (run.status === '0x1') seen.executed++
        if (events.length > 0) {
          seen.moved++
          if (s.addressWords.some((_, i) => (m.dirtyMask >> i) & 1) || (m.bool !== null && s.boolWords.length > 0)) seen.dirtyMoved++
          if (m.cut > 0) seen.shortMoved++
          if (m.tail.length > 0 || outerTail.length > 0) seen.paddedMoved++
          if (levels.length > 0) seen.wrappedMoved++
        }
      }),
      { numRuns: 400 },
    )
    // The property must have been exercised on what matters: executed calls with each kind of odd encoding.
    expect(seen.moved).toBeGreaterThan(120)
    expect(seen.dirtyMoved).toBeGreaterThan(10)
    expect(seen.shortMoved).toBeGreaterThan(3)
    expect(seen.paddedMoved).toBeGreaterThan(50)
    expect(seen.wrappedMoved).toBeGreaterThan(20)
    expect(seen.denied).toBeGreaterThan(50)
  })
})

// -------------------------------------------------------------------------------------------------------- Solana

describe('Solana token instructions: what the token programs execute is what the decoder reports', () => {
  const chain = new LocalChain()
  const wallet = Keypair.generate()
  const payer = Keypair.generate()
  const friend = Keypair.generate().publicKey
  const stranger = Keypair.generate().publicKey
  const delegate = Keypair.generate().publicKey
  const W = wallet.publicKey.toBase58()
  const FEE_BPS = 100
  const MAX_FEE = 5_000_000n
  const mints = { plain: Keypair.generate(), fee: Keypair.generate(), empty: Keypair.generate() }
  const programOf = { plain: TOKEN_PROGRAM_ID, fee: TOKEN_2022_PROGRAM_ID, empty: TOKEN_PROGRAM_ID }
  type MintName = keyof typeof mints
  const ata = (mint: MintName, owner: PublicKey): PublicKey => getAssociatedTokenAddressSync(mints[mint].publicKey, owner, false, programOf[mint])
  let policies: Policy[]

  const run = (ixs: TransactionInstruction[], signers: Keypair[], feePayer = payer) => {
    const message = new TransactionMessage({ payerKey: feePayer.publicKey, recentBlockhash: chain.latestBlockhash().blockhash, instructions: ixs }).compileToV0Message()
    const tx = new VersionedTransaction(message)
    tx.sign([feePayer, ...signers.filter((s) => !s.publicKey.equals(feePayer.publicKey))])
    return { wire: parseWireTx(tx.serialize()), base64: Buffer.from(tx.serialize()).toString('base64') }
  }

  beforeAll(() => {
    chain.airdrop(W, 100e9)
    chain.airdrop(payer.publicKey.toBase58(), 100e9)
    const rent = (size: number): number => Number(chain.svm.minimumBalanceForRentExemption(BigInt(size)))
    const feeMintLen = getMintLen([ExtensionType.TransferFeeConfig])
    const setup: TransactionInstruction[][] = [
      [
        SystemProgram.createAccount({ fromPubkey: payer.publicKey, newAccountPubkey: mints.plain.publicKey, lamports: rent(MINT_SIZE), space: MINT_SIZE, programId: TOKEN_PROGRAM_ID }),
        createInitializeMint2Instruction(mints.plain.publicKey, 6, payer.publicKey, null),
        SystemProgram.createAccount({ fromPubkey: payer.publicKey, newAccountPubkey: mints.empty.publicKey, lamports: rent(MINT_SIZE), space: MINT_SIZE, programId: TOKEN_PROGRAM_ID }),
        createInitializeMint2Instruction(mints.empty.publicKey, 6, payer.publicKey, null),
        SystemProgram.createAccount({ fromPubkey: payer.publicKey, newAccountPubkey: mints.fee.publicKey, lamports: rent(feeMintLen), space: feeMintLen, programId: TOKEN_2022_PROGRAM_ID }),
        createInitializeTransferFeeConfigInstruction(mints.fee.publicKey, payer.publicKey, payer.publicKey, FEE_BPS, MAX_FEE, TOKEN_2022_PROGRAM_ID),
        createInitializeMint2Instruction(mints.fee.publicKey, 6, payer.publicKey, null, TOKEN_2022_PROGRAM_ID),
      ],
      (['plain', 'fee', 'empty'] as const).flatMap((m) =>
        [wallet.publicKey, friend, stranger].map((o) => createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, ata(m, o), o, mints[m].publicKey, programOf[m])),
      ),
      [
        createMintToInstruction(mints.plain.publicKey, ata('plain', wallet.publicKey), payer.publicKey, 10n ** 10n),
        createMintToInstruction(mints.fee.publicKey, ata('fee', wallet.publicKey), payer.publicKey, 10n ** 10n, [], TOKEN_2022_PROGRAM_ID),
      ],
    ]
    for (const ixs of setup) {
      const { wire } = run(ixs, [mints.plain, mints.fee, mints.empty].filter((k) => ixs.some((ix) => ix.keys.some((m) => m.isSigner && m.pubkey.equals(k.publicKey)))))
      expect(chain.simulate(wire, { sigVerify: true, replaceRecentBlockhash: false }).err).toBeNull()
      chain.send(wire, { skipPreflight: true })
    }
    expect(unpackAccount(ata('fee', wallet.publicKey), info(ata('fee', wallet.publicKey).toBase58())!, TOKEN_2022_PROGRAM_ID).amount).toBe(10n ** 10n)
    const tokenList = [mints.plain, mints.fee, mints.empty].map((k) => k.publicKey.toBase58())
    policies = [
      policy('SPENDING_LIMIT', { instant_max: '1000' }),
      ...tokenList.map((token) => policy('SPENDING_LIMIT', { token, instant_max: '100000' })),
      policy('ALLOWED_TOKENS', { tokens: tokenList }),
      policy('RECIPIENT_ALLOWLIST', { recipients: [friend.toBase58()] }),
      policy('CONTRACT_ALLOWLIST', { contracts: [TOKEN_PROGRAM_ID.toBase58(), TOKEN_2022_PROGRAM_ID.toBase58()] }),
      policy('APPROVED_SPENDERS', { spenders: [delegate.toBase58()] }),
    ]
  })

  /** An account as @solana/spl-token's unpackers take it, from the chain (or the simulation's post state). */
  const info = (address: string, post?: Map<string, { lamports: number; data: Uint8Array; owner: string; executable: boolean }>) => {
    const a = post?.get(address) ?? chain.account(address)
    return a === null || a === undefined ? null : { lamports: a.lamports, data: Buffer.from(a.data), owner: new PublicKey(a.owner), executable: a.executable }
  }
  const tokenAccount = (address: string, post?: Parameters<typeof info>[1]) => {
    const i = info(address, post)
    if (i === null || i.data.length === 0 || !(i.owner.equals(TOKEN_PROGRAM_ID) || i.owner.equals(TOKEN_2022_PROGRAM_ID))) return null
    try {
      return unpackAccount(new PublicKey(address), i, i.owner)
    } catch {
      return null
    }
  }
  const resolve = async (address: string) => {
    const a = tokenAccount(address)
    return a === null ? null : { owner: a.owner.toBase58(), mint: a.mint.toBase58(), decimals: 6 }
  }
  const lamports = async (address: string) => {
    const a = chain.account(address)
    return a === null ? null : BigInt(a.lamports)
  }

  const party = fc.constantFrom(friend, stranger)
  const amount = fc.oneof(fc.constantFrom(0n, 1n, 10n ** 6n, 10n ** 10n, U64_MAX), fc.bigInt({ min: 0n, max: 2n * 10n ** 10n }))
  const token = fc.constantFrom<'plain' | 'fee'>('plain', 'fee')
  const src = (m: MintName): PublicKey => ata(m, wallet.publicKey)
  const prog = (m: MintName): PublicKey => programOf[m]
  const feeOf = (x: bigint): bigint => {
    const fee = (x * BigInt(FEE_BPS) + 9_999n) / 10_000n
    return fee > MAX_FEE ? MAX_FEE : fee
  }
  const instruction: fc.Arbitrary<TransactionInstruction> = fc.oneof(
    fc.tuple(token, party, amount).map(([m, to, x]) => createTransferInstruction(src(m), ata(m, to), wallet.publicKey, x, [], prog(m))),
    fc.tuple(token, party, amount, fc.constantFrom(6, 5)).map(([m, to, x, d]) => createTransferCheckedInstruction(src(m), mints[m].publicKey, ata(m, to), wallet.publicKey, x, d, [], prog(m))),
    fc.tuple(party, amount, fc.constantFrom(0n, 1n)).map(([to, x, off]) =>
      createTransferCheckedWithFeeInstruction(src('fee'), mints.fee.publicKey, ata('fee', to), wallet.publicKey, x, 6, feeOf(x) + off, [], TOKEN_2022_PROGRAM_ID),
    ),
    fc.tuple(token, fc.constantFrom(delegate, stranger), amount).map(([m, d, x]) => createApproveInstruction(src(m), d, wallet.publicKey, x, [], prog(m))),
    fc.tuple(token, fc.constantFrom(delegate, stranger), amount).map(([m, d, x]) => createApproveCheckedInstruction(src(m), mints[m].publicKey, d, wallet.publicKey, x, 6, [], prog(m))),
    fc.tuple(token, amount).map(([m, x]) => createBurnInstruction(src(m), mints[m].publicKey, wallet.publicKey, x, [], prog(m))),
    fc.tuple(token, amount).map(([m, x]) => createBurnCheckedInstruction(src(m), mints[m].publicKey, wallet.publicKey, x, 6, [], prog(m))),
    fc.tuple(token, fc.constantFrom(AuthorityType.AccountOwner, AuthorityType.CloseAccount), fc.constantFrom(stranger, delegate, null)).map(([m, type, to]) =>
      createSetAuthorityInstruction(src(m), wallet.publicKey, type, to, [], prog(m)),
    ),
    fc.tuple(fc.constantFrom<MintName>('empty', 'plain'), fc.constantFrom(stranger, friend, wallet.publicKey)).map(([m, to]) => createCloseAccountInstruction(src(m), to, wallet.publicKey, [], prog(m))),
    token.map((m) => createRevokeInstruction(src(m), wallet.publicKey, [], prog(m))),
    fc.constantFrom(stranger, TOKEN_PROGRAM_ID).map((to) => SystemProgram.assign({ accountPubkey: wallet.publicKey, programId: to })),
  )
  /** An instruction with `tail` bytes appended to its data, which the token programs ignore. */
  const padded = fc.record({ ix: instruction, tail: fc.oneof(fc.constant(new Uint8Array()), fc.uint8Array({ minLength: 1, maxLength: 48 })) })
  const withTail = ({ ix, tail }: { ix: TransactionInstruction; tail: Uint8Array }): TransactionInstruction =>
    new TransactionInstruction({ programId: ix.programId, keys: ix.keys, data: Buffer.concat([ix.data, tail]) })

  const add = (m: Map<string, bigint>, k: string, v: bigint): void => {
    m.set(k, (m.get(k) ?? 0n) + v)
  }
  const sum = (xs: bigint[]): bigint => xs.reduce((x, y) => x + y, 0n)

  it('every balance, delegate, authority and lamport the programs move is covered by the decoded actions, and denied when the policy forbids it', async () => {
    const seen = { executed: 0, paddedExecuted: 0, moved: 0, denied: 0 }
    await fc.assert(
      fc.asyncProperty(fc.array(padded, { minLength: 1, maxLength: 2 }), async (items) => {
        const { wire, base64 } = run(items.map(withTail), [wallet], wallet)
        const sim = chain.simulate(wire, { sigVerify: true, replaceRecentBlockhash: false })
        const { actions } = await actionsFromSolanaTx(base64, W, resolve, lamports)
        if (sim.err !== null) return
        seen.executed++
        if (items.some((i) => i.tail.length > 0)) seen.paddedExecuted++

        // What the chain did, from the accounts before and after.
        const risen = new Map<string, bigint>() // `${mint} ${owner}` → units that arrived
        const left = new Map<string, bigint>() // mint → units that left the wallet's accounts
        const burnt = new Map<string, bigint>() // mint → supply destroyed
        const handed: { mint: string; to: string; amount: bigint | null }[] = [] // delegates (amount), owner and close authorities (null)
        const lamportsIn = new Map<string, bigint>()
        for (const [address, post] of sim.postAccounts) {
          const before = chain.account(address)
          // The wallet's own account handed to another program, which may then debit every lamport.
          if (address === W && post.owner !== before?.owner) add(lamportsIn, post.owner, BigInt(before?.lamports ?? 0))
          if (address !== W && post.lamports > (before?.lamports ?? 0)) lamportsIn.set(address, BigInt(post.lamports - (before?.lamports ?? 0)))
          const pre = tokenAccount(address)
          const now = tokenAccount(address, sim.postAccounts)
          if (pre === null || now === null) continue
          const mint = pre.mint.toBase58()
          if (now.amount > pre.amount) add(risen, `${mint} ${pre.owner.toBase58()}`, now.amount - pre.amount)
          if (pre.owner.toBase58() !== W) continue
          if (now.amount < pre.amount) add(left, mint, pre.amount - now.amount)
          if (now.delegate !== null && now.delegatedAmount > 0n && (!now.delegate.equals(pre.delegate ?? PublicKey.default) || now.delegatedAmount !== pre.delegatedAmount)) {
            handed.push({ mint, to: now.delegate.toBase58(), amount: now.delegatedAmount })
          }
          if (!now.owner.equals(pre.owner)) handed.push({ mint, to: now.owner.toBase58(), amount: null })
          if (now.closeAuthority !== null && !now.closeAuthority.equals(pre.closeAuthority ?? PublicKey.default)) handed.push({ mint, to: now.closeAuthority.toBase58(), amount: null })
        }
        for (const k of Object.values(mints)) {
          const address = k.publicKey.toBase58()
          if (!sim.postAccounts.has(address)) continue
          const supply = (post?: Parameters<typeof info>[1]): bigint => {
            const i = info(address, post)!
            return unpackMint(k.publicKey, i, i.owner).supply
          }
          if (supply(sim.postAccounts) < supply()) add(burnt, address, supply() - supply(sim.postAccounts))
        }
        if (risen.size + left.size + burnt.size + handed.length + lamportsIn.size > 0) seen.moved++

        // Each must be covered by what the decoder reported.
        const transfers = actions.filter((a): a is Extract<Action, { kind: 'token-transfer' }> => a.kind === 'token-transfer')
        let violation = false
        for (const [k, v] of risen) {
          const [mint, owner] = k.split(' ') as [string, string]
          expect(sum(transfers.filter((a) => a.token === mint && a.to === owner).map((a) => a.amount))).toBeGreaterThanOrEqual(v)
          violation ||= owner !== friend.toBase58()
        }
        for (const [mint, v] of left) expect(sum(transfers.filter((a) => a.token === mint).map((a) => a.amount))).toBeGreaterThanOrEqual(v)
        for (const [mint, v] of burnt) {
          expect(sum(transfers.filter((a) => a.token === mint && a.to === INCINERATOR).map((a) => a.amount))).toBeGreaterThanOrEqual(v)
          violation = true
        }
        for (const h of handed) {
          const approvals = actions.filter((a) => a.kind === 'token-approve' && a.token === h.mint && a.spender === h.to)
          if (h.amount === null) expect(approvals).toContainEqual(expect.objectContaining({ unlimited: true }))
          else expect(approvals).toContainEqual({ kind: 'token-approve', token: h.mint, spender: h.to, amount: h.amount, unlimited: h.amount === U64_MAX })
          violation ||= h.amount === null || h.amount === U64_MAX || h.to !== delegate.toBase58()
        }
        for (const [to, v] of lamportsIn) {
          expect(sum(actions.filter((a): a is Extract<Action, { kind: 'native-transfer' }> => a.kind === 'native-transfer' && a.to === to).map((a) => a.amount))).toBeGreaterThanOrEqual(v)
          violation ||= to !== friend.toBase58()
        }
        if (violation) {
          expect(decide('solana', 'solana:local', actions, Object.values(mints).map((k) => k.publicKey.toBase58()), policies)).toBe('DENY')
          seen.denied++
        }
      }),
      { numRuns: 300 },
    )
    expect(seen.executed).toBeGreaterThan(60)
    expect(seen.paddedExecuted).toBeGreaterThan(30)
    expect(seen.moved).toBeGreaterThan(50)
    expect(seen.denied).toBeGreaterThan(30)
  })
})

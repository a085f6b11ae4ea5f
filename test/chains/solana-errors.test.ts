/**
 * Failure paths of the Solana adapter, each asserted by its stable code and details: insufficient SOL and tokens,
 * a missing token account, an unreachable or rate-limiting RPC (with credentials kept out of errors), bad
 * addresses, the fee cap, unsupported intents, a wrong key; and the error mapping itself on node-shaped errors.
 */
import { createHash } from 'node:crypto'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SendTransactionError } from '@solana/web3.js'
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, createMint, getOrCreateAssociatedTokenAccount, mintTo } from '@solana/spl-token'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WaiaasError, type ErrorCode } from '../../src/lib/errors.js'
import { SOLANA_LOCAL_ID } from '../../src/lib/networks.js'
import { SolanaTxFailure, createSolanaAdapter, toSolanaError, type SolanaAdapter } from '../../src/daemon/chains/solana/index.js'
import { localChain } from '../helpers/chains.js'

const rpcUrl = localChain().solanaRpcUrl
const wsUrl = localChain().solanaWsUrl
const conn = new Connection(rpcUrl, { commitment: 'confirmed', wsEndpoint: wsUrl })

function wallet(name: string): { seed: Buffer; kp: Keypair; address: string } {
  const seed = createHash('sha256').update(`waiaas solana-errors.test ${name}`).digest()
  const kp = Keypair.fromSeed(seed)
  return { seed, kp, address: kp.publicKey.toBase58() }
}

/** Runs `fn` and returns the WaiaasError it must throw. */
async function caught(fn: () => Promise<unknown>): Promise<WaiaasError> {
  const err = await fn().then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(WaiaasError)
  return err as WaiaasError
}

async function expectCode(fn: () => Promise<unknown>, code: ErrorCode): Promise<WaiaasError> {
  const err = await caught(fn)
  expect(err.code, err.message).toBe(code)
  return err
}

async function closedPort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const { port } = srv.address() as AddressInfo
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

let adapter: SolanaAdapter
const rich = wallet('rich')
const poor = wallet('poor')
const mints: Record<'spl' | 't22', string> = { spl: '', t22: '' }
const servers: http.Server[] = []

beforeAll(async () => {
  adapter = createSolanaAdapter({ network: SOLANA_LOCAL_ID, rpcUrl, wsUrl, commitment: 'confirmed', priorityFeeMicroLamports: 1000n })
  await conn.requestAirdrop(rich.kp.publicKey, 50 * LAMPORTS_PER_SOL)
  await conn.requestAirdrop(poor.kp.publicKey, 0.01 * LAMPORTS_PER_SOL)
  for (const [key, programId] of [['spl', TOKEN_PROGRAM_ID], ['t22', TOKEN_2022_PROGRAM_ID]] as const) {
    const mint = await createMint(conn, rich.kp, rich.kp.publicKey, null, 6, Keypair.generate(), { commitment: 'confirmed' }, programId)
    const ata = await getOrCreateAssociatedTokenAccount(conn, rich.kp, mint, rich.kp.publicKey, false, 'confirmed', { commitment: 'confirmed' }, programId)
    await mintTo(conn, rich.kp, mint, ata.address, rich.kp, 5_000_000n, [], { commitment: 'confirmed' }, programId)
    mints[key] = mint.toBase58()
  }
})

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
})

describe('Solana adapter failure paths', () => {
  it('insufficient SOL → CHAIN_INSUFFICIENT_FUNDS (some SOL, and a wallet never credited)', async () => {
    const to = wallet('to').address
    const e1 = await expectCode(() => adapter.prepare(poor.address, { kind: 'native-transfer', to, amount: BigInt(LAMPORTS_PER_SOL) }), 'CHAIN_INSUFFICIENT_FUNDS')
    expect(e1.details.logs).toEqual(expect.arrayContaining([expect.stringMatching(/insufficient lamports/)]))
    expect(e1.cause).toBeInstanceOf(SolanaTxFailure)
    await expectCode(() => adapter.prepare(wallet('never-funded').address, { kind: 'native-transfer', to, amount: 1_000_000n }), 'CHAIN_INSUFFICIENT_FUNDS')
    // A new account needs the rent-exempt minimum (890,880 lamports for 0 bytes).
    const rent = await expectCode(() => adapter.prepare(rich.address, { kind: 'native-transfer', to: wallet('fresh-rent').address, amount: 1_000n }), 'CHAIN_INSUFFICIENT_FUNDS')
    expect(rent.message).toMatch(/rent-exempt/)
  })

  for (const kind of ['spl', 't22'] as const) {
    it(`insufficient ${kind} token balance → CHAIN_INSUFFICIENT_FUNDS at prepare, simulate and broadcast`, async () => {
      const token = mints[kind]
      const to = wallet(`to-${kind}`).address
      const err = await expectCode(() => adapter.prepare(rich.address, { kind: 'token-transfer', token, to, amount: 5_000_001n }), 'CHAIN_INSUFFICIENT_FUNDS')
      expect((err.details.logs as string[]).length).toBeGreaterThan(0)

      // Prepared while the balance sufficed, then the tokens moved elsewhere.
      const prepared = await adapter.prepare(rich.address, { kind: 'token-transfer', token, to, amount: 5_000_000n })
      const drain = await adapter.prepare(rich.address, { kind: 'token-transfer', token, to: wallet(`sink-${kind}`).address, amount: 4_000_000n })
      await adapter.broadcast(await adapter.sign(drain, rich.seed))
      const sim = await adapter.simulate(prepared)
      expect(sim.ok).toBe(false)
      expect(sim.error?.code).toBe('CHAIN_INSUFFICIENT_FUNDS')
      expect(sim.logs.length).toBeGreaterThan(0)
      const sent = await expectCode(async () => adapter.broadcast(await adapter.sign(prepared, rich.seed)), 'CHAIN_INSUFFICIENT_FUNDS')
      expect((sent.details.logs as string[]).length).toBeGreaterThan(0)
    })
  }

  it('a sender without a token account → CHAIN_ACCOUNT_NOT_FOUND naming `from`; a missing mint too', async () => {
    const err = await expectCode(() => adapter.prepare(poor.address, { kind: 'token-transfer', token: mints.spl, to: rich.address, amount: 1n }), 'CHAIN_ACCOUNT_NOT_FOUND')
    expect(err.details.field).toBe('from')
    const missing = Keypair.generate().publicKey.toBase58()
    expect((await expectCode(() => adapter.getBalance(rich.address, missing), 'CHAIN_ACCOUNT_NOT_FOUND')).details.field).toBe('token')
    // A token account given as the recipient: its ATA would strand the tokens.
    const ata = (await conn.getTokenAccountsByOwner(rich.kp.publicKey, { mint: new PublicKey(mints.spl) })).value[0]!.pubkey.toBase58()
    expect((await expectCode(() => adapter.prepare(rich.address, { kind: 'token-transfer', token: mints.spl, to: ata, amount: 1n }), 'INPUT_INVALID_ADDRESS')).details.field).toBe('to')
    // A wallet (not a mint) given as the token.
    expect((await expectCode(() => adapter.tokenInfo(rich.address), 'INPUT_INVALID_ADDRESS')).details.field).toBe('token')
  })

  it('an unreachable RPC → CHAIN_RPC_UNREACHABLE after 3 tries, never leaking URL credentials', async () => {
    const port = await closedPort()
    const dead = createSolanaAdapter({ network: SOLANA_LOCAL_ID, rpcUrl: `http://agent:s3cretpass@127.0.0.1:${port}/v2/abcdef0123456789abcdef`, commitment: 'confirmed', retryDelaysMs: [10, 20] })
    const e1 = await expectCode(() => dead.getBalance(rich.address), 'CHAIN_RPC_UNREACHABLE')
    expect(e1.details.attempts).toBe(3)
    await expectCode(() => dead.prepare(rich.address, { kind: 'native-transfer', to: poor.address, amount: 1n }), 'CHAIN_RPC_UNREACHABLE')
    await expectCode(() => dead.status('1'.repeat(64)), 'CHAIN_RPC_UNREACHABLE')
    // A signed transaction whose broadcast cannot reach the node: "maybe sent", never a failure.
    const signed = await adapter.sign(await adapter.prepare(rich.address, { kind: 'native-transfer', to: poor.address, amount: 1_000n }), rich.seed)
    const e2 = await expectCode(() => dead.broadcast(signed), 'CHAIN_RPC_UNREACHABLE')
    expect(e2.details.maybeSent).toBe(true)
    for (const e of [e1, e2]) expect(`${e.message} ${JSON.stringify(e.details)}`).not.toMatch(/s3cretpass|abcdef0123456789/)
  })

  it('an RPC that never answers → CHAIN_RPC_UNREACHABLE after the timeout', async () => {
    const srv = http.createServer(() => undefined)
    servers.push(srv)
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    const hung = createSolanaAdapter({ network: SOLANA_LOCAL_ID, rpcUrl: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, commitment: 'confirmed', timeoutMs: 200, retryDelaysMs: [] })
    await expectCode(() => hung.getBalance(rich.address), 'CHAIN_RPC_UNREACHABLE')
    srv.closeAllConnections()
  })

  it('HTTP 429 → CHAIN_RATE_LIMITED', async () => {
    const srv = http.createServer((_req, res) => res.writeHead(429, { 'content-type': 'text/plain' }).end('slow down'))
    servers.push(srv)
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    const limited = createSolanaAdapter({ network: SOLANA_LOCAL_ID, rpcUrl: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, commitment: 'confirmed' })
    await expectCode(() => limited.getBalance(rich.address), 'CHAIN_RATE_LIMITED')
  })

  it('bad addresses → INPUT_INVALID_ADDRESS naming the field', async () => {
    for (const bad of ['', 'nope', '0x' + 'ab'.repeat(20), '1'.repeat(31) + '0', 'z'.repeat(50), '2'.repeat(30)]) {
      const err = await expectCode(async () => adapter.normalizeAddress(bad, 'to'), 'INPUT_INVALID_ADDRESS')
      expect(err.details.field).toBe('to')
    }
    expect(adapter.normalizeAddress(rich.address)).toBe(rich.address)
    const e = await expectCode(() => adapter.prepare(rich.address, { kind: 'native-transfer', to: 'not-an-address', amount: 1n }), 'INPUT_INVALID_ADDRESS')
    expect(e.details.field).toBe('to')
    expect((await expectCode(() => adapter.getBalance('0xdeadbeef'), 'INPUT_INVALID_ADDRESS')).details.field).toBe('address')
  })

  it('a fee above feeCapLamports → CHAIN_FEE_TOO_HIGH (ATA rent counts)', async () => {
    const capped = createSolanaAdapter({ network: SOLANA_LOCAL_ID, rpcUrl, commitment: 'confirmed', priorityFeeMicroLamports: 1_000_000n, feeCapLamports: 6_000n })
    const err = await expectCode(() => capped.prepare(rich.address, { kind: 'native-transfer', to: poor.address, amount: 1_000n }), 'CHAIN_FEE_TOO_HIGH')
    expect(BigInt(String(err.details.maxFee))).toBeGreaterThan(6_000n)
    const cheap = createSolanaAdapter({ network: SOLANA_LOCAL_ID, rpcUrl, commitment: 'confirmed', priorityFeeMicroLamports: 0n, feeCapLamports: 100_000n })
    await expect(cheap.prepare(rich.address, { kind: 'native-transfer', to: poor.address, amount: 1_000n })).resolves.toMatchObject({ family: 'solana' })
    await expectCode(() => cheap.prepare(rich.address, { kind: 'token-transfer', token: mints.spl, to: wallet('fresh-cap').address, amount: 1n }), 'CHAIN_FEE_TOO_HIGH')
  })

  it('contract-call → INPUT_INVALID; an approval without a token account → CHAIN_ACCOUNT_NOT_FOUND; a key that is not the sender\'s → INPUT_INVALID', async () => {
    await expectCode(() => adapter.prepare(rich.address, { kind: 'contract-call', to: poor.address, data: '0x', value: 0n }), 'INPUT_INVALID')
    await expectCode(() => adapter.prepare(wallet('no-token-account').address, { kind: 'token-approve', token: mints.spl, spender: poor.address, amount: 1n }), 'CHAIN_ACCOUNT_NOT_FOUND')
    await expectCode(() => adapter.prepare(rich.address, { kind: 'native-transfer', to: poor.address, amount: 0n }), 'INPUT_INVALID_AMOUNT')
    const prepared = await adapter.prepare(rich.address, { kind: 'native-transfer', to: poor.address, amount: 1_000n })
    expect((await expectCode(() => adapter.sign(prepared, poor.seed), 'INPUT_INVALID')).details.field).toBe('key')
    await expectCode(() => adapter.sign(prepared, Buffer.alloc(31)), 'INPUT_INVALID')
  })

  it('maps node-shaped errors in one place, keeping the cause', () => {
    const ctx = { op: 'broadcast', network: SOLANA_LOCAL_ID }
    const cases: Array<[unknown, ErrorCode]> = [
      [new SendTransactionError({ action: 'send', signature: '', transactionMessage: 'Transaction simulation failed: Blockhash not found', logs: [] }), 'CHAIN_BLOCKHASH_EXPIRED'],
      [new SolanaTxFailure('BlockhashNotFound', []), 'CHAIN_BLOCKHASH_EXPIRED'],
      [new SolanaTxFailure('AccountNotFound', []), 'CHAIN_INSUFFICIENT_FUNDS'],
      [new SolanaTxFailure('InsufficientFundsForFee', []), 'CHAIN_INSUFFICIENT_FUNDS'],
      [new SolanaTxFailure({ InstructionError: [2, { Custom: 1 }] }, ['Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA failed: custom program error: 0x1']), 'CHAIN_INSUFFICIENT_FUNDS'],
      [new SolanaTxFailure({ InstructionError: [0, { Custom: 6 }] }, ['Program Foo failed']), 'CHAIN_ERROR'],
      [Object.assign(new Error('TokenAccountNotFoundError'), { name: 'TokenAccountNotFoundError' }), 'CHAIN_ACCOUNT_NOT_FOUND'],
      [new Error('failed to get balance of account x: TypeError: fetch failed'), 'CHAIN_RPC_UNREACHABLE'],
      [Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), 'CHAIN_RPC_UNREACHABLE'],
      [new Error('429 Too Many Requests: {"jsonrpc":"2.0"}'), 'CHAIN_RATE_LIMITED'],
    ]
    for (const [input, code] of cases) {
      const e = toSolanaError(input, ctx)
      expect(e.code, String(input)).toBe(code)
      expect(e.cause).toBe(input)
    }
    const long = toSolanaError(new SolanaTxFailure({ InstructionError: [0, 'GenericError'] }, Array.from({ length: 100 }, (_, i) => `log ${i} ${'x'.repeat(1000)}`)), ctx)
    expect((long.details.logs as string[]).length).toBeLessThanOrEqual(30)
    expect((long.details.logs as string[]).every((l) => l.length <= 301)).toBe(true)
    const secret = toSolanaError(new Error('request to https://user:pw@rpc.example.com/v2/KEYKEYKEY123 failed, reason: ECONNREFUSED'), ctx)
    expect(`${secret.message} ${JSON.stringify(secret.details)}`).not.toMatch(/pw@|KEYKEYKEY123/)
  })
})

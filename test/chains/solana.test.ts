/**
 * The Solana adapter against the local litesvm-backed JSON-RPC from the global setup: native, SPL Token and
 * Token-2022 transfers land with exact balances, simulation moves nothing, message signatures verify, and an
 * expired blockhash is reported as such.
 */
import { createHash, createPublicKey, verify } from 'node:crypto'
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js'
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, createMint, getAssociatedTokenAddressSync, getOrCreateAssociatedTokenAccount, mintTo } from '@solana/spl-token'
import { ed25519 } from '@noble/curves/ed25519'
import { base58 } from '@scure/base'
import { beforeAll, describe, expect, it } from 'vitest'
import { WaiaasError } from '../../src/lib/errors.js'
import { SOLANA_LOCAL_ID } from '../../src/lib/networks.js'
import { createSolanaAdapter, type SolanaAdapter } from '../../src/daemon/chains/solana/index.js'
import { startSolanaRpc } from '../../src/devnet/solana-rpc/server.js'
import type { PreparedTx, TxIntent, TxStatus } from '../../src/daemon/chains/types.js'
import { localChain } from '../helpers/chains.js'

const rpcUrl = localChain().solanaRpcUrl
const wsUrl = localChain().solanaWsUrl
const conn = new Connection(rpcUrl, { commitment: 'confirmed', wsEndpoint: wsUrl })

interface Wallet {
  seed: Buffer
  kp: Keypair
  address: string
}

/** Deterministic keys, distinct from the other test files' (the chain is shared). */
function wallet(name: string): Wallet {
  const seed = createHash('sha256').update(`waiaas solana.test ${name}`).digest()
  const kp = Keypair.fromSeed(seed)
  return { seed, kp, address: kp.publicKey.toBase58() }
}

async function fund(w: Wallet, sol: number): Promise<void> {
  const sig = await conn.requestAirdrop(w.kp.publicKey, sol * LAMPORTS_PER_SOL)
  const { value } = await conn.getSignatureStatuses([sig], { searchTransactionHistory: true })
  expect(value[0]?.err ?? null).toBeNull()
}

async function confirmed(adapter: SolanaAdapter, hash: string): Promise<Extract<TxStatus, { state: 'confirmed' }>> {
  for (let i = 0; i < 100; i++) {
    const st = await adapter.status(hash)
    if (st.state === 'confirmed') return st
    if (st.state === 'failed') throw new Error(`transaction failed: ${st.reason}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('not confirmed in time')
}

async function send(adapter: SolanaAdapter, w: Wallet, intent: TxIntent): Promise<{ prepared: PreparedTx; hash: string; fee: bigint }> {
  const prepared = await adapter.prepare(w.address, intent)
  const signed = await adapter.sign(prepared, w.seed)
  await adapter.broadcast(signed)
  const st = await confirmed(adapter, signed.hash)
  return { prepared, hash: signed.hash, fee: st.fee }
}

const lamports = async (address: string | PublicKey): Promise<bigint> => BigInt(await conn.getBalance(new PublicKey(address), 'confirmed'))

let adapter: SolanaAdapter
const alice = wallet('alice')
const mints: { spl?: PublicKey; t22?: PublicKey } = {}

beforeAll(async () => {
  adapter = createSolanaAdapter({ network: SOLANA_LOCAL_ID, rpcUrl, wsUrl, commitment: 'confirmed', priorityFeeMicroLamports: 10_000n })
  await fund(alice, 100)
  for (const [key, programId] of [['spl', TOKEN_PROGRAM_ID], ['t22', TOKEN_2022_PROGRAM_ID]] as const) {
    const mint = await createMint(conn, alice.kp, alice.kp.publicKey, null, 6, Keypair.generate(), { commitment: 'confirmed' }, programId)
    const ata = await getOrCreateAssociatedTokenAccount(conn, alice.kp, mint, alice.kp.publicKey, false, 'confirmed', { commitment: 'confirmed' }, programId)
    await mintTo(conn, alice.kp, mint, ata.address, alice.kp, 1_000_000_000n, [], { commitment: 'confirmed' }, programId)
    mints[key] = mint
  }
})

describe('Solana adapter on the local chain', () => {
  it('lands a native transfer: recipient gets exactly the amount, sender pays amount + fee; rebroadcast is a no-op', async () => {
    const bob = wallet('bob')
    const amount = 123_456_789n
    const [a0, b0] = [await lamports(alice.address), await lamports(bob.address)]
    const prepared = await adapter.prepare(alice.address, { kind: 'native-transfer', to: bob.address, amount })
    expect(prepared.family).toBe('solana')
    expect(prepared.fee.maxFee).toBeGreaterThan(0n)
    expect(Number(prepared.unsigned.computeUnitLimit)).toBeGreaterThan(0)
    const signed = await adapter.sign(prepared, alice.seed)
    expect(base58.decode(signed.hash)).toHaveLength(64)
    expect(await adapter.status(signed.hash)).toEqual({ state: 'unknown' })
    await adapter.broadcast(signed)
    const st = await confirmed(adapter, signed.hash)
    const tx = await conn.getTransaction(signed.hash, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 })
    expect(st.fee).toBe(BigInt(tx?.meta?.fee ?? -1))
    expect(st.fee).toBeLessThanOrEqual(prepared.fee.maxFee)
    expect(st.confirmations).toBeGreaterThanOrEqual(1)
    expect(await lamports(bob.address)).toBe(b0 + amount)
    expect(await lamports(alice.address)).toBe(a0 - amount - st.fee)
    // The same bytes again: already processed, which is success, and nothing moves twice.
    await adapter.broadcast(signed)
    expect(await lamports(bob.address)).toBe(b0 + amount)
  })

  for (const kind of ['spl', 't22'] as const) {
    it(`lands ${kind === 'spl' ? 'SPL Token' : 'Token-2022'} transfers, creating the recipient's ATA (sender pays its rent)`, async () => {
      const mint = mints[kind]!
      const programId = kind === 'spl' ? TOKEN_PROGRAM_ID : TOKEN_2022_PROGRAM_ID
      const carol = wallet('carol')
      const token = mint.toBase58()
      const amount = 12_345_678n
      const a0 = await adapter.getBalance(alice.address, token)
      expect(a0).toMatchObject({ token, decimals: 6 })
      const sol0 = await lamports(alice.address)
      expect((await adapter.getBalance(carol.address, token)).amount).toBe(0n)

      const first = await send(adapter, alice, { kind: 'token-transfer', token, to: carol.address, amount })
      const ata = getAssociatedTokenAddressSync(mint, carol.kp.publicKey, false, programId)
      expect(first.prepared.unsigned.createsAccount).toBe(ata.toBase58())
      const rent = await lamports(ata)
      expect(rent).toBeGreaterThan(0n)
      expect(BigInt(first.prepared.fee.details.rentLamports ?? '-1')).toBe(rent)
      expect(first.prepared.fee.maxFee).toBeGreaterThanOrEqual(first.fee + rent)
      expect((await adapter.getBalance(carol.address, token)).amount).toBe(amount)
      expect((await adapter.getBalance(alice.address, token)).amount).toBe(a0.amount - amount)
      expect(await lamports(alice.address)).toBe(sol0 - first.fee - rent)

      // Second transfer: the ATA exists, nothing is created.
      const second = await send(adapter, alice, { kind: 'token-transfer', token, to: carol.address, amount: 1n })
      expect(second.prepared.unsigned.createsAccount).toBeUndefined()
      expect(second.prepared.fee.details.rentLamports).toBe('0')
      expect((await adapter.getBalance(carol.address, token)).amount).toBe(amount + 1n)
      expect(await lamports(alice.address)).toBe(sol0 - first.fee - rent - second.fee)
    })
  }

  it('lists every token a wallet holds under both programs', async () => {
    const carol = wallet('carol')
    const list = await adapter.listTokenBalances(carol.address)
    const byMint = new Map(list.map((b) => [b.token, b]))
    for (const mint of [mints.spl!, mints.t22!]) {
      expect(byMint.get(mint.toBase58())).toMatchObject({ decimals: 6, amount: 12_345_679n, symbol: `${mint.toBase58().slice(0, 4)}…${mint.toBase58().slice(-4)}` })
    }
    expect(await adapter.listTokenBalances(wallet('nobody').address)).toEqual([])
    expect(await adapter.tokenInfo(mints.t22!.toBase58())).toEqual({ symbol: expect.any(String), decimals: 6 })
    expect(await adapter.getBalance(alice.address)).toMatchObject({ token: null, symbol: 'SOL', decimals: 9 })
  })

  it('simulates without signing or sending: fee reported, balances unchanged', async () => {
    const dan = wallet('dan')
    const token = mints.t22!.toBase58()
    const before = [await lamports(alice.address), await lamports(dan.address), (await adapter.getBalance(alice.address, token)).amount]
    for (const intent of [{ kind: 'native-transfer', to: dan.address, amount: 5_000_000n }, { kind: 'token-transfer', token, to: dan.address, amount: 7n }] as const) {
      const prepared = await adapter.prepare(alice.address, intent)
      const sim = await adapter.simulate(prepared)
      expect(sim.ok).toBe(true)
      expect(sim.error).toBeUndefined()
      expect(sim.fee.maxFee).toBe(prepared.fee.maxFee)
      expect(Number(sim.fee.details.unitsConsumed)).toBeGreaterThan(0)
      expect(sim.logs.length).toBeGreaterThan(0)
    }
    expect([await lamports(alice.address), await lamports(dan.address), (await adapter.getBalance(alice.address, token)).amount]).toEqual(before)
  })

  it('signs messages that verify with node:crypto and with nacl-compatible ed25519 (@noble/curves)', async () => {
    const pub = base58.decode(alice.address)
    for (const message of ['hello waiaas ✓', new Uint8Array([0, 1, 2, 255])]) {
      const sig = base58.decode(await adapter.signMessage(message, alice.seed))
      const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message
      expect(sig).toHaveLength(64)
      expect(ed25519.verify(sig, bytes, pub)).toBe(true)
      const keyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pub).toString('base64url') }, format: 'jwk' })
      expect(verify(null, bytes, keyObject, sig)).toBe(true)
      expect(ed25519.verify(sig, Buffer.from('other'), pub)).toBe(false)
    }
  })

  it('reports an expired blockhash at broadcast and in status() (on a private chain: it warps 200 slots)', async () => {
    // Warping the shared chain could expire another file's transaction between its prepare and its broadcast.
    const own = await startSolanaRpc()
    try {
      const ownConn = new Connection(own.url, { commitment: 'confirmed', wsEndpoint: own.wsUrl })
      await ownConn.requestAirdrop(alice.kp.publicKey, LAMPORTS_PER_SOL)
      const adapter = createSolanaAdapter({ network: SOLANA_LOCAL_ID, rpcUrl: own.url, wsUrl: own.wsUrl, commitment: 'confirmed' })
      const prepared = await adapter.prepare(alice.address, { kind: 'native-transfer', to: wallet('erin').address, amount: 1_000_000n })
      const lastValidBlockHeight = BigInt(String(prepared.unsigned.lastValidBlockHeight))
      expect(await adapter.isExpired(prepared)).toBe(false)
      const res = await fetch(own.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'warpSlots', params: [200] }) })
      expect(res.ok).toBe(true)
      const signed = await adapter.sign(prepared, alice.seed)
      const err = await adapter.broadcast(signed).then(() => null, (e: unknown) => e)
      expect(err).toBeInstanceOf(WaiaasError)
      expect((err as WaiaasError).code).toBe('CHAIN_BLOCKHASH_EXPIRED')
      expect(await adapter.isExpired(prepared)).toBe(true)
      expect(await adapter.status(signed.hash)).toEqual({ state: 'unknown' })
      expect(await adapter.status(signed.hash, { lastValidBlockHeight })).toEqual({ state: 'failed', block: null, reason: 'blockhash expired', fee: 0n })
    } finally {
      await own.stop()
    }
  })
})

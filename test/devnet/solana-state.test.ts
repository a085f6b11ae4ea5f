/**
 * The local Solana chain kept in a state file: a second node started on the file while the first still runs (as after
 * a crash of the process that ran it: each transaction is journaled before sendTransaction answers) is the same chain:
 * balances, token accounts, the ledger and the genesis hash, and it takes new transactions. A clean stop writes it
 * too. A file that is not a snapshot is moved aside and the chain starts over, saying so.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction, sendAndConfirmTransaction } from '@solana/web3.js'
import { createMint, getAccount, getOrCreateAssociatedTokenAccount, mintTo } from '@solana/spl-token'
import { afterAll, describe, expect, it } from 'vitest'
import { startSolanaRpc, type SolanaRpcHandle } from '../../src/devnet/solana-rpc/server.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wss-'))
const stateFile = path.join(dir, 'solana-state.json')
const nodes: SolanaRpcHandle[] = []

async function node(): Promise<{ n: SolanaRpcHandle; c: Connection }> {
  const n = await startSolanaRpc({ stateFile })
  nodes.push(n)
  return { n, c: new Connection(n.url, { commitment: 'confirmed', wsEndpoint: n.wsUrl }) }
}

afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => undefined)
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('solana-local in a state file', () => {
  const alice = Keypair.generate()
  const bob = Keypair.generate()
  const authority = Keypair.generate()
  let mint = ''
  let bobAta = ''
  let transferSig = ''
  let genesis = ''
  let slot = 0

  it('a new chain journals every landed transaction before the RPC answers', async () => {
    const { n, c } = await node()
    expect(n.state).toBe('new')
    genesis = await c.getGenesisHash()
    await c.confirmTransaction(await c.requestAirdrop(alice.publicKey, 5 * LAMPORTS_PER_SOL), 'confirmed')
    await c.confirmTransaction(await c.requestAirdrop(authority.publicKey, LAMPORTS_PER_SOL), 'confirmed')
    transferSig = await sendAndConfirmTransaction(c, new Transaction().add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 1_234_567 })), [alice])
    const m = await createMint(c, authority, authority.publicKey, null, 6)
    mint = m.toBase58()
    const ata = await getOrCreateAssociatedTokenAccount(c, authority, m, bob.publicKey)
    bobAta = ata.address.toBase58()
    await mintTo(c, authority, m, ata.address, authority, 250_000_000n)
    slot = await c.getSlot()
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600)
    // the first node keeps running: the next one reads what it left, as after a crash
  })

  it('a node started on the file (the first one never stopped) is the same chain, and takes new transactions', async () => {
    const { n, c } = await node()
    expect(n.state).toBe('restored')
    expect(await c.getGenesisHash()).toBe(genesis)
    expect(await c.getSlot()).toBeGreaterThan(slot)
    expect(await c.getBalance(bob.publicKey)).toBe(1_234_567)
    expect(await c.getBalance(alice.publicKey)).toBe(5 * LAMPORTS_PER_SOL - 1_234_567 - 5000)
    const token = await getAccount(c, new PublicKey(bobAta))
    expect(token.amount).toBe(250_000_000n)
    expect(token.mint.toBase58()).toBe(mint)
    // the ledger: the transfer is found by signature and by address (what the incoming monitor reads)
    const tx = await c.getTransaction(transferSig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 })
    expect(tx?.meta?.err).toBeNull()
    expect((await c.getSignaturesForAddress(bob.publicKey)).map((s) => s.signature)).toContain(transferSig)
    // and it goes on: a new transfer lands with a fresh blockhash, and mint authority still mints
    await sendAndConfirmTransaction(c, new Transaction().add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 1000 })), [alice])
    expect(await c.getBalance(bob.publicKey)).toBe(1_235_567)
    await mintTo(c, authority, token.mint, token.address, authority, 1n)
    expect((await getAccount(c, token.address)).amount).toBe(250_000_001n)
    await n.stop() // a clean stop writes it too
    nodes.splice(nodes.indexOf(n), 1)
  })

  it('after a clean stop the next node goes on from there', async () => {
    const { n, c } = await node()
    expect(n.state).toBe('restored')
    expect(await c.getBalance(bob.publicKey)).toBe(1_235_567)
  })

  it('a torn last journal line (a crash in the middle of writing it) is dropped, and everything before it kept', async () => {
    const file = path.join(dir, 'torn.json')
    const a = await startSolanaRpc({ stateFile: file })
    nodes.push(a)
    const c = new Connection(a.url, { commitment: 'confirmed', wsEndpoint: a.wsUrl })
    const carol = Keypair.generate()
    await c.confirmTransaction(await c.requestAirdrop(carol.publicKey, 7_777_777), 'confirmed')
    fs.appendFileSync(`${file}.journal`, '{"tx":{"signature":"5xTorn')
    const b = await startSolanaRpc({ stateFile: file })
    nodes.push(b)
    expect(b.state).toBe('restored')
    expect(await new Connection(b.url, 'confirmed').getBalance(carol.publicKey)).toBe(7_777_777)
  })

  it('a node that cannot take its port writes nothing: the next attempt still finds a new chain', async () => {
    const file = path.join(dir, 'busy.json')
    const taken = await startSolanaRpc({})
    nodes.push(taken)
    await expect(startSolanaRpc({ stateFile: file, port: taken.port })).rejects.toThrow()
    expect(fs.existsSync(file)).toBe(false)
    const ok = await startSolanaRpc({ stateFile: file })
    nodes.push(ok)
    expect(ok.state).toBe('new')
  })

  it('a file that is not a snapshot is moved aside and the chain starts over, saying so (reset)', async () => {
    fs.writeFileSync(stateFile, '{"format":1,"torn')
    const { n, c } = await node()
    expect(n.state).toBe('reset')
    expect(fs.readFileSync(`${stateFile}.unreadable`, 'utf8')).toBe('{"format":1,"torn')
    expect(await c.getBalance(bob.publicKey)).toBe(0)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SendTransactionError, SystemProgram, Transaction, sendAndConfirmTransaction, VersionedTransaction, TransactionMessage,
} from '@solana/web3.js'
import { base58 } from '@scure/base'
import {
  TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, createMint, getOrCreateAssociatedTokenAccount, mintTo, transferChecked, getMint,
} from '@solana/spl-token'
import { startSolanaRpc, type SolanaRpcHandle } from '../../src/devnet/solana-rpc/server.js'

let node: SolanaRpcHandle
let connection: Connection

async function rpc(body: string): Promise<unknown> {
  const res = await fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  return res.json()
}

async function funded(sol = 10): Promise<Keypair> {
  const kp = Keypair.generate()
  const sig = await connection.requestAirdrop(kp.publicKey, sol * LAMPORTS_PER_SOL)
  await connection.confirmTransaction({ signature: sig, ...(await connection.getLatestBlockhash()) })
  return kp
}

beforeAll(async () => {
  node = await startSolanaRpc({ port: 0 })
  // web3.js derives ws://host:PORT+1 by itself; passing wsEndpoint explicitly documents where PubSub is.
  connection = new Connection(node.url, { commitment: 'confirmed', wsEndpoint: node.wsUrl })
})

afterAll(async () => {
  await node.stop()
})

describe('local Solana JSON-RPC over litesvm', () => {
  it('binds loopback and answers basic cluster methods', async () => {
    expect(node.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(node.wsUrl).toBe(`ws://127.0.0.1:${node.port + 1}`)
    expect(await rpc('{"jsonrpc":"2.0","id":1,"method":"getHealth"}')).toEqual({ jsonrpc: '2.0', result: 'ok', id: 1 })
    const version = await connection.getVersion()
    expect(typeof version['solana-core']).toBe('string')
    expect((await connection.getGenesisHash()).length).toBeGreaterThan(30)
  })

  it('airdrops, then sends SOL with sendAndConfirmTransaction: balances move by exactly amount and fee', async () => {
    const alice = await funded(2)
    const bob = Keypair.generate()
    expect(await connection.getBalance(alice.publicKey)).toBe(2 * LAMPORTS_PER_SOL)
    const amount = 123_456_789
    const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: amount }))
    const sig = await sendAndConfirmTransaction(connection, tx, [alice])
    expect(await connection.getBalance(bob.publicKey)).toBe(amount)
    expect(await connection.getBalance(alice.publicKey)).toBe(2 * LAMPORTS_PER_SOL - amount - 5000)

    const got = await connection.getTransaction(sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 })
    expect(got?.meta?.err).toBeNull()
    expect(got?.meta?.fee).toBe(5000)
    expect(got?.meta?.preBalances.slice(0, 2)).toEqual([2 * LAMPORTS_PER_SOL, 0])
    expect(got?.meta?.postBalances.slice(0, 2)).toEqual([2 * LAMPORTS_PER_SOL - amount - 5000, amount])
    expect(got?.meta?.logMessages?.[0]).toBe('Program 11111111111111111111111111111111 invoke [1]')
    expect(got?.transaction.signatures[0]).toBe(sig)
    expect(got?.slot).toBeGreaterThan(0)

    const parsed = await connection.getParsedTransaction(sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 })
    const ix = parsed?.transaction.message.instructions[0]
    expect(ix && 'parsed' in ix ? ix.parsed : null).toEqual({ type: 'transfer', info: { source: alice.publicKey.toBase58(), destination: bob.publicKey.toBase58(), lamports: amount } })
  })

  it('lists signatures for an address newest first, with before/until/limit', async () => {
    const alice = await funded(1)
    const bob = Keypair.generate()
    const sigs: string[] = []
    for (const lamports of [1_000_000, 2_000_000, 3_000_000]) {
      const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports }))
      sigs.push(await sendAndConfirmTransaction(connection, tx, [alice]))
    }
    const list = await connection.getSignaturesForAddress(bob.publicKey)
    expect(list.map((s) => s.signature)).toEqual([...sigs].reverse())
    expect(list[0]!.slot).toBeGreaterThan(list[2]!.slot)
    expect(list.every((s) => s.err === null && s.confirmationStatus === 'finalized')).toBe(true)
    const page = await connection.getSignaturesForAddress(bob.publicKey, { before: sigs[2]!, limit: 1 })
    expect(page.map((s) => s.signature)).toEqual([sigs[1]])
    const until = await connection.getSignaturesForAddress(bob.publicKey, { until: sigs[0]! })
    expect(until.map((s) => s.signature)).toEqual([sigs[2], sigs[1]])
    // alice's list also holds the airdrop that funded her (a faucet transfer), oldest last.
    expect((await connection.getSignaturesForAddress(alice.publicKey)).length).toBe(4)
    const statuses = await connection.getSignatureStatuses(sigs, { searchTransactionHistory: true })
    expect(statuses.value.map((s) => s?.err)).toEqual([null, null, null])
  })

  for (const [name, programId] of [['Token', TOKEN_PROGRAM_ID], ['Token-2022', TOKEN_2022_PROGRAM_ID]] as const) {
    it(`${name}: createMint, associated accounts, mintTo and transferChecked with exact balances`, async () => {
      const payer = await funded(5)
      const alice = Keypair.generate()
      const bob = Keypair.generate()
      const mint = await createMint(connection, payer, payer.publicKey, null, 6, undefined, undefined, programId)
      expect((await getMint(connection, mint, 'confirmed', programId)).decimals).toBe(6)
      const aliceAta = await getOrCreateAssociatedTokenAccount(connection, payer, mint, alice.publicKey, false, undefined, undefined, programId)
      const bobAta = await getOrCreateAssociatedTokenAccount(connection, payer, mint, bob.publicKey, false, undefined, undefined, programId)
      // A second call finds the existing account instead of creating it.
      const again = await getOrCreateAssociatedTokenAccount(connection, payer, mint, alice.publicKey, false, undefined, undefined, programId)
      expect(again.address.equals(aliceAta.address)).toBe(true)
      await mintTo(connection, payer, mint, aliceAta.address, payer, 5_000_000n, [], undefined, programId)
      await transferChecked(connection, payer, aliceAta.address, mint, bobAta.address, alice, 1_250_001n, 6, [], undefined, programId)

      expect((await connection.getTokenAccountBalance(aliceAta.address)).value).toEqual({ amount: '3749999', decimals: 6, uiAmount: 3.749999, uiAmountString: '3.749999' })
      expect((await connection.getTokenAccountBalance(bobAta.address)).value.uiAmountString).toBe('1.250001')
      expect((await connection.getTokenSupply(mint)).value.amount).toBe('5000000')

      const byProgram = await connection.getParsedTokenAccountsByOwner(bob.publicKey, { programId })
      expect(byProgram.value).toHaveLength(1)
      const acct = byProgram.value[0]!
      expect(acct.pubkey.equals(bobAta.address)).toBe(true)
      expect(acct.account.owner.equals(programId)).toBe(true)
      expect(acct.account.data.program).toBe(name === 'Token' ? 'spl-token' : 'spl-token-2022')
      expect(acct.account.data.parsed.type).toBe('account')
      expect(acct.account.data.parsed.info).toMatchObject({
        mint: mint.toBase58(), owner: bob.publicKey.toBase58(), state: 'initialized', isNative: false,
        tokenAmount: { amount: '1250001', decimals: 6, uiAmount: 1.250001, uiAmountString: '1.250001' },
      })
      const byMint = await connection.getParsedTokenAccountsByOwner(alice.publicKey, { mint })
      expect(byMint.value.map((v) => v.account.data.parsed.info.tokenAmount.amount)).toEqual(['3749999'])
      const otherProgram = programId.equals(TOKEN_PROGRAM_ID) ? TOKEN_2022_PROGRAM_ID : TOKEN_PROGRAM_ID
      expect((await connection.getParsedTokenAccountsByOwner(bob.publicKey, { programId: otherProgram })).value).toHaveLength(0)

      const parsedMint = await connection.getParsedAccountInfo(mint)
      const mintData = parsedMint.value?.data
      expect(mintData && !Buffer.isBuffer(mintData) ? mintData.parsed : null).toMatchObject({ type: 'mint', info: { decimals: 6, supply: '5000000', mintAuthority: payer.publicKey.toBase58(), freezeAuthority: null, isInitialized: true } })

      const sigs = await connection.getSignaturesForAddress(bobAta.address)
      const tx = await connection.getTransaction(sigs[0]!.signature, { maxSupportedTransactionVersion: 0 })
      expect(tx?.meta?.postTokenBalances?.find((b) => b.owner === bob.publicKey.toBase58())?.uiTokenAmount.amount).toBe('1250001')
      expect(tx?.meta?.preTokenBalances?.find((b) => b.owner === bob.publicKey.toBase58())?.uiTokenAmount.amount).toBe('0')
    })
  }

  it('rejects an overdraft in preflight with the system program logs, and simulateTransaction reports it', async () => {
    const alice = await funded(1)
    const bob = Keypair.generate()
    const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 5 * LAMPORTS_PER_SOL }))
    const err = await sendAndConfirmTransaction(connection, tx, [alice]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SendTransactionError)
    const logs = await (err as SendTransactionError).getLogs(connection)
    expect(logs.some((l) => /Transfer: insufficient lamports \d+, need 5000000000/.test(l))).toBe(true)
    expect((err as SendTransactionError).message).toContain('Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1')
    // Nothing landed: the fee was not charged.
    expect(await connection.getBalance(alice.publicKey)).toBe(LAMPORTS_PER_SOL)

    const sim = await connection.simulateTransaction(tx)
    expect(sim.value.err).toEqual({ InstructionError: [0, { Custom: 1 }] })
    expect(sim.value.logs?.some((l) => l.includes('insufficient lamports'))).toBe(true)
    expect(sim.value.unitsConsumed).toBeGreaterThan(0)
  })

  it('expires blockhashes after 150 blocks: "Blockhash not found" in preflight', async () => {
    const alice = await funded(1)
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash()
    expect((await connection.isBlockhashValid(blockhash)).value).toBe(true)
    node.warp(151)
    expect(await connection.getBlockHeight()).toBeGreaterThan(lastValidBlockHeight)
    expect((await connection.isBlockhashValid(blockhash)).value).toBe(false)
    const tx = new Transaction({ feePayer: alice.publicKey, blockhash, lastValidBlockHeight })
      .add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1_000_000 }))
    tx.sign(alice)
    const err = await connection.sendRawTransaction(tx.serialize()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SendTransactionError)
    expect((err as Error).message).toContain('Transaction simulation failed: Blockhash not found')
    // Without preflight the node takes it and drops it: it never gets a status.
    const sig = await connection.sendRawTransaction(tx.serialize(), { skipPreflight: true })
    expect((await connection.getSignatureStatus(sig, { searchTransactionHistory: true })).value).toBeNull()
    // simulateTransaction with replaceRecentBlockhash still runs it.
    const sim = await connection.simulateTransaction(new VersionedTransaction(tx.compileMessage()), { replaceRecentBlockhash: true, sigVerify: false })
    expect(sim.value.err).toBeNull()
  })

  it('answers JSON-RPC errors like a node: unknown method, malformed JSON, batches', async () => {
    expect(await rpc('{"jsonrpc":"2.0","id":7,"method":"getNothing","params":[]}')).toMatchObject({ id: 7, error: { code: -32601, message: expect.stringContaining('getNothing') } })
    expect(await rpc('{"jsonrpc":"2.0","id":')).toMatchObject({ id: null, error: { code: -32700 } })
    const batch = (await rpc('[{"jsonrpc":"2.0","id":1,"method":"getSlot"},{"jsonrpc":"2.0","id":2,"method":"getBalance","params":["11111111111111111111111111111111"]},{"jsonrpc":"2.0","id":3,"method":"nope"}]')) as Array<{ id: number; result?: unknown; error?: { code: number } }>
    expect(batch.map((r) => r.id)).toEqual([1, 2, 3])
    expect(typeof batch[0]!.result).toBe('number')
    expect(batch[1]!.result).toMatchObject({ context: { slot: expect.any(Number) }, value: expect.any(Number) })
    expect(batch[2]!.error?.code).toBe(-32601)
    expect(await rpc('{"jsonrpc":"2.0","id":4,"method":"getBalance","params":["not-a-key"]}')).toMatchObject({ error: { code: -32602 } })
    const big = await fetch(node.url, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) }).catch(() => null)
    expect(big === null || big.status === 413).toBe(true)
    expect((await connection.getAccountInfo(Keypair.generate().publicKey))).toBeNull()
  })

  it('delivers signature notifications over WebSocket on port+1 (web3.js default) and on the HTTP port', async () => {
    for (const wsEndpoint of [undefined, node.wsUrl.replace(`:${node.port + 1}`, `:${node.port}`)]) {
      const conn = new Connection(node.url, wsEndpoint === undefined ? { commitment: 'confirmed' } : { commitment: 'confirmed', wsEndpoint })
      const alice = await funded(1)
      const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: new PublicKey(Keypair.generate().publicKey), lamports: 10_000_000 }))
      const { blockhash, lastValidBlockHeight } = await conn.getLatestBlockhash()
      tx.recentBlockhash = blockhash
      tx.feePayer = alice.publicKey
      tx.sign(alice)
      const seen = new Promise<{ err: unknown; slot: number }>((resolve) => {
        conn.onSignature(base58.encode(tx.signature!), (result, ctx) => resolve({ err: result.err, slot: ctx.slot }), 'confirmed')
      })
      await new Promise((r) => setTimeout(r, 200))
      const sig = await conn.sendRawTransaction(tx.serialize())
      const note = await seen
      expect(note.err).toBeNull()
      expect(note.slot).toBe((await conn.getSignatureStatus(sig)).value?.slot)
      await conn.confirmTransaction({ signature: sig, blockhash, lastValidBlockHeight })
    }
  })

  it('lands a failing transaction sent without preflight (fee charged, err recorded), and handles v0, base58 and fees', async () => {
    const alice = await funded(1)
    const bob = Keypair.generate()
    const { blockhash } = await connection.getLatestBlockhash()
    const msg = new TransactionMessage({ payerKey: alice.publicKey, recentBlockhash: blockhash, instructions: [
      SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 2 * LAMPORTS_PER_SOL }),
    ] }).compileToV0Message()
    expect((await connection.getFeeForMessage(msg)).value).toBe(5000)
    const vtx = new VersionedTransaction(msg)
    vtx.sign([alice])
    const changes: number[] = []
    const subId = connection.onAccountChange(alice.publicKey, (acct) => changes.push(acct.lamports), { commitment: 'confirmed' })
    await new Promise((r) => setTimeout(r, 200))
    const sig = await connection.sendTransaction(vtx, { skipPreflight: true })
    // web3.js rejects confirmTransaction with the status' err when it finds it by polling.
    await expect(connection.confirmTransaction({ signature: sig, ...(await connection.getLatestBlockhash()) })).rejects.toMatchObject({ InstructionError: [0, { Custom: 1 }] })
    const status = await connection.getSignatureStatus(sig)
    expect(status.value?.err).toEqual({ InstructionError: [0, { Custom: 1 }] })
    expect(await connection.getBalance(alice.publicKey)).toBe(LAMPORTS_PER_SOL - 5000)
    await expect(connection.getTransaction(sig)).rejects.toThrow(/maxSupportedTransactionVersion/)
    const got = await connection.getTransaction(sig, { maxSupportedTransactionVersion: 0 })
    expect(got?.version).toBe(0)
    expect(got?.meta?.err).toEqual({ InstructionError: [0, { Custom: 1 }] })
    expect(got?.meta?.fee).toBe(5000)
    await new Promise((r) => setTimeout(r, 100))
    expect(changes).toEqual([LAMPORTS_PER_SOL - 5000])
    await connection.removeAccountChangeListener(subId)

    // base58 wire encoding is accepted too.
    const tx = new Transaction({ feePayer: alice.publicKey, ...(await connection.getLatestBlockhash()) })
      .add(SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 100_000_000 }))
    tx.sign(alice)
    const res = (await rpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'sendTransaction', params: [base58.encode(tx.serialize())] }))) as { result: string }
    expect(res.result).toBe(base58.encode(tx.signature!))
    expect(await connection.getBalance(bob.publicKey)).toBe(100_000_000)
    // Sending the same transaction again is refused like on a node.
    await expect(connection.sendRawTransaction(tx.serialize())).rejects.toThrow(/already been processed/)
  })
})

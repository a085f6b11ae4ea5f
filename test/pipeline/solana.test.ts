/**
 * The pipeline on the local Solana chain: SOL and SPL / Token-2022 transfers tiered in token units, the token
 * allowlist, message signing, and `sign tx` of a caller-built transaction (decoded, signed, not sent).
 */
import { generateKeyPairSync, verify } from 'node:crypto'
import { base58 } from '@scure/base'
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, TransactionMessage, VersionedTransaction } from '@solana/web3.js'
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, createMint, getAccount, getAssociatedTokenAddressSync, getOrCreateAssociatedTokenAccount, mintTo } from '@solana/spl-token'
import { beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { testClock } from '../helpers/test-clock.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'

// The 1 s delay passes on the daemon's test clock, moved by the test.
const clock = testClock()
const t = useDaemon({ env: { pipelineTickMs: 50, testClockFile: clock.file } })
const auth = { password: PASSWORD }
let conn: Connection
let sol: { address: string }

beforeAll(async () => {
  await t.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, auth)
  conn = new Connection(localChain().solanaRpcUrl, { commitment: 'confirmed', wsEndpoint: localChain().solanaWsUrl })
  sol = await t.client.call('wallet.create', { chain: 'solana', name: 'sol' }, auth)
  await conn.requestAirdrop(new PublicKey(sol.address), 10 * LAMPORTS_PER_SOL)
  await t.client.call('policy.add', { wallet: 'sol', type: 'SPENDING_LIMIT', rules: { instant_max: '1', delay_max: '2', delay_seconds: 1 } }, auth)
})

const send = (extra: Record<string, unknown>) => t.client.call('tx.send', { wallet: 'sol', network: 'solana-local', to: Keypair.generate().publicKey.toBase58(), ...extra } as never, auth)

describe('Solana pipeline', () => {
  it('sends SOL instantly within the limit and after the delay above it', async () => {
    const to = Keypair.generate().publicKey
    const r = await send({ to: to.toBase58(), amount: '0.5' })
    expect(r).toMatchObject({ tier: 'INSTANT', symbol: 'SOL' })
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect(await conn.getBalance(to)).toBe(LAMPORTS_PER_SOL / 2)
    const d = await send({ amount: '1.5' })
    expect(d.state).toBe('queued')
    clock.advance(1000)
    expect((await t.client.call('tx.wait', { id: d.id, timeoutMs: 20_000 })).state).toBe('confirmed')
  })

  it('SPL and Token-2022 transfers need the token allowed and are tiered in its units', async () => {
    const payer = Keypair.generate()
    await conn.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL)
    const owner = new PublicKey(sol.address)
    for (const program of [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID]) {
      const mint = await createMint(conn, payer, payer.publicKey, null, 6, Keypair.generate(), { commitment: 'confirmed' }, program)
      const ata = await getOrCreateAssociatedTokenAccount(conn, payer, mint, owner, false, 'confirmed', { commitment: 'confirmed' }, program)
      await mintTo(conn, payer, mint, ata.address, payer, 100_000_000n, [], { commitment: 'confirmed' }, program)
      const denied = await catchAsync(send({ amount: '1', token: mint.toBase58() }))
      expect(denied.code).toBe('POLICY_DENIED')
      expect(String(denied.details.wouldPass)).toContain('ALLOWED_TOKENS')
      await t.client.call('policy.add', { wallet: 'sol', type: 'ALLOWED_TOKENS', rules: { tokens: [mint.toBase58()] } }, auth)
      await t.client.call('policy.add', { wallet: 'sol', type: 'SPENDING_LIMIT', rules: { token: mint.toBase58(), instant_max: '10' } }, auth)
      const to = Keypair.generate().publicKey
      const ok = await send({ to: to.toBase58(), amount: '2.5', token: mint.toBase58() })
      expect(ok).toMatchObject({ kind: 'token-transfer', tier: 'INSTANT', amount: '2.5' })
      expect((await t.client.call('tx.wait', { id: ok.id, timeoutMs: 20_000 })).state).toBe('confirmed')
      const dest = getAssociatedTokenAddressSync(mint, to, false, program)
      expect((await conn.getTokenAccountBalance(dest)).value.amount).toBe('2500000')
      expect((await send({ amount: '11', token: mint.toBase58() })).tier).toBe('APPROVAL')
      // An approval names a spender: refused until APPROVED_SPENDERS lists it; unlimited (2^64-1) stays refused.
      const spender = Keypair.generate().publicKey.toBase58()
      const approve = (amount: string) => t.client.call('tx.tokenApprove', { wallet: 'sol', network: 'solana-local', token: mint.toBase58(), spender, amount }, auth)
      expect((await catchAsync(approve('3'))).code).toBe('POLICY_DENIED')
      await t.client.call('policy.add', { wallet: 'sol', type: 'APPROVED_SPENDERS', rules: { spenders: [spender] } }, auth)
      const approved = await approve('3')
      expect(approved).toMatchObject({ kind: 'token-approve', tier: 'INSTANT' })
      expect((await t.client.call('tx.wait', { id: approved.id, timeoutMs: 20_000 })).state).toBe('confirmed')
      const acct = await getAccount(conn, ata.address, 'confirmed', program)
      expect(acct.delegate?.toBase58()).toBe(spender)
      expect(acct.delegatedAmount).toBe(3_000_000n)
      expect((await catchAsync(approve('18446744073709.551615'))).code).toBe('POLICY_DENIED')
      // Policies are per scope and type: clean up so the next program starts from the same place.
      const { policies } = await t.client.call('policy.list', { wallet: 'sol' })
      for (const p of policies.filter((x) => x.type === 'ALLOWED_TOKENS' || x.type === 'APPROVED_SPENDERS' || (x.type === 'SPENDING_LIMIT' && 'token' in x.rules))) {
        await t.client.call('policy.remove', { id: p.id }, auth)
      }
    }
  })

  it('signs a message with SIGNING_RULES, verifiable with the wallet key', async () => {
    await t.client.call('policy.add', { wallet: 'sol', type: 'SIGNING_RULES', rules: { allow_personal_sign: true } }, auth)
    const r = await t.client.call('sign.message', { wallet: 'sol', message: 'gm' }, auth)
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(base58.decode(sol.address))])
    const { createPublicKey } = await import('node:crypto')
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' })
    expect(verify(null, Buffer.from('gm'), key, Buffer.from(base58.decode(r.signature ?? '')))).toBe(true)
    void generateKeyPairSync
  })

  it('sign tx: a caller-built SOL transfer is decoded, checked and signed, not sent', async () => {
    const to = Keypair.generate().publicKey
    const { blockhash } = await conn.getLatestBlockhash()
    const build = (lamports: number) =>
      Buffer.from(
        new VersionedTransaction(
          new TransactionMessage({ payerKey: new PublicKey(sol.address), recentBlockhash: blockhash, instructions: [SystemProgram.transfer({ fromPubkey: new PublicKey(sol.address), toPubkey: to, lamports })] }).compileToV0Message(),
        ).serialize(),
      ).toString('base64')
    const r = await t.client.call('sign.tx', { wallet: 'sol', network: 'solana-local', transaction: build(LAMPORTS_PER_SOL / 10) }, auth)
    expect(r).toMatchObject({ state: 'signed', tier: 'INSTANT', amount: '0.1' })
    const signed = VersionedTransaction.deserialize(Buffer.from(r.signature ?? '', 'base64'))
    expect(signed.signatures[0]?.some((b) => b !== 0)).toBe(true)
    expect(await conn.getBalance(to)).toBe(0)
    // Above the delay limit the signature waits for approval.
    const big = await t.client.call('sign.tx', { wallet: 'sol', network: 'solana-local', transaction: build(5 * LAMPORTS_PER_SOL) }, auth)
    expect(big).toMatchObject({ tier: 'APPROVAL', state: 'awaiting_approval', signature: null })
    // The caller broadcasts the first one itself.
    await conn.sendRawTransaction(signed.serialize())
  })
})

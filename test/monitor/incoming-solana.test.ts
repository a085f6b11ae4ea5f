/**
 * Incoming transfers on the local Solana chain (litesvm RPC): SOL, SPL Token and Token-2022 transfers (of mints the
 * daemon has never seen, to token accounts created after the wallet was first scanned) sent from outside are each
 * reported exactly once, also across a daemon restart and an RPC outage; the wallet's own sends are not incoming.
 */
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction, sendAndConfirmTransaction } from '@solana/web3.js'
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, createMint, getOrCreateAssociatedTokenAccount, mintTo, transfer } from '@solana/spl-token'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../src/devnet/anvil.js'
import { formatAmount } from '../../src/lib/amounts.js'
import { SOLANA_LOCAL_ID } from '../../src/lib/networks.js'
import { waitFor } from '../helpers/e2e.js'
import { auditOf, auth, monitoredDaemon, scanStatus, settle, transfers, waitForTransfers, type MonitoredDaemon } from '../helpers/monitor.js'
import { localChain } from '../helpers/chains.js'

const NET = SOLANA_LOCAL_ID
let conn: Connection
let m: MonitoredDaemon
let sa: PublicKey
let sb: PublicKey
const outsider = Keypair.generate()
const key = (t: { tx: string; asset: string; walletId: string }): string => `${t.tx}|${t.asset}|${t.walletId}`
const opts = { commitment: 'confirmed' as const }

const sendSol = (to: PublicKey, sol: number): Promise<string> =>
  sendAndConfirmTransaction(conn, new Transaction().add(SystemProgram.transfer({ fromPubkey: outsider.publicKey, toPubkey: to, lamports: Math.round(sol * LAMPORTS_PER_SOL) })), [outsider], opts)

/** A new mint (6 decimals) of `program`, owned by the outsider, who holds 1000 of it. */
async function newMint(program: PublicKey): Promise<{ mint: PublicKey; source: PublicKey }> {
  const mint = await createMint(conn, outsider, outsider.publicKey, null, 6, Keypair.generate(), opts, program)
  const source = await getOrCreateAssociatedTokenAccount(conn, outsider, mint, outsider.publicKey, false, 'confirmed', opts, program)
  await mintTo(conn, outsider, mint, source.address, outsider, 1_000_000_000n, [], opts, program)
  return { mint, source: source.address }
}

/** Sends `units` of `mint` from the outsider to `owner`'s associated token account (created by the outsider if needed). */
async function sendToken(t: { mint: PublicKey; source: PublicKey }, owner: PublicKey, units: bigint, program: PublicKey): Promise<string> {
  const dest = await getOrCreateAssociatedTokenAccount(conn, outsider, t.mint, owner, false, 'confirmed', opts, program)
  return transfer(conn, outsider, t.source, dest.address, outsider, units, [], opts, program)
}

beforeAll(async () => {
  conn = new Connection(localChain().solanaRpcUrl, { commitment: 'confirmed', wsEndpoint: localChain().solanaWsUrl })
  await conn.confirmTransaction(await conn.requestAirdrop(outsider.publicKey, 100 * LAMPORTS_PER_SOL), 'confirmed')
  m = await monitoredDaemon()
  await m.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, auth)
  sa = new PublicKey((await m.client.call('wallet.create', { chain: 'solana', name: 'sa' }, auth)).address)
  sb = new PublicKey((await m.client.call('wallet.create', { chain: 'solana', name: 'sb' }, auth)).address)
  await m.client.call('incoming.watch', { network: 'solana-local' }, auth)
  await settle(m.client, NET)
})

afterAll(async () => {
  await m?.close()
})

describe('incoming transfers on Solana', () => {
  let spl: { mint: PublicKey; source: PublicKey }
  let t22: { mint: PublicKey; source: PublicKey }

  it('reports SOL, SPL and Token-2022 transfers from outside exactly once, for mints it has never seen', async () => {
    const airdrop = await conn.requestAirdrop(sa, 2 * LAMPORTS_PER_SOL)
    await conn.confirmTransaction(airdrop, 'confirmed')
    const s1 = await sendSol(sb, 0.5)
    spl = await newMint(TOKEN_PROGRAM_ID)
    t22 = await newMint(TOKEN_2022_PROGRAM_ID)
    // Each token account is created by the outsider in the same breath as the first transfer into it.
    const k1 = await sendToken(spl, sa, 5_000_000n, TOKEN_PROGRAM_ID)
    const k2 = await sendToken(t22, sb, 7_250_000n, TOKEN_2022_PROGRAM_ID)
    const k3 = await sendToken(spl, sa, 1n, TOKEN_PROGRAM_ID)
    const got = await waitForTransfers(m.client, 5)
    await settle(m.client, NET, 3)
    const all = await transfers(m.client)
    expect(all).toHaveLength(5)
    expect(new Set(all.map(key)).size).toBe(5)
    const byTx = new Map(all.map((t) => [t.tx, t]))
    expect(byTx.get(airdrop)).toMatchObject({ walletName: 'sa', network: NET, asset: 'native', symbol: 'SOL', decimals: 9, amount: '2', raw: '2000000000' })
    expect(byTx.get(s1)).toMatchObject({ walletName: 'sb', asset: 'native', amount: '0.5', from: outsider.publicKey.toBase58() })
    expect(byTx.get(k1)).toMatchObject({ walletName: 'sa', asset: spl.mint.toBase58(), decimals: 6, amount: '5', raw: '5000000', from: outsider.publicKey.toBase58() })
    expect(byTx.get(k2)).toMatchObject({ walletName: 'sb', asset: t22.mint.toBase58(), decimals: 6, amount: '7.25', from: outsider.publicKey.toBase58() })
    expect(byTx.get(k3)).toMatchObject({ walletName: 'sa', asset: spl.mint.toBase58(), amount: '0.000001', raw: '1' })
    expect(got.every((t) => t.blockTime !== null && t.block > 0)).toBe(true)
    const events = await auditOf(m.client, 'incoming.transfer')
    expect(events).toHaveLength(5)
    expect(events.find((e) => e.details.tx === k2)).toMatchObject({ actor: 'daemon', target: byTx.get(k2)?.walletId, details: { network: NET, asset: t22.mint.toBase58(), amount: '7250000' } })
  })

  it("the wallet's own send is not incoming to it; the payee wallet sees it", async () => {
    await m.client.call('policy.add', { wallet: 'sa', type: 'SPENDING_LIMIT', rules: { instant_max: '1' } }, auth)
    const before = (await transfers(m.client)).length
    const r = await m.client.call('tx.send', { wallet: 'sa', network: NET, to: sb.toBase58(), amount: '0.1' }, auth)
    expect((await m.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    const all = await waitForTransfers(m.client, before + 1)
    await settle(m.client, NET, 3)
    expect(await transfers(m.client)).toHaveLength(before + 1)
    expect(all.at(-1)).toMatchObject({ walletName: 'sb', asset: 'native', amount: '0.1', from: sa.toBase58(), tx: r.txHash })
  })

  it('transfers sent while the daemon is down are reported after it starts again, and none twice', async () => {
    const before = (await transfers(m.client)).length
    await m.stop()
    const s = await sendSol(sa, 0.25)
    const k = await sendToken(t22, sb, 1_000_000n, TOKEN_2022_PROGRAM_ID)
    // A token account created while the daemon was down, for a mint sb never held.
    const fresh = await newMint(TOKEN_PROGRAM_ID)
    const k2 = await sendToken(fresh, sb, 3_000_000n, TOKEN_PROGRAM_ID)
    await m.start()
    const all = await waitForTransfers(m.client, before + 3)
    await settle(m.client, NET, 3)
    const again = await transfers(m.client)
    expect(again).toHaveLength(before + 3)
    expect(new Set(again.map(key)).size).toBe(before + 3)
    expect(all.filter((t) => t.tx === s)).toMatchObject([{ walletName: 'sa', amount: '0.25' }])
    expect(all.filter((t) => t.tx === k)).toMatchObject([{ walletName: 'sb', amount: '1', asset: t22.mint.toBase58() }])
    expect(all.filter((t) => t.tx === k2)).toMatchObject([{ walletName: 'sb', amount: '3', asset: fresh.mint.toBase58() }])
    expect(await auditOf(m.client, 'incoming.transfer')).toHaveLength(before + 3)
  })

  it('transfers sent while the RPC is unreachable are reported once it is back', async () => {
    const before = (await transfers(m.client)).length
    await m.client.call('network.set', { network: NET, rpcUrl: `http://127.0.0.1:${await freePort()}/?api-key=SOLKEY987654321` }, auth)
    await waitFor('the scan to fail', async () => (await scanStatus(m.client, NET))?.lastError?.code === 'CHAIN_RPC_UNREACHABLE')
    const s = await sendSol(sb, 0.125)
    const k = await sendToken(spl, sa, 2_000_000n, TOKEN_PROGRAM_ID)
    const firstFail = (await scanStatus(m.client, NET))?.lastError?.at ?? ''
    await waitFor('more failed scans', async () => ((await scanStatus(m.client, NET))?.lastError?.at ?? '') > firstFail)
    expect((await transfers(m.client)).length).toBe(before)
    await m.client.call('network.set', { network: NET, rpcUrl: localChain().solanaRpcUrl }, auth)
    const all = await waitForTransfers(m.client, before + 2)
    await settle(m.client, NET, 3)
    expect(await transfers(m.client)).toHaveLength(before + 2)
    expect(all.filter((t) => t.tx === s)).toMatchObject([{ walletName: 'sb', amount: '0.125' }])
    expect(all.filter((t) => t.tx === k)).toMatchObject([{ walletName: 'sa', amount: '2' }])
    expect(m.log()).not.toContain('SOLKEY987654321')
  })

  it('raises one low-balance alert when a wallet falls below its SOL threshold', async () => {
    const bal = await conn.getBalance(sa)
    // Just above the balance: the wallet is already below it, so the first check raises the one alert.
    const set = await m.client.call('incoming.setLowBalance', { wallet: 'sa', network: NET, threshold: formatAmount(BigInt(bal + 1), 9) }, auth)
    expect(set).toMatchObject({ symbol: 'SOL', watched: true })
    await waitFor('a low-balance alert', async () => (await auditOf(m.client, 'balance.low')).length === 1)
    await settle(m.client, NET, 3)
    const alerts = await auditOf(m.client, 'balance.low')
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ target: set.walletId, details: { network: NET, balance: String(bal), threshold: String(bal + 1) } })
  })
})

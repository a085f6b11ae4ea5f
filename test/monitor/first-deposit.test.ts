/**
 * A new wallet's first deposit is reported, exactly once, on both local chains: the wallet is created (or imported)
 * and funded at once, before the monitor's next scan. The monitor's interval is an hour, so scans happen only when
 * the test pokes it: the race the bug needed (the first scan seeing the wallet after its deposit) is forced, not hoped
 * for. Also across a restart (a start recorded but never scanned stays), for a second deposit, for a wallet created
 * while the node could not be reached (its start is the creation time, mapped to the chain by the first scan, so a
 * transfer from an hour before the import is not reported), and for a network watched later (its head at that moment).
 *
 * This file runs its own anvil, an hour behind the wall clock until the offline test moves it to now.
 */
import { TOKEN_PROGRAM_ID, createMint, getOrCreateAssociatedTokenAccount, mintTo, transfer } from '@solana/spl-token'
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction, sendAndConfirmTransaction } from '@solana/web3.js'
import { Contract, JsonRpcProvider, Wallet as EthersWallet, parseEther } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startAnvil, type AnvilHandle } from '../../src/devnet/anvil.js'
import { EVM_LOCAL_ID, SOLANA_LOCAL_ID } from '../../src/lib/networks.js'
import { waitFor } from '../helpers/e2e.js'
import { auth, monitoredDaemon, scanStatus, transfers, type MonitoredDaemon } from '../helpers/monitor.js'
import { compile, deploy, mined } from '../helpers/solc.js'
import { localChain } from '../helpers/chains.js'

/** anvil's first dev account (the public "test test … junk" mnemonic): the outsider who pays our wallets. */
const OUTSIDER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const HOUR_S = 3600
const opts = { commitment: 'confirmed' as const }

let anvil: AnvilHandle
let provider: JsonRpcProvider
let outsider: EthersWallet
let token: Contract
let tokenAddress: string
let conn: Connection
const payer = Keypair.generate()
let mint: { mint: PublicKey; source: PublicKey }
let m: MonitoredDaemon

const sendEth = async (to: string, eth: string): Promise<string> => {
  const tx = await outsider.sendTransaction({ to, value: parseEther(eth) })
  await mined(provider, tx.hash)
  return tx.hash
}
const sendToken = async (to: string, units: bigint): Promise<string> => {
  const tx = (await token.getFunction('transfer')(to, units)) as { hash: string }
  await mined(provider, tx.hash)
  return tx.hash
}
const sendSol = (to: string, sol: number): Promise<string> =>
  sendAndConfirmTransaction(conn, new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: new PublicKey(to), lamports: Math.round(sol * LAMPORTS_PER_SOL) })), [payer], opts)
/** SPL tokens to `owner`, creating its token account in the same breath (as a first deposit of a token does). */
const sendSpl = async (owner: string, units: bigint): Promise<string> => {
  const dest = await getOrCreateAssociatedTokenAccount(conn, payer, mint.mint, new PublicKey(owner), false, 'confirmed', opts, TOKEN_PROGRAM_ID)
  return transfer(conn, payer, mint.source, dest.address, payer, units, [], opts, TOKEN_PROGRAM_ID)
}

const scans = async (network: string): Promise<number> => (await scanStatus(m.client, network))?.scans ?? 0
/** At least one whole scan of `network` that started after this call (twice poked: a scan in flight may predate it). */
async function scanNow(network: string): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const before = await scans(network)
    m.daemon.ctx.monitor.poke()
    // A timeout says how the monitor's scans of the network went (its last error), not only that none came.
    await waitFor(`a scan of ${network}`, async () => (await scans(network)) > before, 20_000).catch(async (err: Error) => {
      throw new Error(`${err.message}; monitor status: ${JSON.stringify(await scanStatus(m.client, network))}`)
    })
  }
}
const scanBoth = async (): Promise<void> => {
  await scanNow(EVM_LOCAL_ID)
  await scanNow(SOLANA_LOCAL_ID)
}
/** The transactions recorded for one wallet, oldest first, as `tx|asset`. */
const seen = async (wallet: string): Promise<string[]> => (await transfers(m.client, { wallet })).map((t) => `${t.tx}|${t.asset}`)

beforeAll(async () => {
  anvil = await startAnvil({ extraArgs: ['--timestamp', String(Math.floor(Date.now() / 1000) - HOUR_S)] })
  provider = new JsonRpcProvider(anvil.url, anvil.chainId, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  outsider = new EthersWallet(OUTSIDER_KEY, provider)
  tokenAddress = await deploy(outsider, 'TestToken.sol', 'TestToken', [10n ** 18n])
  token = new Contract(tokenAddress, compile('TestToken.sol', 'TestToken').abi, outsider)
  conn = new Connection(localChain().solanaRpcUrl, { commitment: 'confirmed', wsEndpoint: localChain().solanaWsUrl })
  await conn.confirmTransaction(await conn.requestAirdrop(payer.publicKey, 100 * LAMPORTS_PER_SOL), 'confirmed')
  const mintKey = await createMint(conn, payer, payer.publicKey, null, 6, Keypair.generate(), opts, TOKEN_PROGRAM_ID)
  const source = await getOrCreateAssociatedTokenAccount(conn, payer, mintKey, payer.publicKey, false, 'confirmed', opts, TOKEN_PROGRAM_ID)
  await mintTo(conn, payer, mintKey, source.address, payer, 1_000_000_000n, [], opts, TOKEN_PROGRAM_ID)
  mint = { mint: mintKey, source: source.address }

  m = await monitoredDaemon({ monitorIntervalMs: 3_600_000 })
  await m.client.call('network.set', { network: 'evm-local', rpcUrl: anvil.url }, auth)
  await m.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, auth)
  await m.client.call('incoming.watch', { network: 'evm-local' }, auth)
  await m.client.call('incoming.watch', { network: 'solana-local' }, auth)
  // Every scan the watch list caused is over: from here on, scans happen only when a test pokes.
  await scanBoth()
}, 120_000)

afterAll(async () => {
  await m?.close()
  provider?.destroy()
  await anvil?.stop()
})

describe("a new wallet's first deposit", () => {
  const first = new Map<string, string[]>()
  const imported = { evm: EthersWallet.createRandom(), solana: Keypair.generate() }

  it('EVM: created, or imported, and paid at once: the native and the token deposit are each reported once', async () => {
    const created = await m.client.call('wallet.create', { chain: 'evm', name: 'evm-new' }, auth)
    const n1 = await sendEth(created.address, '1.25')
    const t1 = await sendToken(created.address, 7_000_000n)
    const imp = await m.client.call('wallet.import', { chain: 'evm', format: 'private-key', secret: imported.evm.privateKey, name: 'evm-imported' }, auth)
    expect(imp.address).toBe(imported.evm.address)
    const n2 = await sendEth(imp.address, '0.5')
    await scanNow(EVM_LOCAL_ID)
    first.set('evm-new', [`${n1}|native`, `${t1}|${tokenAddress}`])
    first.set('evm-imported', [`${n2}|native`])
    expect(await seen('evm-new')).toEqual(first.get('evm-new'))
    expect(await seen('evm-imported')).toEqual(first.get('evm-imported'))
    expect((await transfers(m.client, { wallet: 'evm-new' }))[0]).toMatchObject({ walletName: 'evm-new', network: EVM_LOCAL_ID, amount: '1.25', from: outsider.address })
  })

  it('Solana: created, or imported, and paid at once: SOL and a token into a new token account are each reported once', async () => {
    const created = await m.client.call('wallet.create', { chain: 'solana', name: 'sol-new' }, auth)
    const s1 = await sendSol(created.address, 0.75)
    const k1 = await sendSpl(created.address, 3_000_000n)
    const secret = JSON.stringify([...imported.solana.secretKey])
    const imp = await m.client.call('wallet.import', { chain: 'solana', format: 'keypair', secret, name: 'sol-imported' }, auth)
    expect(imp.address).toBe(imported.solana.publicKey.toBase58())
    const s2 = await sendSol(imp.address, 0.25)
    await scanNow(SOLANA_LOCAL_ID)
    first.set('sol-new', [`${s1}|native`, `${k1}|${mint.mint.toBase58()}`])
    first.set('sol-imported', [`${s2}|native`])
    expect(await seen('sol-new')).toEqual(first.get('sol-new'))
    expect(await seen('sol-imported')).toEqual(first.get('sol-imported'))
    expect((await transfers(m.client, { wallet: 'sol-new' }))[0]).toMatchObject({ network: SOLANA_LOCAL_ID, amount: '0.75', from: payer.publicKey.toBase58() })
  })

  it('after a restart each is still there once, and a second deposit is reported once', async () => {
    await m.restart()
    await scanBoth()
    for (const [wallet, txs] of first) expect(await seen(wallet), wallet).toEqual(txs)
    const second = new Map<string, string>([
      ['evm-new', `${await sendEth((await m.client.call('wallet.show', { wallet: 'evm-new' })).address, '0.1')}|native`],
      ['evm-imported', `${await sendToken(imported.evm.address, 1_000_000n)}|${tokenAddress}`],
      ['sol-new', `${await sendSol((await m.client.call('wallet.show', { wallet: 'sol-new' })).address, 0.1)}|native`],
      ['sol-imported', `${await sendSpl(imported.solana.publicKey.toBase58(), 2_000_000n)}|${mint.mint.toBase58()}`],
    ])
    await scanBoth()
    await scanBoth()
    for (const [wallet, txs] of first) expect(await seen(wallet), wallet).toEqual([...txs, second.get(wallet)])
    const events = (await m.client.call('audit.list', { action: 'incoming.transfer', limit: 1000 })).entries
    expect(events).toHaveLength(10)
  })

  it('a start recorded but not scanned before the daemon stops stays: the deposit is found after the restart', async () => {
    const evm = await m.client.call('wallet.create', { chain: 'evm', name: 'evm-unscanned' }, auth)
    const sol = await m.client.call('wallet.create', { chain: 'solana', name: 'sol-unscanned' }, auth)
    await m.stop()
    const n = await sendEth(evm.address, '0.3')
    const s = await sendSol(sol.address, 0.3)
    await m.start()
    await scanBoth()
    expect(await seen('evm-unscanned')).toEqual([`${n}|native`])
    expect(await seen('sol-unscanned')).toEqual([`${s}|native`])
  })

  it('created while the node is unreachable: starts at the creation time, not at the later first scan', async () => {
    // A transfer an hour (of chain time) before the import, then the chain catches up with the wall clock.
    const key = EthersWallet.createRandom()
    const early = await sendEth(key.address, '0.2')
    await provider.send('evm_setNextBlockTimestamp', [Math.floor(Date.now() / 1000)])
    await provider.send('evm_mine', [])
    const solKey = Keypair.generate()

    const dead = `http://127.0.0.1:${await freePort()}`
    await m.client.call('network.set', { network: 'evm-local', rpcUrl: dead }, auth)
    await m.client.call('network.set', { network: 'solana-local', rpcUrl: dead }, auth)
    const started = Date.now()
    const evm = await m.client.call('wallet.import', { chain: 'evm', format: 'private-key', secret: key.privateKey, name: 'evm-offline' }, auth)
    const sol = await m.client.call('wallet.import', { chain: 'solana', format: 'keypair', secret: JSON.stringify([...solKey.secretKey]), name: 'sol-offline' }, auth)
    expect(Date.now() - started).toBeLessThan(10_000) // offline creation waits a bounded time, then records the time
    await m.client.call('network.set', { network: 'evm-local', rpcUrl: anvil.url }, auth)
    await m.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, auth)
    const n = await sendEth(evm.address, '0.4')
    const s = await sendSol(sol.address, 0.4)
    // Blocks keep coming before the first scan: the start must not become "the head when the scan runs".
    for (let i = 0; i < 3; i++) await provider.send('evm_mine', [])
    await scanBoth()
    expect(await seen('evm-offline')).toEqual([`${n}|native`])
    expect(await seen('evm-offline')).not.toContain(`${early}|native`)
    expect(await seen('sol-offline')).toEqual([`${s}|native`])
  })

  it('a network watched later starts at its head at that moment', async () => {
    await m.client.call('incoming.unwatch', { network: 'evm-local' }, auth)
    const w = await m.client.call('wallet.create', { chain: 'evm', name: 'evm-later' }, auth)
    const before = await sendEth(w.address, '0.01') // while not watched: not reported
    await m.client.call('incoming.watch', { network: 'evm-local' }, auth)
    const after = await sendEth(w.address, '0.02') // right after the watch, before any scan of it
    await scanNow(EVM_LOCAL_ID)
    expect(await seen('evm-later')).toEqual([`${after}|native`])
    expect(await seen('evm-later')).not.toContain(`${before}|native`)
  })
})

/**
 * Crash soak: the daemon as a real process is SIGKILLed from outside at a random moment (seeded) while three EVM
 * wallets and a Solana wallet send concurrently, restarted, and every send is submitted again with its idempotency key, as a careful client
 * would after a lost answer. Round after round, each key must move funds exactly once (its fresh recipient holds
 * exactly the amount), every request must end confirmed, each EVM wallet's nonce must equal its confirmed sends (none
 * reused, none skipped), nothing may be left in flight, the audit chain must verify, and the daily limit must have
 * counted each send exactly once. Where test/pipeline/crash.test.ts kills at each named stage of one request, this
 * kills anywhere, with several requests of several wallets in every stage at once.
 *
 * A private anvil mining a block every second: with automine, anvil strands a transaction that arrives ahead of its
 * nonce predecessor (foundry#10122), and a restarted daemon rebroadcasts several at once.
 */
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js'
import { JsonRpcProvider, Wallet as EthersWallet, parseEther } from 'ethers'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { startAnvil, type AnvilHandle } from '../../src/devnet/anvil.js'
import type { DaemonClient } from '../../src/cli/client.js'
import { TX_STATES } from '../../src/lib/contract/index.js'
import { tempHome } from '../helpers/cli.js'
import { exitWithin, spawnDaemon, type DaemonProcess } from '../helpers/daemon-process.js'
import { localChain } from '../helpers/chains.js'

const PASSWORD = 'correct horse battery staple'
const auth = { password: PASSWORD }
const EVM_WALLETS = ['soak-a', 'soak-b', 'soak-c']
const SOL_WALLET = 'soak-sol'
const WALLETS = [...EVM_WALLETS, SOL_WALLET]
const networkOf = (wallet: string): string => (wallet === SOL_WALLET ? 'solana-local' : 'evm-local')
/** SOAK_ROUNDS and SOAK_SEED soak longer or elsewhere: `SOAK_ROUNDS=50 SOAK_SEED=7 npx vitest run test/pipeline/crash-soak.test.ts`. */
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 5)
const SENDS_PER_WALLET = 3
const AMOUNT = '0.01'
/** Room for every planned send (4 rounds × 3 × 0.01 = 0.12) plus 0.005: 0.004 more fits, 0.006 does not. */
const DAILY_LIMIT = String(ROUNDS * SENDS_PER_WALLET * 0.01 + 0.005)
const FINAL = new Set(['confirmed', 'failed', 'denied', 'cancelled', 'rejected', 'expired', 'replaced'])

let anvil: AnvilHandle
let provider: JsonRpcProvider
let conn: Connection
const home = tempHome('waiaas-soak-')
const pw = home.file('pw.txt', `${PASSWORD}\n`)
let daemon: DaemonProcess | undefined
const addresses = new Map<string, string>()
const confirmed = new Map<string, number>(WALLETS.map((w) => [w, 0]))
/** The states requests were in when a kill struck, over all rounds. */
const leftAtKill = new Set<string>()

/** A small seeded generator (mulberry32): the kill moments are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const random = seeded(Number(process.env.SOAK_SEED ?? 20261126))

async function start(): Promise<DaemonClient> {
  daemon = await spawnDaemon(home.dataDir, { passwordFile: pw, env: { WAIAAS_PIPELINE_TICK_MS: '50' } })
  return daemon.client
}

beforeAll(async () => {
  anvil = await startAnvil({ chainId: 31337, blockTime: 1 })
  provider = new JsonRpcProvider(anvil.url, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  const c = await start()
  await c.call('vault.init', { password: PASSWORD })
  await c.call('network.set', { network: 'evm-local', rpcUrl: anvil.url }, auth)
  await c.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, auth)
  conn = new Connection(localChain().solanaRpcUrl, 'confirmed')
  for (const name of WALLETS) {
    const w = await c.call('wallet.create', { chain: name === SOL_WALLET ? 'solana' : 'evm', name }, auth)
    if (name === SOL_WALLET) await conn.requestAirdrop(new PublicKey(w.address), 10 * LAMPORTS_PER_SOL)
    else {
      addresses.set(name, w.address)
      await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
    }
    await c.call('policy.add', { wallet: name, type: 'SPENDING_LIMIT', rules: { instant_max: '1', daily_limit: DAILY_LIMIT } }, auth)
  }
}, 60_000)

afterAll(async () => {
  daemon?.client.close()
  await daemon?.stop()
  provider?.destroy()
  await anvil?.stop()
  home.cleanup()
})

interface Planned {
  wallet: string
  to: string
  key: string
}

const sendOf = (c: DaemonClient, p: Planned) => c.call('tx.send', { wallet: p.wallet, network: networkOf(p.wallet), to: p.to, amount: AMOUNT, idempotencyKey: p.key }, auth)
const freshRecipient = (wallet: string): string => (wallet === SOL_WALLET ? Keypair.generate().publicKey.toBase58() : EthersWallet.createRandom().address)
/** What a recipient holds, in the chain's smallest unit. */
const received = async (p: Planned): Promise<bigint> => (p.wallet === SOL_WALLET ? BigInt(await conn.getBalance(new PublicKey(p.to))) : provider.getBalance(p.to))
const sent = (p: Planned): bigint => (p.wallet === SOL_WALLET ? BigInt(Number(AMOUNT) * LAMPORTS_PER_SOL) : parseEther(AMOUNT))

describe('crash soak', () => {
  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}: killed mid-flight, every send happens exactly once after the restart`, async () => {
      onTestFailed(() => console.error(`--- daemon output ---\n${daemon?.output().slice(-10_000) ?? ''}`))
      const planned: Planned[] = WALLETS.flatMap((wallet) =>
        Array.from({ length: SENDS_PER_WALLET }, (_, i) => ({ wallet, to: freshRecipient(wallet), key: `soak-${round}-${wallet}-${i}` })),
      )
      const c = daemon?.client
      if (c === undefined) throw new Error('no daemon')
      // Each wallet sends its requests one after another (so they reach the node in nonce order); wallets in parallel.
      const inFlight = WALLETS.map(async (wallet) => {
        for (const p of planned.filter((x) => x.wallet === wallet)) await sendOf(c, p).catch(() => undefined)
      })
      const killAfter = Math.floor(random() * 250)
      await new Promise((resolve) => setTimeout(resolve, killAfter))
      const killed = daemon as DaemonProcess
      killed.child.kill('SIGKILL')
      expect(await exitWithin(killed, 15_000)).toEqual({ code: null, signal: 'SIGKILL' })
      await Promise.all(inFlight)
      killed.client.close()

      const again = await start()
      // What the kill left: requests in every stage from recorded to confirmed, or none yet.
      const { requests } = await again.call('tx.list', { limit: 1000 })
      for (const r of requests.filter((x) => planned.some((p) => x.idempotencyKey === p.key))) leftAtKill.add(r.state)
      const ids: string[] = []
      for (const wallet of WALLETS) for (const p of planned.filter((x) => x.wallet === wallet)) ids.push((await sendOf(again, p)).id)
      expect(new Set(ids).size).toBe(planned.length)
      for (const [i, id] of ids.entries()) {
        const done = await again.call('tx.wait', { id, timeoutMs: 30_000 })
        expect(done.state, `${planned[i]?.key} (killed after ${killAfter} ms) ended ${done.state} ${JSON.stringify(done.error)}`).toBe('confirmed')
      }
      for (const p of planned) expect(await received(p), `${p.key} paid once`).toBe(sent(p))
      for (const wallet of WALLETS) confirmed.set(wallet, (confirmed.get(wallet) ?? 0) + SENDS_PER_WALLET)
      for (const [wallet, address] of addresses) {
        expect(await provider.getTransactionCount(address, 'latest'), `${wallet} nonce`).toBe(confirmed.get(wallet))
        expect(await provider.getTransactionCount(address, 'pending'), `${wallet} has nothing extra in flight`).toBe(confirmed.get(wallet))
      }
      for (const state of TX_STATES.filter((s) => !FINAL.has(s))) expect((await again.call('tx.list', { state, limit: 1000 })).requests, `left ${state}`).toEqual([])
      expect(await again.call('audit.verify', {})).toMatchObject({ valid: true })
    }, 120_000)
  }

  it('struck while requests were in flight, not only between them', () => {
    expect([...leftAtKill].filter((state) => !FINAL.has(state)).length, [...leftAtKill].join(', ')).toBeGreaterThan(0)
  })

  it('counted every send exactly once against the daily limit', async () => {
    const c = daemon?.client
    if (c === undefined) throw new Error('no daemon')
    for (const wallet of WALLETS) {
      const to = freshRecipient(wallet)
      expect((await c.call('policy.test', { wallet, network: networkOf(wallet), to, amount: '0.004' })).tier, `${wallet}: counted more than once`).toBe('INSTANT')
      const over = await c.call('policy.test', { wallet, network: networkOf(wallet), to, amount: '0.006' })
      expect(over.tier, `${wallet}: a send was not counted`).toBe('APPROVAL')
      expect(over.decisive.rule?.field).toBe('daily_limit')
    }
  })
})

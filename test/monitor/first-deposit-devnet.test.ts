/**
 * The playground's first steps (`devnet start`, `wallet create`, `devnet fund` at once, as `quickset --local` does):
 * every funding transaction is reported exactly once, on both local chains. The monitor's interval is an hour, so
 * scans happen only when poked: the first scan comes after the funding, and a new devnet run (a new chain, whose old
 * cursors are dropped) must not drop the starts of the wallets created on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVM_LOCAL_ID, SOLANA_LOCAL_ID } from '../../src/lib/networks.js'
import { waitFor } from '../helpers/e2e.js'
import { auth, monitoredDaemon, scanStatus, transfers, type MonitoredDaemon } from '../helpers/monitor.js'

let m: MonitoredDaemon

const scans = async (network: string): Promise<number> => (await scanStatus(m.client, network))?.scans ?? 0
/** At least one whole scan of each local network that started after this call. */
async function scanLocal(): Promise<void> {
  for (const network of [EVM_LOCAL_ID, SOLANA_LOCAL_ID]) {
    for (let i = 0; i < 2; i++) {
      const before = await scans(network)
      m.daemon.ctx.monitor.poke()
      // A timeout says how the monitor's scans of the network went (its last error), not only that none came.
      await waitFor(`a scan of ${network}`, async () => (await scans(network)) > before, 20_000).catch(async (err: Error) => {
        throw new Error(`${err.message}; monitor status: ${JSON.stringify(await scanStatus(m.client, network))}`)
      })
    }
  }
}
/** Funds `wallet` from the devnet; the funding transactions (the native top-up of anvil is a balance edit, no tx). */
const fund = async (wallet: string, tokenAmount = '5'): Promise<string[]> =>
  (await m.client.call('devnet.fund', { wallet, amount: '1', tokenAmount }, auth)).funded.flatMap((f) => (f.tx === null ? [] : [f.tx]))
const seen = async (wallet: string): Promise<string[]> => (await transfers(m.client, { wallet })).map((t) => t.tx)

beforeAll(async () => {
  m = await monitoredDaemon({ monitorIntervalMs: 3_600_000 })
})

afterAll(async () => {
  await m?.client.call('devnet.stop', {}, auth).catch(() => undefined)
  await m?.close()
})

describe('first deposits on the devnet', () => {
  it('wallets created and funded at once after devnet start: each funding transaction reported once', async () => {
    await m.client.call('devnet.start', {}, auth)
    await m.client.call('wallet.create', { chain: 'evm', name: 'pe' }, auth)
    await m.client.call('wallet.create', { chain: 'solana', name: 'ps' }, auth)
    const e = await fund('pe')
    const s = await fund('ps')
    expect(e).toHaveLength(1) // the test token transfer
    expect(s).toHaveLength(2) // the SOL airdrop and the token mint
    await scanLocal()
    await scanLocal()
    expect(await seen('pe')).toEqual(e)
    expect((await seen('ps')).sort()).toEqual([...s].sort())
  })

  it("the operator unwatching a devnet network while the devnet runs keeps its scans where they were", async () => {
    await m.client.call('incoming.watch', { network: 'evm-local' }, auth)
    await scanLocal()
    const before = await seen('pe')
    const paid = await fund('pe') // not scanned yet
    expect(await m.client.call('incoming.unwatch', { network: 'evm-local' }, auth)).toMatchObject({ watched: true, changed: true })
    await scanLocal()
    expect(await seen('pe')).toEqual([...before, ...paid])
  })

  it('a new devnet run (a new chain): existing and new wallets, funded at once, are reported once', async () => {
    const earlier = { pe: await seen('pe'), ps: await seen('ps') }
    await m.client.call('devnet.stop', {}, auth)
    await m.client.call('devnet.start', {}, auth)
    await m.client.call('wallet.create', { chain: 'evm', name: 'pe2' }, auth)
    // Another amount: the same transfer from the devnet's account with the same nonce as in the first run would be
    // that run's transaction, hash and all.
    const fresh = await fund('pe2')
    const old = await fund('pe', '7')
    const sol = await fund('ps')
    await scanLocal()
    await scanLocal()
    expect(await seen('pe')).toEqual([...earlier.pe, ...old])
    expect(await seen('pe2')).toEqual(fresh)
    expect((await seen('ps')).slice(earlier.ps.length).sort()).toEqual([...sol].sort())
  })
})

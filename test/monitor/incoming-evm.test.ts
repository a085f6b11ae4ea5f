/**
 * Incoming transfers on a local EVM chain: native ETH and tokens (one the daemon has never seen) sent from outside are
 * each reported exactly once, also across a daemon restart and an RPC outage; a transfer in a block that is not yet
 * confirmed is not reported until it is; low-balance alerts are raised once per crossing. A webhook hears of each
 * transfer and each crossing exactly once, restart and outage included.
 *
 * This file runs its own anvil (the same code as the global setup): the confirmation test needs to know that no
 * other test mines a block at the wrong moment, and the outsider's nonces are then this file's alone.
 */
import { Contract, JsonRpcProvider, Wallet as EthersWallet, parseEther } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startAnvil, type AnvilHandle } from '../../src/devnet/anvil.js'
import { EVM_LOCAL_ID } from '../../src/lib/networks.js'
import { restRoutes } from '../../src/daemon/plugins/rest.js'
import { mcpTools } from '../../src/mcp/tools.js'
import { waitFor } from '../helpers/e2e.js'
import { auditOf, auth, monitoredDaemon, scanStatus, settle, transfers, waitForTransfers, type MonitoredDaemon } from '../helpers/monitor.js'
import { compile, deploy, mined } from '../helpers/solc.js'
import { startReceiver, until, type Receiver } from '../notify/receiver.js'

/** anvil's first dev account (the public "test test … junk" mnemonic): the outsider who sends to our wallets. */
const OUTSIDER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const NET = EVM_LOCAL_ID

let anvil: AnvilHandle
let provider: JsonRpcProvider
let outsider: EthersWallet
let m: MonitoredDaemon
let a: string
let b: string
let token: Contract
let tokenAddress: string
let hook: Receiver

const sendEth = async (to: string, eth: string): Promise<{ hash: string; block: number }> => {
  const tx = await outsider.sendTransaction({ to, value: parseEther(eth) })
  const r = await mined(provider, tx.hash)
  return { hash: tx.hash, block: r.blockNumber }
}
const sendToken = async (to: string, units: bigint): Promise<{ hash: string; block: number }> => {
  const tx = (await token.getFunction('transfer')(to, units)) as { hash: string }
  const r = await mined(provider, tx.hash)
  return { hash: tx.hash, block: r.blockNumber }
}
const key = (t: { tx: string; asset: string; walletId: string }): string => `${t.tx}|${t.asset}|${t.walletId}`

beforeAll(async () => {
  anvil = await startAnvil()
  provider = new JsonRpcProvider(anvil.url, anvil.chainId, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  outsider = new EthersWallet(OUTSIDER_KEY, provider)
  m = await monitoredDaemon({ notifyIntervalMs: 50 })
  await m.client.call('network.set', { network: 'evm-local', rpcUrl: anvil.url }, auth)
  hook = await startReceiver()
  await m.client.call('notify.add', { kind: 'webhook', url: `${hook.url}/owner`, secret: 'incoming-evm-secret-0123456789', events: ['incoming', 'balance.low'] }, auth)
  a = (await m.client.call('wallet.create', { chain: 'evm', name: 'a' }, auth)).address
  b = (await m.client.call('wallet.create', { chain: 'evm', name: 'b' }, auth)).address
  // A token nobody registered with the daemon: deployed here, never named to it.
  tokenAddress = await deploy(outsider, 'TestToken.sol', 'TestToken', [10n ** 18n])
  token = new Contract(tokenAddress, compile('TestToken.sol', 'TestToken').abi, outsider)
})

afterAll(async () => {
  await hook?.close()
  await m?.close()
  provider?.destroy()
  await anvil?.stop()
})

describe('incoming transfers on EVM', () => {
  it('nothing is watched until the operator asks (no public network, no local one without the devnet)', async () => {
    const s = await m.client.call('incoming.status', {})
    expect(s.watching).toEqual([])
    expect(s.intervalMs).toBe(100)
    const w = await m.client.call('incoming.watch', { network: 'evm-local' }, auth)
    expect(w).toMatchObject({ network: NET, watched: true, changed: true })
    expect((await m.client.call('incoming.watch', { network: NET }, auth)).changed).toBe(false)
    // The wallets start at the confirmed head once the monitor has seen them.
    await settle(m.client, NET)
    const st = await scanStatus(m.client, NET)
    expect(st).toMatchObject({ source: 'operator', lastError: null })
    expect(st?.scannedThrough).toBe(await provider.getBlockNumber())
    expect((await auditOf(m.client, 'incoming.watch')).map((e) => e.target)).toEqual([NET])
  })

  it('reports native and token transfers from outside exactly once, including a token it has never seen', async () => {
    const n1 = await sendEth(a, '1.5')
    const n2 = await sendEth(b, '0.25')
    const t1 = await sendToken(a, 12_345_678n)
    const t2 = await sendToken(b, 1_000_000n)
    // Ignored: a zero-value token transfer (address-poisoning spam).
    await sendToken(a, 0n)
    const got = await waitForTransfers(m.client, 4)
    await settle(m.client, NET, 3)
    const all = await transfers(m.client)
    expect(all).toHaveLength(4)
    expect(new Set(all.map(key)).size).toBe(4)
    const byTx = new Map(all.map((t) => [t.tx, t]))
    expect(byTx.get(n1.hash)).toMatchObject({ walletName: 'a', network: NET, asset: 'native', symbol: 'ETH', decimals: 18, amount: '1.5', raw: '1500000000000000000', from: outsider.address, block: n1.block })
    expect(byTx.get(n2.hash)).toMatchObject({ walletName: 'b', asset: 'native', amount: '0.25', from: outsider.address, block: n2.block })
    expect(byTx.get(t1.hash)).toMatchObject({ walletName: 'a', asset: tokenAddress, symbol: 'TUSD', decimals: 6, amount: '12.345678', raw: '12345678', from: outsider.address, block: t1.block })
    expect(byTx.get(t2.hash)).toMatchObject({ walletName: 'b', asset: tokenAddress, amount: '1', block: t2.block })
    expect(got.every((t) => t.blockTime !== null)).toBe(true)
    // One audit entry per transfer: the event notifications are made from.
    const events = await auditOf(m.client, 'incoming.transfer')
    expect(events).toHaveLength(4)
    expect(events.find((e) => e.details.tx === t1.hash)).toMatchObject({ actor: 'daemon', target: byTx.get(t1.hash)?.walletId, details: { network: NET, asset: tokenAddress, amount: '12345678', from: outsider.address } })
    // Filters: wallet, network, since.
    expect((await transfers(m.client, { wallet: 'b' })).map((t) => t.tx).sort()).toEqual([n2.hash, t2.hash].sort())
    expect(await transfers(m.client, { network: 'solana-local' })).toEqual([])
    expect((await m.client.call('incoming.list', { since: new Date(Date.now() + 60_000).toISOString() })).transfers).toEqual([])
    expect((await m.client.call('incoming.list', { since: '2000-01-01T00:00:00Z' })).transfers).toHaveLength(4)
  })

  it('a payment between two of our wallets is incoming for the payee only', async () => {
    // b pays a through the daemon's own pipeline: incoming for a (from b); nothing is reported for b.
    await m.client.call('policy.add', { wallet: 'b', type: 'SPENDING_LIMIT', rules: { instant_max: '1' } }, auth)
    await provider.send('anvil_setBalance', [b, '0xde0b6b3a7640000']) // 1 ETH for the fee
    const r = await m.client.call('tx.send', { wallet: 'b', network: NET, to: a, amount: '0.01' }, auth)
    expect((await m.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    const all = await waitForTransfers(m.client, 5)
    await settle(m.client, NET, 3)
    expect(await transfers(m.client)).toHaveLength(5)
    expect(all.at(-1)).toMatchObject({ walletName: 'a', amount: '0.01', from: b })
  })

  it('transfers sent while the daemon is down are reported after it starts again, and none twice', async () => {
    const before = (await transfers(m.client)).length
    await m.stop()
    const n = await sendEth(a, '0.1')
    const t = await sendToken(b, 2_000_000n)
    await m.start()
    const all = await waitForTransfers(m.client, before + 2)
    await settle(m.client, NET, 3)
    const again = await transfers(m.client)
    expect(again).toHaveLength(before + 2)
    expect(new Set(again.map(key)).size).toBe(before + 2)
    expect(all.filter((x) => x.tx === n.hash)).toMatchObject([{ walletName: 'a', amount: '0.1' }])
    expect(all.filter((x) => x.tx === t.hash)).toMatchObject([{ walletName: 'b', amount: '2', asset: tokenAddress }])
    expect(await auditOf(m.client, 'incoming.transfer')).toHaveLength(before + 2)
  })

  it('transfers sent while the RPC is unreachable are reported once it is back; the RPC URL is never logged', async () => {
    const before = (await transfers(m.client)).length
    const dead = `http://user:s3cretpass@127.0.0.1:${await freePort()}/v3/APIKEY0123456789`
    await m.client.call('network.set', { network: NET, rpcUrl: dead }, auth)
    await waitFor('the scan to fail', async () => (await scanStatus(m.client, NET))?.lastError?.code === 'CHAIN_RPC_UNREACHABLE')
    const n = await sendEth(b, '0.2')
    const t = await sendToken(a, 3_000_000n)
    // Down for a while: several failed attempts after the transfers were made.
    const firstFail = (await scanStatus(m.client, NET))?.lastError?.at ?? ''
    await waitFor('more failed scans', async () => ((await scanStatus(m.client, NET))?.lastError?.at ?? '') > firstFail)
    expect((await transfers(m.client)).length).toBe(before)
    await m.client.call('network.set', { network: NET, rpcUrl: anvil.url }, auth)
    const all = await waitForTransfers(m.client, before + 2)
    await settle(m.client, NET, 3)
    expect(await transfers(m.client)).toHaveLength(before + 2)
    expect(all.filter((x) => x.tx === n.hash)).toMatchObject([{ walletName: 'b', amount: '0.2' }])
    expect(all.filter((x) => x.tx === t.hash)).toMatchObject([{ walletName: 'a', amount: '3' }])
    expect((await scanStatus(m.client, NET))?.lastError).toBeNull()
    const log = m.log()
    expect(log).toContain('incoming scan failed')
    expect(log).not.toContain('s3cretpass')
    expect(log).not.toContain('APIKEY0123456789')
  })

  it('with 2 confirmations a transfer in the newest block is reported only once the next block exists', async () => {
    await m.client.call('network.set', { network: NET, confirmations: 2 }, auth)
    await settle(m.client, NET)
    const before = (await transfers(m.client)).length
    const n = await sendEth(a, '0.3')
    expect(await provider.getBlockNumber()).toBe(n.block)
    await waitFor('the scan to reach the block before it', async () => (await scanStatus(m.client, NET))?.scannedThrough === n.block - 1)
    await settle(m.client, NET, 3)
    expect((await scanStatus(m.client, NET))?.scannedThrough).toBe(n.block - 1)
    expect((await transfers(m.client)).length).toBe(before)
    await provider.send('evm_mine', [])
    const all = await waitForTransfers(m.client, before + 1)
    expect(all.filter((x) => x.tx === n.hash)).toMatchObject([{ walletName: 'a', amount: '0.3', block: n.block }])
    await m.client.call('network.set', { network: NET, confirmations: null }, auth)
  })

  it('raises one low-balance alert per crossing below the threshold', async () => {
    const set = await m.client.call('incoming.setLowBalance', { wallet: 'a', network: 'evm-local', threshold: '1' }, auth)
    expect(set).toMatchObject({ walletName: 'a', network: NET, symbol: 'ETH', threshold: '1', watched: true })
    const entry = async () => (await m.client.call('incoming.status', {})).lowBalance.find((l) => l.walletName === 'a')
    await waitFor('a balance check', async () => (await entry())?.checkedAt !== null)
    expect(await entry()).toMatchObject({ low: false, threshold: '1' })
    expect(await auditOf(m.client, 'balance.low')).toHaveLength(0)

    await provider.send('anvil_setBalance', [a, '0x6f05b59d3b20000']) // 0.5 ETH
    await waitFor('a low-balance alert', async () => (await auditOf(m.client, 'balance.low')).length === 1)
    await settle(m.client, NET, 3)
    const alerts = await auditOf(m.client, 'balance.low')
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ actor: 'daemon', target: set.walletId, details: { network: NET, balance: '500000000000000000', threshold: '1000000000000000000' } })
    expect(await entry()).toMatchObject({ low: true, balance: '0.5' })

    // Back above re-arms; the next crossing raises a second alert.
    await provider.send('anvil_setBalance', [a, '0x1bc16d674ec80000']) // 2 ETH
    await waitFor('the alert to re-arm', async () => (await entry())?.low === false)
    await provider.send('anvil_setBalance', [a, '0x16345785d8a0000']) // 0.1 ETH
    await waitFor('a second alert', async () => (await auditOf(m.client, 'balance.low')).length === 2)
    await settle(m.client, NET, 2)
    expect(await auditOf(m.client, 'balance.low')).toHaveLength(2)

    await m.client.call('incoming.setLowBalance', { wallet: 'a', network: NET, threshold: null }, auth)
    expect((await m.client.call('incoming.status', {})).lowBalance).toEqual([])
  })

  it('agents see their own wallets only; the list is an MCP tool and a REST route', async () => {
    const { token: bearer } = await m.client.call('session.create', { wallets: ['b'], permissions: ['read'] }, auth)
    const seen = await m.client.call('incoming.list', {}, { token: bearer })
    expect(seen.transfers.length).toBeGreaterThan(0)
    expect(seen.transfers.every((t) => t.walletName === 'b')).toBe(true)
    const denied = await m.client.call('incoming.list', { wallet: 'a' }, { token: bearer }).catch((e: { code: string }) => e.code)
    expect(denied).toBe('SESSION_SCOPE')
    expect(mcpTools().get('incoming_list')?.method).toBe('incoming.list')
    expect(restRoutes().find((r) => r.method === 'incoming.list')).toMatchObject({ verb: 'POST', path: '/v1/incoming/list' })
  })

  it('unwatching stops the scans and drops the cursors', async () => {
    const u = await m.client.call('incoming.unwatch', { network: 'evm-local' }, auth)
    expect(u).toMatchObject({ network: NET, watched: false, changed: true })
    expect((await m.client.call('incoming.status', {})).watching).toEqual([])
    const before = (await transfers(m.client)).length
    await sendEth(a, '0.4')
    // Watching again starts at the head: what happened while unwatched is not reported.
    await m.client.call('incoming.watch', { network: NET }, auth)
    await settle(m.client, NET, 3)
    expect((await transfers(m.client)).length).toBe(before)
    const n = await sendEth(a, '0.5')
    const all = await waitForTransfers(m.client, before + 1)
    expect(all.at(-1)).toMatchObject({ tx: n.hash, amount: '0.5' })
  })

  it('the owner heard of every transfer and every low-balance crossing exactly once, on the webhook', async () => {
    const all = await transfers(m.client)
    const crossings = (await auditOf(m.client, 'balance.low')).length
    expect(crossings).toBe(2)
    type Body = { id: string; event: string; data: { tx?: string; asset?: string; walletId?: string; amount?: string; wallet?: string } }
    const bodies = (): Body[] => hook.requests.map((r) => JSON.parse(r.body) as Body)
    await until('every transfer and crossing delivered', () => bodies().filter((b) => b.event === 'incoming').length >= all.length && bodies().filter((b) => b.event === 'balance.low').length >= crossings, 20_000)
    const incoming = bodies().filter((b) => b.event === 'incoming')
    // Delivered at least once per event id, and here exactly once: no duplicate across the restart and the outage.
    expect(new Set(hook.requests.map((r) => (JSON.parse(r.body) as Body).id)).size).toBe(hook.requests.length)
    expect(incoming.map((b) => `${b.data.tx}|${b.data.asset}|${b.data.walletId}`).sort()).toEqual(all.map(key).sort())
    const first = incoming.find((b) => b.data.tx === all[0]?.tx)
    expect(first?.data).toMatchObject({ wallet: all[0]?.walletName, amount: expect.any(String) })
    expect(bodies().filter((b) => b.event === 'balance.low')).toHaveLength(crossings)
    expect(bodies().every((b) => b.event === 'incoming' || b.event === 'balance.low')).toBe(true)
  })
})

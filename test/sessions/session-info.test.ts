/**
 * session.info and incoming.summary through the daemon's real socket (and over MCP, through the SDK's own client and
 * the tools derived from the contract) on the local EVM chain: what is left of a session's limits drops by exactly
 * what a mined send counted (value plus the fee it paid) and comes back when the window passes it (a test clock, not
 * a sleep); a session never sees another session's wallets; incoming transfers from outside and from our own wallet
 * are summed per wallet and asset over a period.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { JsonRpcProvider, parseEther, formatEther, Wallet as EthersWallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MethodName, Output } from '../../src/lib/contract/index.js'
import { EVM_LOCAL_ID } from '../../src/lib/networks.js'
import { createMcpServer } from '../../src/mcp/tools.js'
import { localChain } from '../helpers/chains.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { settle, waitForTransfers } from '../helpers/monitor.js'
import { testClock } from '../helpers/test-clock.js'
import { undescribed } from '../mcp/flows.js'

const clock = testClock()
const t = useDaemon({ env: { pipelineTickMs: 50, monitorIntervalMs: 100, testClockFile: clock.file } })
const op = { password: PASSWORD }
const HOUR = 3_600_000
/** anvil's first dev account (the public "test test … junk" mnemonic): someone outside who pays our wallets. */
const OUTSIDER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

type Info = Output<'session.info'>
let provider: JsonRpcProvider
let a: { id: string; address: string }
let b: { id: string; address: string }
let tokenA = ''
let tokenB = ''
let sessionA = ''
const paid: { tx: string; value: bigint }[] = []

const info = (token: string, params: { id?: string; network?: string } = {}): Promise<Info> => t.client.call('session.info', params, { token })
const evmLocal = (i: Info) => i.wallets[0]?.networks.find((n) => n.network === EVM_LOCAL_ID)

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  a = await t.client.call('wallet.create', { chain: 'evm', name: 'si-a' }, op)
  b = await t.client.call('wallet.create', { chain: 'evm', name: 'si-b' }, op)
  await provider.send('anvil_setBalance', [a.address, '0x56bc75e2d63100000'])
  await t.client.call('policy.add', { wallet: 'si-a', type: 'SPENDING_LIMIT', rules: { instant_max: '0.1', delay_max: '0.5', delay_seconds: 600, daily_limit: '2', weekly_limit: '5' } }, op)
  await t.client.call('policy.add', { wallet: 'si-a', type: 'RATE_LIMIT', rules: { max_requests: 10, per_seconds: 3600 } }, op)
  const sa = await t.client.call('session.create', { wallets: ['si-a'], ttlSeconds: '30d', permissions: ['read', 'send'] }, op)
  const sb = await t.client.call('session.create', { wallets: ['si-b'], ttlSeconds: '30d', permissions: ['read'] }, op)
  tokenA = sa.token
  tokenB = sb.token
  sessionA = sa.session.id
  // The monitor watches the local chain from its head on, before anything is paid.
  await t.client.call('incoming.watch', { network: 'evm-local' }, op)
  await settle(t.client, EVM_LOCAL_ID)
}, 60_000)

afterAll(() => provider?.destroy())

describe('session.info', () => {
  it('shows the tiers and the whole of each window before anything is spent', async () => {
    const i = await info(tokenA)
    expect(i.id).toBe(sessionA)
    expect(i.permissions).toEqual(['read', 'send'])
    expect(i.dailyCapUsd).toBeNull()
    expect(i.wallets.map((w) => [w.id, w.address])).toEqual([[a.id, a.address]])
    const net = evmLocal(i)
    expect(net).toMatchObject({ symbol: 'ETH', nothingMoves: false, pending: { count: 0, max: null } })
    const cap = net?.spending[0]
    expect(cap).toMatchObject({
      scope: 'wallet',
      unit: 'ETH',
      token: null,
      onExceed: 'APPROVAL',
      tiers: [
        { tier: 'INSTANT', upTo: '0.1', delaySeconds: null },
        { tier: 'DELAY', upTo: '0.5', delaySeconds: 600 },
        { tier: 'APPROVAL', upTo: null, delaySeconds: null },
      ],
      instantNow: '0.1',
      withoutApprovalNow: '0.5',
    })
    expect(cap?.windows).toEqual([
      { window: 'day', field: 'daily_limit', limit: '2', used: '0', remaining: '2', nextReleaseAt: null, clearAt: null },
      { window: 'week', field: 'weekly_limit', limit: '5', used: '0', remaining: '5', nextReleaseAt: null, clearAt: null },
    ])
    expect(net?.rate).toMatchObject([{ max: 10, perSeconds: 3600, used: 0, remaining: 10, then: 'DENY' }])
    expect(i.text.join('\n')).toContain('up to 0.1 ETH: INSTANT')
  })

  it('after a mined send, each window has exactly its value plus the fee it paid less left', async () => {
    const before = evmLocal(await info(tokenA))!.spending[0]!
    const t0 = clock.now()
    const value = parseEther('0.05')
    const r = await t.client.call('tx.send', { wallet: 'si-a', network: 'evm-local', to: b.address, amount: '0.05' }, { token: tokenA })
    const done = await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 }, { token: tokenA })
    expect(done.state).toBe('confirmed')
    paid.push({ tx: done.txHash!, value })
    const receipt = (await provider.getTransactionReceipt(done.txHash!))!
    const counted = value + receipt.gasUsed * receipt.gasPrice
    const after = evmLocal(await info(tokenA))!
    const cap = after.spending[0]!
    for (const [i, w] of cap.windows.entries()) {
      const was = before.windows[i]!
      expect(parseEther(w.used) - parseEther(was.used)).toBe(counted)
      expect(parseEther(was.remaining) - parseEther(w.remaining)).toBe(counted)
      // The spend's hour leaves a window of H hours at the start of hour + H + 1.
      const hours = w.window === 'day' ? 24 : 168
      const release = Date.parse(w.nextReleaseAt!)
      expect(release).toBeGreaterThanOrEqual((Math.floor(t0 / HOUR) + hours + 1) * HOUR)
      expect(release).toBeLessThanOrEqual((Math.floor(clock.now() / HOUR) + hours + 1) * HOUR)
      expect(w.clearAt).toBe(w.nextReleaseAt)
    }
    expect(cap.withoutApprovalNow).toBe('0.5')
    expect(after.rate[0]).toMatchObject({ used: 1, remaining: 9 })
    expect(cap.text).toContain(`${formatEther(parseEther('2') - counted)} left`)
  })

  it('a second session sees only its own wallet, and cannot read the first one', async () => {
    const i = await info(tokenB)
    expect(i.wallets.map((w) => w.id)).toEqual([b.id])
    const json = JSON.stringify(i)
    expect(json).not.toContain(a.id)
    expect(json.toLowerCase()).not.toContain(a.address.toLowerCase())
    // No policy applies to si-b: nothing may move there, and it says so.
    expect(evmLocal(i)).toMatchObject({ nothingMoves: true, spending: [] })
    const e = await catchAsync(info(tokenB, { id: sessionA }))
    expect(e.code).toBe('SESSION_SCOPE')
    expect(e.details).toEqual({ id: sessionA })
    // The operator names a session to see what its agent sees; without one there is nothing to describe.
    expect((await t.client.call('session.info', { id: sessionA }, op)).wallets.map((w) => w.id)).toEqual([a.id])
    expect((await catchAsync(t.client.call('session.info', {}, op))).details).toEqual({ field: 'id' })
    expect((await catchAsync(t.client.call('session.info', { id: 'nope' }, op))).code).toBe('SESSION_NOT_FOUND')
  })

  it('over MCP: session_info and incoming_summary are tools with every argument described, answering for the session', async () => {
    const [ct, st] = InMemoryTransport.createLinkedPair()
    const server = createMcpServer((m: MethodName, p: unknown) => t.client.call(m, p as never, { token: tokenB }), { name: 'waiaas', version: 'test' })
    const client = new Client({ name: 'session-info-test', version: '1.0.0' })
    await Promise.all([server.connect(st), client.connect(ct)])
    try {
      const { tools } = await client.listTools()
      for (const name of ['session_info', 'incoming_summary']) {
        const tool = tools.find((x) => x.name === name)
        expect(tool?.annotations?.readOnlyHint, name).toBe(true)
        expect(Object.keys(tool?.inputSchema.properties ?? {}).length, name).toBeGreaterThan(0)
        expect(undescribed(tool?.inputSchema as never), name).toEqual([])
      }
      const r = (await client.callTool({ name: 'session_info', arguments: { network: 'evm-local' } })) as CallToolResult
      expect(r.isError).toBeFalsy()
      expect((r.structuredContent as Info).wallets.map((w) => w.id)).toEqual([b.id])
    } finally {
      await client.close()
    }
  })
})

describe('incoming.summary', () => {
  it('sums incoming transfers per wallet and asset: count, total, largest, latest; a session sees its own wallets', async () => {
    const outsider = new EthersWallet(OUTSIDER_KEY, provider)
    for (const eth of ['1.5', '0.25']) {
      const tx = await outsider.sendTransaction({ to: b.address, value: parseEther(eth) })
      await tx.wait()
      paid.push({ tx: tx.hash, value: parseEther(eth) })
    }
    const seen = await waitForTransfers(t.client, 3, { wallet: 'si-b' })
    expect(seen.map((x) => x.tx).sort()).toEqual(paid.map((p) => p.tx).sort())
    const s = await t.client.call('incoming.summary', {}, { token: tokenB })
    expect(s.count).toBe(3)
    expect(s.wallets).toHaveLength(1)
    expect(s.wallets[0]).toMatchObject({ walletId: b.id, walletName: 'si-b' })
    const latest = seen.at(-1)!
    expect(s.wallets[0]!.assets).toEqual([
      {
        network: EVM_LOCAL_ID,
        asset: 'native',
        symbol: 'ETH',
        decimals: 18,
        count: 3,
        total: '1.8',
        totalRaw: parseEther('1.8').toString(),
        largest: { amount: '1.5', raw: parseEther('1.5').toString(), from: outsider.address, tx: paid[1]!.tx, detectedAt: seen.find((x) => x.tx === paid[1]!.tx)!.detectedAt },
        latest: { amount: latest.amount, raw: latest.raw, from: latest.from, tx: latest.tx, detectedAt: latest.detectedAt },
      },
    ])
    // The paying session's wallet received nothing; it cannot ask for the other wallet.
    expect(await t.client.call('incoming.summary', {}, { token: tokenA })).toMatchObject({ count: 0, wallets: [] })
    expect((await catchAsync(t.client.call('incoming.summary', { wallet: 'si-b' }, { token: tokenA }))).code).toBe('SESSION_SCOPE')
    // The operator sees every wallet; a network filter that matches nothing sums nothing.
    expect((await t.client.call('incoming.summary', { network: 'solana-local' }, op)).count).toBe(0)
  })

  it('covers the period asked for: a duration back from now, or an ISO time; anything else is refused by field', async () => {
    clock.advance(2 * HOUR)
    expect((await t.client.call('incoming.summary', { since: '1h' }, { token: tokenB })).count).toBe(0)
    const s = await t.client.call('incoming.summary', { since: '3h' }, { token: tokenB })
    expect(s.count).toBe(3)
    expect(Date.parse(s.until) - Date.parse(s.since)).toBe(3 * HOUR)
    expect((await t.client.call('incoming.summary', { since: new Date(clock.now() - 3 * HOUR).toISOString() }, op)).count).toBe(3)
    for (const since of ['yesterday', '2026-13-45T00:00:00Z', '400d']) {
      const e = await catchAsync(t.client.call('incoming.summary', { since }, { token: tokenB }))
      expect(e.code, since).toBe('INPUT_INVALID')
      expect(e.details.field, since).toBe('since')
    }
  })

  it('session.info: when the window passes the spend, the whole limit is left again', async () => {
    clock.advance(24 * HOUR)
    const cap = evmLocal(await info(tokenA))!.spending[0]!
    expect(cap.windows[0]).toMatchObject({ window: 'day', used: '0', remaining: '2', nextReleaseAt: null })
    expect(cap.windows[1]!.used).not.toBe('0')
    expect(cap.instantNow).toBe('0.1')
  })

  it("session.info: a session's own daily USD cap counts only that session's requests, and an unpriced one as unpriced", async () => {
    const c = await t.client.call('session.create', { wallets: ['si-a'], ttlSeconds: '30d', limitUsdPerDay: '25', permissions: ['read', 'send'] }, op)
    expect((await info(c.token)).dailyCapUsd).toEqual({ limit: '25', used: '0', remaining: '25', unpriced: 0, nextReleaseAt: null, clearAt: null })
    // The local chain's ETH has no USD price: under a USD cap the send waits for approval, counted as unpriced.
    const r = await t.client.call('tx.send', { wallet: 'si-a', network: 'evm-local', to: b.address, amount: '0.01' }, { token: c.token })
    expect(r.tier).toBe('APPROVAL')
    expect((await info(c.token)).dailyCapUsd).toMatchObject({ used: '0', remaining: '25', unpriced: 1 })
    expect((await info(tokenA)).dailyCapUsd).toBeNull()
    await t.client.call('tx.reject', { id: r.id }, op)
  })
})

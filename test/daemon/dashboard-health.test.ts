/**
 * What the admin dashboard shows of the daemon's health, read over REST as the UI reads it: version and lock state
 * (system.status), the kill switch (killswitch.status), whether each configured network answers (network.status:
 * a reachable local chain, an endpoint that refuses, credentials in its URL never shown) and the incoming monitor's
 * lag (incoming.status), which grows with the daemon's test clock while no scan runs.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Output } from '../../src/lib/contract/index.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { http } from '../helpers/http.js'
import { localChain } from '../helpers/chains.js'
import { testClock } from '../helpers/test-clock.js'

const clock = testClock()
// One scan when a network starts being watched, then none for an hour of real time: the lag moves with the test clock only.
const t = useDaemon({ env: { monitorIntervalMs: 3_600_000, testClockFile: clock.file } })
const op = { password: PASSWORD }
let base = ''

const get = async <T>(path: string): Promise<T> => {
  const r = await http(base, path, { password: PASSWORD })
  expect(r.status, path).toBe(200)
  return r.json.data as T
}

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  // Nothing listens on port 1 of loopback: refused at once.
  await t.client.call('network.set', { network: 'solana-local', rpcUrl: 'http://dash:hunter2secret@127.0.0.1:1/' }, op)
  await t.client.call('wallet.create', { chain: 'evm', name: 'watched' }, op)
  base = ((await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)).listening ?? '').replace(/\/v1$/, '')
})

describe('dashboard health over REST', () => {
  it('gives the version, the lock state and the kill switch', async () => {
    const status = await get<Output<'system.status'>>('/v1/system/status')
    expect(status.version).toBe(t.daemon.ctx.version)
    expect(status.locked).toBe(false)
    expect((await get<Output<'killswitch.status'>>('/v1/killswitch/status')).on).toBe(false)
    await t.client.call('killswitch.on', { reason: 'drill' })
    expect((await get<Output<'killswitch.status'>>('/v1/killswitch/status')).on).toBe(true)
    await t.client.call('killswitch.off', {}, op)
  })

  it('says which configured network answers, how fast and how old its latest block is, without the RPC URL', async () => {
    const r = await http(base, '/v1/network/status', { password: PASSWORD })
    const { networks } = r.json.data as Output<'network.status'>
    expect(networks.map((n) => n.network).sort()).toEqual(['eip155:31337', 'solana:waiaaslocal000000000000000'])
    const evm = networks.find((n) => n.network === 'eip155:31337')
    expect(evm).toMatchObject({ name: 'evm-local', reachable: true, error: null })
    expect(evm?.latencyMs).toBeGreaterThanOrEqual(0)
    expect(evm?.latencyMs).toBeLessThan(3000)
    expect(Math.abs(evm?.blockAgeSeconds ?? Infinity)).toBeLessThan(24 * 3600)
    const sol = networks.find((n) => n.network !== 'eip155:31337')
    expect(sol).toMatchObject({ name: 'solana-local', reachable: false, latencyMs: null, blockAgeSeconds: null })
    expect(sol?.error?.code).toMatch(/^CHAIN_/)
    expect(r.text).not.toContain('hunter2secret')
    expect(r.text).not.toContain(localChain().evmRpcUrl)
    // An agent session may not probe the operator's endpoints.
    const { token } = await t.client.call('session.create', { wallets: ['watched'] }, op)
    expect((await http(base, '/v1/network/status', { token })).status).toBe(403)
  })

  it("gives the incoming monitor's lag: null before a scan, then the age of the last scan on the daemon's clock", async () => {
    const before = await get<Output<'incoming.status'>>('/v1/incoming/status')
    expect(before.watching).toEqual([])
    expect(before.lagSeconds).toBeNull()
    await t.client.call('incoming.watch', { network: 'evm-local' }, op)
    let s = before
    for (let i = 0; i < 100 && !(s.watching[0]?.scans ?? 0); i++) {
      await new Promise((r) => setTimeout(r, 50))
      s = await get<Output<'incoming.status'>>('/v1/incoming/status')
    }
    expect(s.watching).toHaveLength(1)
    expect(s.watching[0]?.scans).toBe(1)
    expect(s.watching[0]?.lagSeconds).toBeLessThanOrEqual(2)
    expect(s.lagSeconds).toBe(s.watching[0]?.lagSeconds)
    clock.advance(90_000)
    const later = await get<Output<'incoming.status'>>('/v1/incoming/status')
    expect(later.watching[0]?.scans).toBe(1)
    expect(later.watching[0]?.lagSeconds).toBeGreaterThanOrEqual(90)
    expect(later.watching[0]?.lagSeconds).toBeLessThanOrEqual(93)
    expect(later.lagSeconds).toBe(later.watching[0]?.lagSeconds)
    expect(Date.parse(later.watching[0]?.lastScanAt ?? '')).toBe(Date.parse(s.watching[0]?.lastScanAt ?? ''))
  })
})

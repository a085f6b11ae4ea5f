/**
 * Real events from the pipeline on the local EVM chain, to a webhook on loopback: a denied send, the kill switch,
 * the notify, delay and approval tiers, approve, reject, expiry, submitted and confirmed, repeated password failures.
 * Each arrives exactly once under the right name. Across daemon restarts nothing is delivered twice and nothing is
 * lost, including events queued for a receiver that was down.
 */
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDaemon, type DaemonHandle } from '../../src/daemon/daemon.js'
import type { DaemonClient } from '../../src/cli/client.js'
import type { Env } from '../../src/lib/env.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { tempHome } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { startReceiver, until, type Received, type Receiver } from './receiver.js'
import { localChain } from '../helpers/chains.js'
import { testClock } from '../helpers/test-clock.js'

const SECRET = 'events-test-secret-0123456789'
const op = { password: PASSWORD }
const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
const fresh = (): string => EthersWallet.createRandom().address
const body = (q: Received): { id: string; event: string; at: string; data: Record<string, unknown> } => JSON.parse(q.body) as never

let hook: Receiver
// The delay, the approval TTL and the password throttle pass on the daemon's test clock, moved by the tests.
const clock = testClock()
const t = useDaemon({ env: { pipelineTickMs: 50, notifyIntervalMs: 50, approvalTtlSeconds: 3600, testClockFile: clock.file } })

beforeAll(async () => {
  hook = await startReceiver()
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  const w = await t.client.call('wallet.create', { chain: 'evm', name: 'ev' }, op)
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  const bare = await t.client.call('wallet.create', { chain: 'evm', name: 'nopolicy' }, op)
  await provider.send('anvil_setBalance', [bare.address, '0x56bc75e2d63100000'])
  await t.client.call('policy.add', { wallet: 'ev', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01', notify_max: '0.02', delay_max: '0.05', delay_seconds: 1 } }, op)
  await t.client.call('notify.add', { kind: 'webhook', url: `${hook.url}/events`, secret: SECRET }, op)
})
afterAll(() => hook?.close())

/** The deliveries about one request, by event name, in arrival order. */
const about = (requestId: string): string[] => hook.requests.map(body).filter((b) => b.data.requestId === requestId).map((b) => b.event)
const send = (wallet: string, amount: string) => t.client.call('tx.send', { wallet, network: 'evm-local', to: fresh(), amount }, op)

describe('events from the pipeline', () => {
  it('a denied send (no policy) → tx.denied with the reason', async () => {
    const e = await catchAsync(send('nopolicy', '0.001'))
    expect(e.code).toBe('POLICY_DENIED')
    const id = String(e.details.id)
    const got = await until('tx.denied', () => hook.requests.map(body).find((b) => b.event === 'tx.denied' && b.data.requestId === id))
    expect(got.data).toMatchObject({ tier: 'DENY', wallet: 'nopolicy', network: 'eip155:31337', amount: '0.001' })
    expect(typeof got.data.reason).toBe('string')
  })

  it('INSTANT → submitted, confirmed; NOTIFY → tx.notify first', async () => {
    const a = await send('ev', '0.005')
    await t.client.call('tx.wait', { id: a.id, timeoutMs: 20_000 })
    await until('confirmed', () => about(a.id).includes('tx.confirmed'))
    expect(about(a.id)).toEqual(['tx.submitted', 'tx.confirmed'])
    const b = await send('ev', '0.015')
    await t.client.call('tx.wait', { id: b.id, timeoutMs: 20_000 })
    await until('confirmed', () => about(b.id).includes('tx.confirmed'))
    expect(about(b.id)).toEqual(['tx.notify', 'tx.submitted', 'tx.confirmed'])
  })

  it('DELAY → tx.delayed with when it executes, then submitted and confirmed', async () => {
    const r = await send('ev', '0.03')
    expect(r.state).toBe('queued')
    clock.advance(1000)
    await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })
    await until('confirmed', () => about(r.id).includes('tx.confirmed'))
    expect(about(r.id)).toEqual(['tx.delayed', 'tx.submitted', 'tx.confirmed'])
    const delayed = hook.requests.map(body).find((b) => b.event === 'tx.delayed' && b.data.requestId === r.id)
    expect(delayed?.data.executeAt).toBe(r.executeAt)
  })

  it('APPROVAL → tx.awaiting_approval; approve → tx.approved …; reject → tx.rejected; no decision → tx.expired', async () => {
    const a = await send('ev', '0.5')
    expect(a.state).toBe('awaiting_approval')
    await until('awaiting', () => about(a.id).includes('tx.awaiting_approval'))
    const awaiting = hook.requests.map(body).find((b) => b.event === 'tx.awaiting_approval' && b.data.requestId === a.id)
    expect(awaiting?.data).toMatchObject({ wallet: 'ev', amount: '0.5', contentHash: a.contentHash })
    expect(typeof awaiting?.data.expiresAt).toBe('string')
    await t.client.call('tx.approve', { id: a.id }, op)
    await t.client.call('tx.wait', { id: a.id, timeoutMs: 20_000 })
    await until('confirmed', () => about(a.id).includes('tx.confirmed'))
    expect(about(a.id)).toEqual(['tx.awaiting_approval', 'tx.approved', 'tx.submitted', 'tx.confirmed'])

    const b = await send('ev', '0.5')
    await t.client.call('tx.reject', { id: b.id, reason: 'no' }, op)
    await until('rejected', () => about(b.id).includes('tx.rejected'))
    expect(about(b.id)).toEqual(['tx.awaiting_approval', 'tx.rejected'])

    const c = await send('ev', '0.5')
    clock.advance(3_600_000)
    expect((await t.client.call('tx.wait', { id: c.id, timeoutMs: 15_000 })).state).toBe('expired')
    await until('expired', () => about(c.id).includes('tx.expired'))
    expect(about(c.id)).toEqual(['tx.awaiting_approval', 'tx.expired'])
  })

  it('kill switch on and off', async () => {
    await t.client.call('killswitch.on', { reason: 'drill' })
    await t.client.call('killswitch.off', {}, op)
    const on = await until('on', () => hook.requests.map(body).find((b) => b.event === 'killswitch.on'))
    const off = await until('off', () => hook.requests.map(body).find((b) => b.event === 'killswitch.off'))
    expect(on.data).toMatchObject({ reason: 'drill' })
    expect(Number(off.id.slice(4))).toBeGreaterThan(Number(on.id.slice(4)))
  })

  it('repeated wrong passwords → auth.failures once at the third', async () => {
    const before = hook.requests.map(body).filter((b) => b.event === 'auth.failures').length
    for (let i = 0; i < 3; i++) {
      expect((await catchAsync(t.client.call('notify.list', {}, { password: 'wrong password, wrong' }))).code).toBe('AUTH_BAD_PASSWORD')
    }
    const alert = await until('auth.failures', () => hook.requests.map(body).filter((b) => b.event === 'auth.failures')[before])
    expect(alert.data).toMatchObject({ failures: 3, reason: 'bad-password' })
  })

  it('every event was delivered exactly once, with a stable evt_<seq> id', async () => {
    const ids = hook.requests.map((q) => body(q).id)
    expect(ids.every((id) => /^evt_\d+$/.test(id))).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    // The password throttle after the failures above lasts a second (of the daemon's clock): ask until it lets us through.
    clock.advance(1000)
    const { deliveries } = await until('the password throttle to pass', () =>
      t.client.call('notify.deliveries', { limit: 1000 }, op).catch((err: unknown) => {
        if ((err as { code?: string }).code === 'AUTH_THROTTLED') return undefined
        throw err
      }),
    )
    expect(deliveries.filter((d) => d.state !== 'delivered')).toEqual([])
    expect(deliveries.length).toBe(ids.length)
  })
})

describe('across restarts', () => {
  let daemon: DaemonHandle | undefined
  let client: DaemonClient | undefined
  const home = tempHome('waiaas-notify-restart-')
  const env: Env = { autoProvision: false, masterPassword: PASSWORD, notifyIntervalMs: 50, notifyRetryBaseMs: 200 }
  const start = async (): Promise<DaemonClient> => {
    daemon = await startDaemon({ home: home.dataDir, env })
    client = await connectExisting(daemon.paths)
    return client
  }
  const stop = async (): Promise<void> => {
    client?.close()
    await daemon?.close()
    client = undefined
    daemon = undefined
  }
  afterAll(async () => {
    await stop()
    home.cleanup()
  })

  it('no event is delivered twice and none is lost', async () => {
    const r = await startReceiver()
    try {
      let c = await start()
      await c.call('vault.init', { password: PASSWORD })
      // History before the channel exists is not sent (no backlog flood).
      await c.call('killswitch.on', {})
      await c.call('killswitch.off', {}, op)
      await c.call('notify.add', { kind: 'webhook', url: `${r.url}/h`, secret: SECRET, events: ['killswitch.on', 'killswitch.off'] }, op)
      const expected: string[] = []
      const toggle = async (on: boolean): Promise<void> => {
        if (on) await c.call('killswitch.on', {})
        else await c.call('killswitch.off', {}, op)
        const { entries } = await c.call('audit.list', { limit: 1, action: on ? 'killswitch.on' : 'killswitch.off' })
        expected.push(`evt_${entries[0]?.seq}`)
      }
      const accepted = (): string[] => r.requests.filter((q) => q.status === 200).map((q) => body(q).id)

      await toggle(true)
      await toggle(false)
      await until('the first two', () => accepted().length === 2)

      // The receiver goes down: the next events stay queued through a restart.
      r.respond = () => ({ status: 503 })
      await toggle(true)
      await until('a failed attempt', () => r.requests.some((q) => q.status === 503))
      await toggle(false)
      await stop()

      r.respond = () => ({ status: 200 })
      c = await start()
      await until('all four', () => accepted().length >= 4)
      // Events right before a shutdown (maybe not yet collected) are delivered after the next start.
      await toggle(true)
      await stop()
      c = await start()
      await until('all five', () => accepted().length >= 5)
      await toggle(false)
      await until('all six', () => accepted().length >= 6)

      expect(accepted()).toEqual(expected)
      const { deliveries } = await c.call('notify.deliveries', { limit: 100 }, op)
      expect(deliveries.map((d) => d.eventId).reverse()).toEqual(expected)
      expect(deliveries.every((d) => d.state === 'delivered')).toBe(true)
    } finally {
      await r.close()
    }
  })
})

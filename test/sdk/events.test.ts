/**
 * `client.events()` of the TypeScript SDK for an agent session, over the socket (`event.wait` on a connection of its
 * own) and over REST (`GET /v1/events`), against a real daemon, the worker's anvil and the incoming monitor: the session
 * sees its own approval-tier request approved by the operator and confirmed, and a transfer arriving at its wallet,
 * with only the allowed fields, and nothing of another wallet or of the operator's own acts; the operator sees all of
 * it. Revoking the session, or its expiry (the test clock moved, no sleeping), ends a waiting iterator with the code.
 * A waiting call ends when the daemon stops instead of holding it up.
 */
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { connectExisting } from '../../src/cli/launcher.js'
import { startDaemon } from '../../src/daemon/daemon.js'
import { viewerOf } from '../../src/daemon/events/scope.js'
import { waitEvents } from '../../src/daemon/events/wait.js'
import { sessionCaller } from '../../src/daemon/session-auth.js'
import { SESSION_EVENT_ACTIONS } from '../../src/lib/contract/index.js'
import { Waiaas, WaiaasError, type EventEntry } from '../../src/sdk/index.js'
import { localChain } from '../helpers/chains.js'
import { tempHome } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { testClock } from '../helpers/test-clock.js'

const clock = testClock()
const t = useDaemon({ env: { pipelineTickMs: 50, monitorIntervalMs: 100, testClockFile: clock.file } })
const op = { password: PASSWORD }
const NET = 'evm-local'
const wallets: Record<'agent' | 'other', { id: string; address: string }> = {} as never
let baseUrl = ''
let agentToken = ''

type Transport = 'socket' | 'rest'
const make = (transport: Transport, cred: { token: string } | { password: string }): Waiaas =>
  transport === 'socket' ? new Waiaas({ socketPath: t.daemon.paths.socket, ...cred }) : new Waiaas({ baseUrl, ...cred })

/** Reads `events` until `done` says so (breaking out closes the iterator's connection). */
async function collect(events: AsyncGenerator<EventEntry>, done: (seen: EventEntry[]) => boolean): Promise<EventEntry[]> {
  const seen: EventEntry[] = []
  for await (const e of events) {
    seen.push(e)
    if (done(seen)) break
  }
  return seen
}

/** The error `p` rejects with. */
async function refusal(p: Promise<unknown>): Promise<WaiaasError> {
  const r = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(r).toBeInstanceOf(WaiaasError)
  return r as WaiaasError
}

const head = async (): Promise<number> => (await t.client.call('audit.list', { limit: 1 }, op)).entries[0]?.seq ?? 0

beforeAll(async () => {
  await t.client.call('network.set', { network: NET, rpcUrl: localChain().evmRpcUrl }, op)
  const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  for (const name of ['agent', 'other'] as const) {
    const w = await t.client.call('wallet.create', { chain: 'evm', name: `ev-${name}` }, op)
    wallets[name] = { id: w.id, address: w.address }
    await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000']) // 100 ETH
  }
  provider.destroy()
  // ev-agent: above 0.01 waits for the operator. ev-other: up to 1 at once.
  await t.client.call('policy.add', { wallet: 'ev-agent', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01' } }, op)
  await t.client.call('policy.add', { wallet: 'ev-other', type: 'SPENDING_LIMIT', rules: { instant_max: '1' } }, op)
  await t.client.call('incoming.watch', { network: NET }, op)
  baseUrl = ((await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)).listening ?? '').replace(/\/v1$/, '')
  agentToken = (await t.client.call('session.create', { wallets: ['ev-agent'], permissions: ['read', 'send'], name: 'ev-agent' }, op)).token
})

describe.each(['socket', 'rest'] as const)('client.events() over %s', (transport) => {
  it("shows a session its own request's state changes and a transfer arriving, nothing of another wallet; the operator sees all", async () => {
    const agent = make(transport, { token: agentToken })
    const operator = make(transport, { password: PASSWORD })
    try {
      const start = await head()
      const req = await agent.tx.send({ wallet: 'ev-agent', network: NET, to: EthersWallet.createRandom().address, amount: '0.02' })
      expect(req.state).toBe('awaiting_approval')
      // Another wallet's request, and a transfer from it to the agent's wallet; an operator act on the agent's wallet.
      const elsewhere = await operator.tx.send({ wallet: 'ev-other', network: NET, to: EthersWallet.createRandom().address, amount: '0.001' })
      const pay = await operator.tx.send({ wallet: 'ev-other', network: NET, to: wallets.agent.address, amount: '0.003' })
      await operator.policy.add({ wallet: 'ev-agent', type: 'RECIPIENT_DENYLIST', rules: { recipients: [EthersWallet.createRandom().address] } })
      await operator.tx.approve({ id: req.id })

      const arrived = (e: EventEntry): boolean => e.action === 'incoming.transfer' && e.details.amount === '3000000000000000'
      const seen = await collect(agent.events({ after: start }), (s) => s.some((e) => e.target === req.id && e.action === 'tx.confirmed') && s.some(arrived))
      const mine = seen.filter((e) => e.target === req.id)
      expect(mine.map((e) => e.action)).toEqual(expect.arrayContaining(['tx.decision', 'tx.approve', 'tx.signed', 'tx.submitted', 'tx.confirmed']))
      expect(mine.findIndex((e) => e.action === 'tx.approve')).toBeLessThan(mine.findIndex((e) => e.action === 'tx.confirmed'))
      expect(mine.find((e) => e.action === 'tx.decision')).toMatchObject({ outcome: 'ok', wallet: wallets.agent.id, details: { tier: 'APPROVAL', amount: expect.any(String) } })
      expect(mine.find((e) => e.action === 'tx.approve')).toMatchObject({ actor: 'operator', details: {} })
      expect(mine.find((e) => e.action === 'tx.confirmed')?.details.txHash).toMatch(/^0x[0-9a-f]{64}$/)
      const incoming = seen.find(arrived)
      expect(incoming).toMatchObject({ target: wallets.agent.id, wallet: wallets.agent.id, details: { network: 'eip155:31337', from: wallets.other.address } })
      // Seq order, only the session's wallet, only the allowed actions and fields, no chain hash.
      expect(seen.map((e) => e.seq)).toEqual([...seen.map((e) => e.seq)].sort((a, b) => a - b))
      for (const e of seen) {
        expect(e.seq).toBeGreaterThan(start)
        expect(e.wallet).toBe(wallets.agent.id)
        expect(SESSION_EVENT_ACTIONS as readonly string[]).toContain(e.action)
        expect(e.hash).toBeUndefined()
        expect(e.target === elsewhere.id || e.target === pay.id).toBe(false)
        expect(Object.keys(e.details)).not.toContain('contentHash')
        expect(Object.keys(e.details)).not.toContain('usdMicros')
      }
      // The operator, from the same start, sees the other wallet's requests and its own acts, with hashes.
      const all = await collect(operator.events({ after: start }), (s) => s.some((e) => e.target === req.id && e.action === 'tx.confirmed') && s.some((e) => e.target === pay.id && e.action === 'tx.confirmed'))
      expect(all.filter((e) => e.target === elsewhere.id).map((e) => e.action)).toContain('tx.decision')
      expect(all.map((e) => e.action)).toContain('policy.add')
      expect(all.find((e) => e.target === req.id && e.action === 'tx.approve')?.details).toHaveProperty('contentHash')
      for (const e of all) expect(e.hash).toMatch(/^[0-9a-f]{64}$/)
    } finally {
      agent.close()
      operator.close()
    }
  })

  /** Follows a new read-only session's stream until it is live (its first event, from an operator send on its wallet), then `end`s the session. */
  async function cutOff(name: string, end: (sessionId: string) => Promise<void>): Promise<{ err: WaiaasError; sessionId: string }> {
    const { token, session } = await t.client.call('session.create', { wallets: ['ev-agent'], permissions: ['read'], name: `${name}-${transport}`, ttlSeconds: 3600 }, op)
    const agent = make(transport, { token })
    try {
      const events = agent.events({ after: await head() })
      await t.client.call('tx.send', { wallet: 'ev-agent', network: NET, to: EthersWallet.createRandom().address, amount: '0.001' }, op)
      const first = await events.next()
      expect(first.done).toBe(false)
      expect(first.value).toMatchObject({ action: 'tx.decision', wallet: wallets.agent.id })
      // Read until the request is confirmed: the stream is then idle, waiting for the next entry.
      for (let n = first; !n.done && n.value.action !== 'tx.confirmed'; n = await events.next()) expect(n.value.target).toBe(first.value?.target)
      // Waiting for the next entry (over the socket, an event.wait call on the daemon) when the session ends.
      const pending = refusal(events.next())
      await end(session.id)
      const err = await pending
      // A new stream is refused with the same code.
      expect((await refusal(agent.events().next())).code).toBe(err.code)
      return { err, sessionId: session.id }
    } finally {
      agent.close()
    }
  }

  it('ends a live iterator with SESSION_REVOKED when the operator revokes the session', async () => {
    const { err, sessionId } = await cutOff('revoked', async (id) => void (await t.client.call('session.revoke', { id }, op)))
    expect(err.code).toBe('SESSION_REVOKED')
    expect(err.details).toMatchObject({ session: sessionId })
  })

  it('ends a live iterator with SESSION_EXPIRED once the session is past its time (the test clock moved; the next entry wakes the wait)', async () => {
    const { err, sessionId } = await cutOff('expiring', async () => {
      clock.advance(3601_000)
      await t.client.call('wallet.create', { chain: 'evm', name: `ev-wake-${transport}` }, op)
    })
    expect(err.code).toBe('SESSION_EXPIRED')
    expect(err.details).toMatchObject({ session: sessionId })
  })
})

describe('the event stream, further', () => {
  it('ends a wait in progress when the session is revoked, and one when it expires (the test clock moved, the next entry wakes it)', async () => {
    const ctx = t.daemon.ctx
    for (const end of ['revoke', 'expire'] as const) {
      const { token, session } = await t.client.call('session.create', { wallets: ['ev-agent'], permissions: ['read'], name: `mid-wait-${end}`, ttlSeconds: 3600 }, op)
      const viewer = viewerOf(sessionCaller(ctx, token))
      // Waiting by the time waitEvents returns its promise: the first look found nothing and the waiter is registered.
      const waiting = waitEvents(ctx, viewer, { limit: 10, waitMs: 20_000 }).then(
        () => undefined,
        (e: unknown) => e as WaiaasError,
      )
      if (end === 'revoke') await t.client.call('session.revoke', { id: session.id }, op)
      else {
        clock.advance(3601_000)
        await t.client.call('wallet.create', { chain: 'evm', name: 'ev-wake-mid' }, op)
      }
      const err = await waiting
      expect(err?.code).toBe(end === 'revoke' ? 'SESSION_REVOKED' : 'SESSION_EXPIRED')
      expect(err?.details).toMatchObject({ session: session.id })
    }
  })

  it('answers event.wait as soon as an entry is appended, with a cursor to go on from, and refuses a session without read', async () => {
    const operator = make('socket', { password: PASSWORD })
    try {
      const start = await head()
      const pending = operator.event.wait({ after: start, waitMs: 20_000 })
      const began = performance.now()
      await t.client.call('killswitch.on', { reason: 'event drill' }, op)
      await t.client.call('killswitch.off', {}, op)
      const got = await pending
      expect(performance.now() - began).toBeLessThan(2000)
      expect(got.events[0]).toMatchObject({ seq: start + 1, action: 'killswitch.on', details: { reason: 'event drill' } })
      expect(got.cursor).toBe(got.events.at(-1)?.seq)
      const none = await operator.event.wait({ after: await head(), waitMs: 0 })
      expect(none).toEqual({ events: [], cursor: await head() })
      // Also a GET with its params in the query string, for a script with curl.
      const viaGet = await fetch(`${baseUrl}/v1/event/wait?after=${start}&limit=1&waitMs=0`, { headers: { 'x-master-password': PASSWORD } })
      expect(await viaGet.json()).toEqual({ ok: true, data: { events: [got.events[0]], cursor: start + 1 } })
      const sendOnly = (await t.client.call('session.create', { wallets: ['ev-agent'], permissions: ['send'], name: 'no-read' }, op)).token
      const blind = make('rest', { token: sendOnly })
      const err = await refusal(blind.event.wait({ waitMs: 0 }))
      expect(err.code).toBe('SESSION_SCOPE')
      expect(err.details).toMatchObject({ method: 'event.wait', permission: 'read' })
      blind.close()
    } finally {
      operator.close()
    }
  })

  it('a daemon stops at once while calls wait for events on the socket and over REST', async () => {
    const home = tempHome()
    const daemon = await startDaemon({ home: home.dataDir, env: { autoProvision: false } })
    const client = await connectExisting(daemon.paths)
    try {
      await client.call('vault.init', { password: PASSWORD })
      const url = ((await client.call('plugin.enable', { name: 'rest', port: 0 }, op)).listening ?? '').replace(/\/v1$/, '')
      client.close()
      const viaSocket = new Waiaas({ socketPath: daemon.paths.socket, password: PASSWORD })
      const viaRest = new Waiaas({ baseUrl: url, password: PASSWORD })
      const calls = [viaSocket.event.wait({ waitMs: 30_000 }), viaRest.event.wait({ waitMs: 30_000 })].map((p) => p.then((r) => r.events, (e: unknown) => e))
      // Both calls are waiting on the daemon (a call on each transport answered after them).
      await viaSocket.system.status()
      await viaRest.system.status()
      const started = performance.now()
      await daemon.close()
      const outcomes = await Promise.all(calls)
      expect(performance.now() - started).toBeLessThan(3000)
      // Answered empty as the transport closed, or cut off with the connection.
      for (const o of outcomes) expect(Array.isArray(o) ? o : (o as WaiaasError).code).toEqual(Array.isArray(o) ? [] : 'DAEMON_UNREACHABLE')
      viaSocket.close()
    } finally {
      client.close()
      await daemon.close()
      home.cleanup()
    }
  })
})


/**
 * GET /v1/events against an in-process daemon with the REST plugin: what a socket call records (a kill switch, an
 * approval and the request it moves to confirmed, the incoming transfer the monitor then finds) reaches an open stream
 * within 2 s, in seq order; a reconnect with Last-Event-ID resumes without a gap or a duplicate; no credential 401, a
 * session without the read permission 403, a reading session its own scope (test/sdk/events.test.ts covers it); at most 16 streams; a session token never appears; disabling the plugin
 * and stopping the daemon end open streams at once instead of waiting out the HTTP drain; an idle stream gets heartbeats.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDaemon } from '../../src/daemon/daemon.js'
import { eventStreams } from '../../src/daemon/plugins/events.js'
import { authFromHeaders } from '../../src/daemon/plugins/http.js'
import { appendAudit } from '../../src/daemon/store/audit.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { tempHome } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { adminHttp, adminLogin } from '../helpers/admin.js'
import { openSse, type SseEvent, type SseStream } from '../helpers/sse.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50, monitorIntervalMs: 100 } })
const op = { password: PASSWORD }
const pw = { 'x-master-password': PASSWORD }
let base = ''
const open: SseStream[] = []
const sse = async (path: string, headers: Record<string, string> = pw): Promise<SseStream> => {
  const s = await openSse(base, path, headers)
  open.push(s)
  return s
}
const seqs = (events: SseEvent[]): number[] => events.map((e) => Number(e.id))
const bodyOf = async (s: SseStream): Promise<any> => {
  await s.ended
  return JSON.parse(s.text)
}

beforeAll(async () => {
  base = ((await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)).listening ?? '').replace(/\/v1$/, '')
})
afterAll(() => {
  for (const s of open) s.close()
})

describe('the event stream', () => {
  it('refuses a call without a credential (401), a session without the read permission (403) and a start that is not a seq (400); serves a reading session', async () => {
    const none = await sse('/v1/events', {})
    expect(none.status).toBe(401)
    expect((await bodyOf(none)).error.code).toBe('AUTH_REQUIRED')
    await t.client.call('wallet.create', { chain: 'evm', name: 'agent' }, op)
    const { token: sendOnly } = await t.client.call('session.create', { wallets: ['agent'], permissions: ['send'] }, op)
    const blind = await sse('/v1/events', { authorization: `Bearer ${sendOnly}` })
    expect(blind.status).toBe(403)
    expect((await bodyOf(blind)).error).toMatchObject({ code: 'SESSION_SCOPE', details: { method: 'event.wait', permission: 'read' } })
    const { token } = await t.client.call('session.create', { wallets: ['agent'] }, op)
    const agent = await sse('/v1/events', { authorization: `Bearer ${token}` })
    expect(agent.status).toBe(200)
    agent.close()
    const bogus = await sse('/v1/events', { authorization: 'Bearer nope' })
    expect(bogus.status).toBe(401)
    expect((await bodyOf(bogus)).error.code).toBe('SESSION_INVALID')
    const bad = await sse('/v1/events?after=-1')
    expect(bad.status).toBe(400)
    expect((await bodyOf(bad)).error).toMatchObject({ code: 'INPUT_INVALID', details: { issues: [{ path: 'after' }] } })
    const wrong = await sse('/v1/events', { ...pw, 'last-event-id': 'x' })
    expect((await bodyOf(wrong)).error.details.issues[0].path).toBe('Last-Event-ID')
  })

  it('follows the admin session cookie (a browser EventSource sends no header of its own); never raises an agent token; a logged-out cookie is refused', async () => {
    const login = await adminLogin(base, PASSWORD)
    const s = await sse('/v1/events', { cookie: login.cookie })
    expect(s.status).toBe(200)
    // With the cookie and a token, the caller is the session: it follows its own scope, not the operator's log.
    const { token } = await t.client.call('session.create', { wallets: ['agent'] }, op)
    const both = await sse('/v1/events', { cookie: login.cookie, authorization: `Bearer ${token}` })
    expect(both.status).toBe(200)
    await t.client.call('killswitch.on', { reason: 'cookie stream' }, op)
    await t.client.call('killswitch.off', {}, op)
    const got = await s.waitFor(3, 2000)
    expect(got.map((e) => JSON.parse(e.data).action)).toEqual(['session.create', 'killswitch.on', 'killswitch.off'])
    // One poll feeds every stream: the session's, fed in the same pass, got nothing of it.
    expect(both.events).toEqual([])
    both.close()
    expect((await adminHttp(base, '/v1/admin/logout', login, { body: {} })).status).toBe(200)
    const stale = await sse('/v1/events', { cookie: login.cookie })
    expect(stale.status).toBe(401)
    expect((await bodyOf(stale)).error.code).toBe('ADMIN_SESSION_INVALID')
  })

  it('delivers what a socket call records within 2 s, in seq order, and only what comes after the start', async () => {
    const s = await sse('/v1/events')
    expect(s.status).toBe(200)
    expect(s.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(s.headers['cache-control']).toBe('no-store')
    const started = performance.now()
    await t.client.call('killswitch.on', { reason: 'drill' })
    const [first] = await s.waitFor(1, 2000)
    const latency = performance.now() - started
    expect(latency).toBeLessThan(2000)
    expect(first?.event).toBe('audit')
    const entry = JSON.parse(first?.data ?? '{}')
    const [newest] = (await t.client.call('audit.list', { limit: 1 })).entries
    expect(entry).toEqual(newest)
    expect(entry).toMatchObject({ action: 'killswitch.on', outcome: 'ok' })
    expect(first?.id).toBe(String(entry.seq))
    await t.client.call('killswitch.off', {}, op)
    await t.client.call('wallet.create', { chain: 'solana', name: 'second' }, op)
    const all = await s.waitFor(3, 2000)
    const list = (await t.client.call('audit.list', { limit: 3 })).entries.reverse()
    expect(all.map((e) => JSON.parse(e.data))).toEqual(list)
    expect(seqs(all)).toEqual([entry.seq, entry.seq + 1, entry.seq + 2])
    expect(s.text.startsWith('retry: 2000\n\n')).toBe(true)
  })

  it('shows a request approved on the socket as approved, then confirmed on the chain, within 2 s each, and the transfer arriving', async () => {
    await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
    const w = await t.client.call('wallet.create', { chain: 'evm', name: 'payer' }, op)
    const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
    provider.destroy()
    await t.client.call('policy.add', { wallet: 'payer', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01' } }, op)
    const payee = await t.client.call('wallet.create', { chain: 'evm', name: 'payee' }, op)
    await t.client.call('incoming.watch', { network: 'evm-local' }, op)
    const r = await t.client.call('tx.send', { wallet: 'payer', network: 'evm-local', to: payee.address, amount: '0.5' }, op)
    expect(r.state).toBe('awaiting_approval')
    const s = await sse('/v1/events')
    const started = performance.now()
    await t.client.call('tx.approve', { id: r.id }, op)
    /** The actions the stream has shown for this request so far. */
    const mine = (): string[] => s.events.map((e) => JSON.parse(e.data)).filter((e) => e.target === r.id).map((e) => e.action as string)
    for (let i = 0; i < 80 && !mine().includes('tx.approve'); i++) await new Promise((res) => setTimeout(res, 25))
    expect(mine()).toContain('tx.approve')
    expect(performance.now() - started).toBeLessThan(2000)
    await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })
    const confirmedAt = performance.now()
    for (let i = 0; i < 80 && !mine().includes('tx.confirmed'); i++) await new Promise((res) => setTimeout(res, 25))
    expect(performance.now() - confirmedAt).toBeLessThan(2000)
    expect(mine()).toEqual(expect.arrayContaining(['tx.approve', 'tx.signed', 'tx.submitted', 'tx.confirmed']))
    // The monitor finds it at the payee: an incoming transfer is an audit entry like the rest.
    const incoming = () => s.events.map((e) => JSON.parse(e.data)).find((e) => e.action === 'incoming.transfer' && e.target === payee.id)
    for (let i = 0; i < 200 && incoming() === undefined; i++) await new Promise((res) => setTimeout(res, 25))
    expect(incoming()?.details).toMatchObject({ network: 'eip155:31337', amount: '500000000000000000', from: w.address })
    await t.client.call('incoming.unwatch', { network: 'evm-local' }, op)
    s.close()
  })

  it('replays from ?after and resumes after Last-Event-ID without a gap or a duplicate', async () => {
    const head = (await t.client.call('audit.list', { limit: 1 })).entries[0]?.seq ?? 0
    expect(head).toBeGreaterThan(4)
    const from0 = await sse('/v1/events?after=0')
    const replay = await from0.waitFor(head)
    expect(seqs(replay)).toEqual(Array.from({ length: head }, (_, i) => i + 1))
    from0.close()
    const firstPart = await sse('/v1/events?after=2')
    const got = await firstPart.waitFor(2)
    firstPart.close()
    const last = got[1]?.id ?? ''
    expect(last).toBe('4')
    // What happens while disconnected is delivered on the reconnect; the header wins over ?after as EventSource sends both.
    await t.client.call('wallet.create', { chain: 'evm', name: 'while-away' }, op)
    const again = await sse('/v1/events?after=2', { ...pw, 'last-event-id': last })
    const rest = await again.waitFor(head + 1 - 4)
    expect(seqs(rest)).toEqual(Array.from({ length: head + 1 - 4 }, (_, i) => i + 5))
    expect(JSON.parse(rest.at(-1)?.data ?? '{}')).toMatchObject({ action: 'wallet.create' })
    await new Promise((r) => setTimeout(r, 600))
    expect(again.events.length).toBe(head + 1 - 4)
  })

  it('never carries a session token', async () => {
    const s = await sse('/v1/events')
    const { token, session } = await t.client.call('session.create', { wallets: ['agent'], name: 'leak-check' }, op)
    await t.client.call('session.revoke', { id: session.id }, op)
    const got = await s.waitFor(2, 2000)
    expect(got.map((e) => JSON.parse(e.data).action)).toEqual(['session.create', 'session.revoke'])
    const all = await sse('/v1/events?after=0')
    const head = (await t.client.call('audit.list', { limit: 1 })).entries[0]?.seq ?? 0
    await all.waitFor(head)
    for (const text of [s.text, all.text]) {
      expect(text).toContain(session.id)
      expect(text).not.toContain(token)
      expect(text).not.toContain(PASSWORD)
    }
  })

  it('replays a long log in order, page after page, waiting for the client to drain each', async () => {
    const db = t.daemon.ctx.db
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) appendAudit(db, { actor: 'test', action: 'test.filler', outcome: 'ok', details: { i, pad: 'x'.repeat(200) } })
    })()
    const head = (await t.client.call('audit.list', { limit: 1 })).entries[0]?.seq ?? 0
    const s = await sse('/v1/events?after=0')
    const got = await s.waitFor(head, 10_000)
    expect(seqs(got)).toEqual(Array.from({ length: head }, (_, i) => i + 1))
    expect(s.text.length).toBeGreaterThan(3000 * 200)
  })

  it('refuses the 17th stream with 429 and takes one again when another closes', async () => {
    for (const s of open.splice(0)) s.close()
    await new Promise((r) => setTimeout(r, 100))
    const streams = await Promise.all(Array.from({ length: 16 }, () => sse('/v1/events')))
    expect(streams.map((s) => s.status)).toEqual(Array(16).fill(200))
    const extra = await sse('/v1/events')
    expect(extra.status).toBe(429)
    expect((await bodyOf(extra)).error).toMatchObject({ code: 'EVENTS_TOO_MANY_STREAMS', details: { max: 16 } })
    streams[0]?.close()
    await new Promise((r) => setTimeout(r, 100))
    expect((await sse('/v1/events')).status).toBe(200)
  })

  it('ends open streams when the REST plugin is disabled, even one whose client stopped reading', async () => {
    for (const s of open.splice(0)) s.close()
    const s = await sse('/v1/events')
    expect(s.status).toBe(200)
    // Far more than the socket buffers hold, to a client that reads nothing: the daemon waits for a drain that never comes.
    const db = t.daemon.ctx.db
    db.transaction(() => {
      for (let i = 0; i < 6000; i++) appendAudit(db, { actor: 'test', action: 'test.filler', outcome: 'ok', details: { i, pad: 'y'.repeat(1000) } })
    })()
    let stalledClosed = false
    let received = 0
    const stalled = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`${base}/v1/events?after=0`, { headers: pw }, (res) => {
        res.once('data', (chunk: Buffer) => {
          received += chunk.length
          res.pause()
          res.on('data', (more: Buffer) => (received += more.length))
        })
        res.on('close', () => (stalledClosed = true))
        resolve(res)
      }).on('error', reject),
    )
    expect(stalled.statusCode).toBe(200)
    await new Promise((r) => setTimeout(r, 300))
    // plugin.disable returns once the HTTP server has closed, which waits for every request in flight (10 s at most).
    const started = performance.now()
    await t.client.call('plugin.disable', { name: 'rest' }, op)
    expect(performance.now() - started).toBeLessThan(2000)
    await s.ended
    // The stalled client, reading again, finds its connection cut.
    stalled.resume()
    for (let i = 0; i < 200 && !stalledClosed; i++) await new Promise((r) => setTimeout(r, 25))
    expect(stalledClosed).toBe(true)
    expect(received).toBeLessThan(6000 * 1000)
  })
})

describe('the stream while nothing happens', () => {
  it('sends a comment line every heartbeat and no event', async () => {
    const streams = eventStreams(t.daemon.ctx, { serving: () => true, credential: (req) => ({ auth: authFromHeaders(req.headers), admin: false }), heartbeatMs: 50 })
    const server = http.createServer((req, res) => void streams.handle(req, res).catch(() => res.destroy()))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const s = await openSse(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, '/v1/events', pw)
      expect(s.status).toBe(200)
      for (let i = 0; i < 40 && s.text.split(': keep-alive\n\n').length < 3; i++) await new Promise((r) => setTimeout(r, 25))
      expect(s.text.split(': keep-alive\n\n').length).toBeGreaterThanOrEqual(3)
      expect(s.events).toEqual([])
      expect(streams.open).toBe(1)
      streams.closeAll()
      await s.ended
      expect(streams.open).toBe(0)
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })
})

describe('a daemon with an open stream', () => {
  it('stops well within the HTTP drain time', async () => {
    const home = tempHome()
    const daemon = await startDaemon({ home: home.dataDir, env: { autoProvision: false } })
    const client = await connectExisting(daemon.paths)
    try {
      await client.call('vault.init', { password: PASSWORD })
      const url = ((await client.call('plugin.enable', { name: 'rest', port: 0 }, op)).listening ?? '').replace(/\/v1$/, '')
      const s = await openSse(url, '/v1/events?after=0', pw)
      expect(s.status).toBe(200)
      await s.waitFor(1)
      client.close()
      const started = performance.now()
      await daemon.close()
      await s.ended
      expect(performance.now() - started).toBeLessThan(3000)
    } finally {
      client.close()
      await daemon.close()
      home.cleanup()
    }
  })
})

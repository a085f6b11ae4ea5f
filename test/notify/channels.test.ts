/**
 * Notification channels against loopback HTTP servers standing in for each service (webhook receiver, Telegram Bot
 * API, Slack, Discord, ntfy): the payload each sends, webhook signatures checked with node:crypto, retry with backoff
 * on 500, no retry on a permanent 4xx, no retry storm against a dead receiver, one failing channel not delaying
 * another, deliveries waiting while the daemon is locked, and secrets absent from the log, listings and errors.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import Database from 'better-sqlite3'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import type { Input, NotifyChannelView, NotifyDeliveryView } from '../../src/lib/contract/index.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { testClock } from '../helpers/test-clock.js'
import { startReceiver, until, type Receiver, type Received } from './receiver.js'

/** Stands in for the Telegram Bot API (WAIAAS_TELEGRAM_API_URL). */
const telegramApi = await startReceiver()
// Retry backoffs pass on the daemon's test clock; receivers stamp requests with it, so gaps are in the daemon's time.
const clock = testClock()
const t = useDaemon({ env: { notifyIntervalMs: 50, notifyRetryBaseMs: 1000, telegramApiUrl: telegramApi.url, testClockFile: clock.file } })
afterAll(() => telegramApi.close())
const op = { password: PASSWORD }

const WEBHOOK_SECRET = 'whsec-0123456789abcdef-TOPSECRET'
const BOT_TOKEN = '123456789:AAH-SECRETBOTTOKEN_abcdefghijklmnop'
const NTFY_TOKEN = 'tk_ntfysecrettoken0123456789'
const SLACK_PATH = '/services/T000/B000/slackSECRETpath0123'
const DISCORD_PATH = '/api/webhooks/42/discordSECRETpath0123'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
  if ((await t.client.call('killswitch.status', {})).on) await t.client.call('killswitch.off', {}, op)
})

async function receiver(): Promise<Receiver> {
  const r = await startReceiver(clock.now)
  cleanup.push(() => r.close())
  return r
}

async function channel(params: Input<'notify.add'>): Promise<NotifyChannelView> {
  const c = await t.client.call('notify.add', params, op)
  cleanup.push(() => t.client.call('notify.remove', { id: c.id }, op).catch(() => undefined))
  return c
}

/** Toggles the kill switch and returns the event id of that change (`evt_<audit seq>`). */
async function toggle(on: boolean): Promise<string> {
  if (on) await t.client.call('killswitch.on', { reason: 'test' })
  else await t.client.call('killswitch.off', {}, op)
  const { entries } = await t.client.call('audit.list', { limit: 1, action: on ? 'killswitch.on' : 'killswitch.off' })
  return `evt_${entries[0]?.seq}`
}

/** Clock steps per poll of `passing`: fine enough that a retry is seen at most a few hundred ms (test time) late. */
const STEP_MS = 100
/** `until`, moving the daemon's clock STEP_MS forward at each poll: backoffs pass without sleeping through them. */
const passing = <T>(what: string, cond: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs?: number): Promise<T> =>
  until(
    what,
    () => {
      clock.advance(STEP_MS)
      return cond()
    },
    timeoutMs,
  )

const json = (r: Received): Record<string, any> => JSON.parse(r.body) as Record<string, any>
const forEvent = (r: Receiver, id: string, pick: (q: Received) => string = (q) => String(json(q).id)): Received[] => r.requests.filter((q) => pick(q) === id)

async function delivery(channel: string, eventId: string): Promise<NotifyDeliveryView | undefined> {
  const { deliveries } = await t.client.call('notify.deliveries', { channel, limit: 1000 }, op)
  return deliveries.find((d) => d.eventId === eventId)
}

describe('webhook', () => {
  it('POSTs {id, event, at, data}, with the deprecated X-Waiaas-Signature: HMAC-SHA256 over "timestamp.body"', async () => {
    const r = await receiver()
    const c = await channel({ kind: 'webhook', url: `${r.url}/hook?src=waiaas`, secret: WEBHOOK_SECRET })
    expect(c).toMatchObject({ kind: 'webhook', target: `${r.url}/hook?…`, secrets: ['secret', 'url'], events: null })
    const id = await toggle(true)
    const [req] = await until('the webhook delivery', () => (forEvent(r, id).length > 0 ? forEvent(r, id) : undefined))
    expect(req?.method).toBe('POST')
    expect(req?.path).toBe('/hook?src=waiaas')
    expect(req?.headers['content-type']).toBe('application/json')
    const body = json(req as Received)
    expect(Object.keys(body).sort()).toEqual(['at', 'data', 'event', 'id'])
    expect(body).toMatchObject({ id, event: 'killswitch.on', data: { action: 'killswitch.on', reason: 'test' } })
    expect(Math.abs(Date.parse(body.at as string) - Date.now())).toBeLessThan(30_000)

    // The receiver's check, as the README describes it.
    const ts = String(req?.headers['x-waiaas-timestamp'])
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60)
    const expected = Buffer.from(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${ts}.${req?.body}`).digest('hex')}`)
    const got = Buffer.from(String(req?.headers['x-waiaas-signature']))
    expect(got.length).toBe(expected.length)
    expect(timingSafeEqual(got, expected)).toBe(true)
    // The signature covers the body and the timestamp: a changed byte or another timestamp does not verify.
    const tampered = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${ts}.${req?.body.replace('killswitch.on', 'killswitch.of')}`).digest('hex')}`
    expect(String(req?.headers['x-waiaas-signature'])).not.toBe(tampered)
    const otherTs = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${Number(ts) + 1}.${req?.body}`).digest('hex')}`
    expect(String(req?.headers['x-waiaas-signature'])).not.toBe(otherTs)

    expect(await until('the log entry', () => delivery(c.id, id).then((d) => (d?.state === 'delivered' ? d : undefined)))).toMatchObject({
      event: 'killswitch.on',
      attempts: 1,
      lastStatus: 200,
      lastError: null,
    })
  })

  it('signs per Standard Webhooks: the standardwebhooks library verifies real deliveries, with either form of secret', async () => {
    const r = await receiver()
    // A secret of any form: the receiver's verifier secret is whsec_ and its base64 (README).
    const plain = await channel({ kind: 'webhook', name: 'std-plain', url: `${r.url}/plain`, secret: WEBHOOK_SECRET })
    // A secret already in Standard Webhooks' form: used as the spec reads it, the decoded bytes are the key.
    const standard = `whsec_${Buffer.from('0123456789abcdefghijklmnopqrstuv').toString('base64')}`
    await channel({ kind: 'webhook', name: 'std-whsec', url: `${r.url}/whsec`, secret: standard })
    const id = await toggle(true)
    await until('both deliveries', () => forEvent(r, id).length >= 2)
    const verifierSecret = { '/plain': `whsec_${Buffer.from(WEBHOOK_SECRET).toString('base64')}`, '/whsec': standard }
    for (const [path, secret] of Object.entries(verifierSecret)) {
      const req = forEvent(r, id).find((q) => q.path === path) as Received
      const headers = { 'webhook-id': String(req.headers['webhook-id']), 'webhook-timestamp': String(req.headers['webhook-timestamp']), 'webhook-signature': String(req.headers['webhook-signature']) }
      expect(headers['webhook-id']).toBe(id)
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/)
      expect(new Webhook(secret).verify(req.body, headers), path).toMatchObject({ id, event: 'killswitch.on' })
      // A changed byte, another id or another secret does not verify.
      expect(() => new Webhook(secret).verify(req.body.replace('killswitch.on', 'killswitch.of'), headers)).toThrow(WebhookVerificationError)
      expect(() => new Webhook(secret).verify(req.body, { ...headers, 'webhook-id': 'evt_0' })).toThrow(WebhookVerificationError)
      expect(() => new Webhook(`whsec_${Buffer.from('another secret, 24 bytes+').toString('base64')}`).verify(req.body, headers)).toThrow(WebhookVerificationError)
      // The deprecated header is still sent, for one version.
      expect(req.headers['x-waiaas-signature']).toMatch(/^sha256=[0-9a-f]{64}$/)
    }
    // The notify test delivery is signed the same way.
    const tested = await t.client.call('notify.test', { id: plain.id }, op)
    expect(tested).toMatchObject({ ok: true, status: 200 })
    const test = r.requests.filter((q) => q.path === '/plain').at(-1) as Received
    expect(new Webhook(verifierSecret['/plain']).verify(test.body, test.headers as Record<string, string>)).toMatchObject({ event: 'test' })
    // A whsec_ secret must be real base64 of 24 to 64 bytes.
    for (const secret of ['whsec_not base64 at all!!', `whsec_${Buffer.alloc(16, 1).toString('base64')}`, `whsec_${Buffer.alloc(65, 1).toString('base64')}`]) {
      const e = await catchAsync(t.client.call('notify.add', { kind: 'webhook', url: 'https://example.com/h', secret }, op))
      expect([e.code, e.details.field], secret).toEqual(['NOTIFY_INVALID', 'secret'])
    }
  })

  it('only http and https URLs without credentials; unknown events and short secrets are refused', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'javascript:alert(1)', 'gopher://example.com', 'not a url']) {
      const e = await catchAsync(t.client.call('notify.add', { kind: 'webhook', url, secret: WEBHOOK_SECRET }, op))
      expect(e.code, url).toBe('NOTIFY_URL_REFUSED')
    }
    const creds = await catchAsync(t.client.call('notify.add', { kind: 'webhook', url: 'https://user:pw@example.com/h', secret: WEBHOOK_SECRET }, op))
    expect(creds.code).toBe('NOTIFY_URL_REFUSED')
    expect((await catchAsync(t.client.call('notify.add', { kind: 'ntfy', server: 'ws://127.0.0.1:1', topic: 'x' }, op))).code).toBe('NOTIFY_URL_REFUSED')
    const slack = await catchAsync(t.client.call('notify.add', { kind: 'slack', url: `http://hooks.example.com${SLACK_PATH}` }, op))
    expect(slack.code).toBe('NOTIFY_URL_REFUSED')
    expect(JSON.stringify(slack.toPayload())).not.toContain('slackSECRET')
    const ev = await catchAsync(t.client.call('notify.add', { kind: 'webhook', url: 'https://example.com/h', secret: WEBHOOK_SECRET, events: ['tx.confirmed', 'tx.bogus'] }, op))
    expect(ev.code).toBe('NOTIFY_INVALID')
    expect(ev.details.unknown).toEqual(['tx.bogus'])
    expect((await catchAsync(t.client.call('notify.add', { kind: 'webhook', url: 'https://example.com/h', secret: 'short' }, op))).code).toBe('NOTIFY_INVALID')
    expect((await catchAsync(t.client.call('notify.add', { kind: 'webhook', url: 'https://example.com/h', secret: WEBHOOK_SECRET, botToken: BOT_TOKEN }, op))).code).toBe('NOTIFY_INVALID')
    // Adding needs the master password.
    expect((await catchAsync(t.client.call('notify.add', { kind: 'webhook', url: 'https://example.com/h', secret: WEBHOOK_SECRET }))).code).toBe('AUTH_REQUIRED')
    const { channels } = await t.client.call('notify.list', {}, op)
    expect(channels.filter((c) => c.target.startsWith('https://example.com'))).toEqual([])
  })
})

describe('chat channels', () => {
  it('Slack gets {text}, Discord {content} with mentions off, ntfy text with title, priority and bearer token, Telegram sendMessage', async () => {
    const r = await receiver()
    const slack = await channel({ kind: 'slack', url: `${r.url}${SLACK_PATH}` })
    const discord = await channel({ kind: 'discord', url: `${r.url}${DISCORD_PATH}` })
    const ntfy = await channel({ kind: 'ntfy', server: r.url, topic: 'wallet-alerts', token: NTFY_TOKEN })
    expect(slack.target).toBe(`${r.url}/…`)
    expect(ntfy.target).toBe(`${r.url}/wallet-alerts`)
    const id = await toggle(true)
    await until('three deliveries', () => r.requests.filter((q) => q.body.includes(id)).length >= 3)

    const s = r.requests.find((q) => q.path === SLACK_PATH && q.body.includes(id))
    expect(Object.keys(json(s as Received))).toEqual(['text'])
    expect(json(s as Received).text).toContain('Kill switch ON')
    const d = r.requests.find((q) => q.path === DISCORD_PATH && q.body.includes(id))
    expect(json(d as Received)).toMatchObject({ allowed_mentions: { parse: [] } })
    expect(json(d as Received).content).toContain('Kill switch ON')
    const n = r.requests.find((q) => q.path === '/wallet-alerts' && q.body.includes(id))
    expect(n?.headers).toMatchObject({ title: 'waiaas: Kill switch ON', priority: 'urgent', authorization: `Bearer ${NTFY_TOKEN}` })
    expect(n?.headers['content-type']).toMatch(/^text\/plain/)
    expect(n?.body).toContain('Kill switch ON')
    expect(n?.body).toContain(id)
    expect(discord.target).toBe(`${r.url}/…`)
  })

  it('Telegram: sendMessage to the chat on the configured Bot API, plain text, no buttons without an approver', async () => {
    const tg = await channel({ kind: 'telegram', botToken: BOT_TOKEN, chatId: '-100123' })
    expect(tg).toMatchObject({ target: 'chat -100123', chatId: '-100123', approverUserId: null, secrets: ['botToken'] })
    const id = await toggle(true)
    const [req] = await until('sendMessage', () => {
      const found = telegramApi.requests.filter((q) => q.path.endsWith('/sendMessage') && q.body.includes(id))
      return found.length > 0 ? found : undefined
    })
    expect(req?.path).toBe(`/bot${BOT_TOKEN}/sendMessage`)
    const body = json(req as Received)
    expect(body).toMatchObject({ chat_id: '-100123' })
    expect(body.text).toContain('Kill switch ON')
    expect(body.reply_markup).toBeUndefined()
    expect((await delivery(tg.id, id))?.state).toBe('delivered')
  })
})

describe('retries', () => {
  it('retries after a 500 with backoff and then delivers', async () => {
    const r = await receiver()
    let failed = 0
    r.respond = () => (failed++ === 0 ? { status: 500, body: 'boom' } : { status: 200 })
    const c = await channel({ kind: 'webhook', url: `${r.url}/h`, secret: WEBHOOK_SECRET, events: ['killswitch.on'] })
    const id = await toggle(true)
    const d = await passing('delivered after a retry', () => delivery(c.id, id).then((x) => (x?.state === 'delivered' ? x : undefined)))
    expect(d).toMatchObject({ attempts: 2, lastStatus: 200 })
    const reqs = forEvent(r, id)
    expect(reqs).toHaveLength(2)
    // Backoff: the retry came after at least half the 1 s base (jitter), not right away.
    expect((reqs[1]?.at ?? 0) - (reqs[0]?.at ?? 0)).toBeGreaterThanOrEqual(450)
    // The same event id both times, so a receiver can drop the duplicate.
    expect(json(reqs[0] as Received).id).toBe(json(reqs[1] as Received).id)
  })

  it('does not retry a permanent 4xx', async () => {
    const r = await receiver()
    r.respond = () => ({ status: 400, body: 'bad' })
    const c = await channel({ kind: 'webhook', url: `${r.url}/h`, secret: WEBHOOK_SECRET, events: ['killswitch.on', 'killswitch.off'] })
    const first = await toggle(true)
    expect(await until('failed', () => delivery(c.id, first).then((x) => (x?.state === 'failed' ? x : undefined)))).toMatchObject({ attempts: 1, lastStatus: 400 })
    // The next event goes out after it (same channel, in order): by then a retry of the first would have shown up.
    const second = await toggle(false)
    await until('the second event', () => delivery(c.id, second).then((x) => x?.state === 'failed'))
    expect(forEvent(r, first)).toHaveLength(1)
    expect(forEvent(r, second)).toHaveLength(1)
  })

  it('honours Retry-After on 429', async () => {
    const r = await receiver()
    let n = 0
    r.respond = () => (n++ === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 })
    const c = await channel({ kind: 'webhook', url: `${r.url}/h`, secret: WEBHOOK_SECRET, events: ['killswitch.on'] })
    const id = await toggle(true)
    await passing('delivered', () => delivery(c.id, id).then((x) => x?.state === 'delivered'))
    const reqs = forEvent(r, id)
    expect(reqs).toHaveLength(2)
    expect((reqs[1]?.at ?? 0) - (reqs[0]?.at ?? 0)).toBeGreaterThanOrEqual(1900)
  })

  it('no retry storm: a dead receiver sees one request per backoff step, whatever is queued; the queue drains in order afterwards', async () => {
    const r = await receiver()
    r.respond = () => ({ status: 500 })
    const c = await channel({ kind: 'webhook', url: `${r.url}/h`, secret: WEBHOOK_SECRET, events: ['killswitch.on', 'killswitch.off'] })
    const ids = [await toggle(true), await toggle(false), await toggle(true), await toggle(false)]
    await until('the first attempt', () => r.requests.length >= 1)
    const start = r.requests[0]?.at ?? 0
    // Measure what arrives over 3.4 s of the daemon's clock: with 1 s base backoff (jittered to 0.5-1 s, then 1-2 s, 2-4 s) at most 3.
    await passing('3.4 s of failures', () => clock.now() - start >= 3400 || undefined, 10_000)
    const inWindow = r.requests.filter((q) => q.at - start < 3400)
    expect(inWindow.length).toBeGreaterThanOrEqual(2)
    expect(inWindow.length).toBeLessThanOrEqual(3)
    // Head of line: only the oldest event was tried; the others wait behind it instead of adding requests.
    expect(new Set(inWindow.map((q) => json(q).id))).toEqual(new Set([ids[0]]))
    for (let i = 1; i < inWindow.length; i++) expect((inWindow[i]?.at ?? 0) - (inWindow[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(450)
    const listed = (await t.client.call('notify.list', {}, op)).channels.find((x) => x.id === c.id)
    expect(listed?.failures).toBeGreaterThanOrEqual(2)

    r.respond = () => ({ status: 200 })
    await passing('all four delivered', async () => (await Promise.all(ids.map((id) => delivery(c.id, id)))).every((d) => d?.state === 'delivered'), 20_000)
    const delivered = r.requests.filter((q) => q.at > start).map((q) => json(q).id as string)
    // In event order, each delivered once after the receiver recovered.
    const firstOk = delivered.lastIndexOf(ids[0] as string)
    expect(delivered.slice(firstOk)).toEqual(ids)
    expect((await t.client.call('notify.list', {}, op)).channels.find((x) => x.id === c.id)).toMatchObject({ failures: 0, retryAt: null })
  })

  it('a hanging channel does not delay another channel', async () => {
    const slow = await receiver()
    slow.respond = () => 'hang'
    const fast = await receiver()
    await channel({ kind: 'webhook', url: `${slow.url}/h`, secret: WEBHOOK_SECRET, events: ['killswitch.on'] })
    await channel({ kind: 'webhook', url: `${fast.url}/h`, secret: WEBHOOK_SECRET, events: ['killswitch.on'] })
    const id = await toggle(true)
    await until('the hanging request', () => forEvent(slow, id).length === 1)
    const [got] = await until('the other channel', () => (forEvent(fast, id).length === 1 ? forEvent(fast, id) : undefined), 3000)
    expect(got).toBeDefined()
    // The first is still open (no answer yet) when the second has been delivered.
    expect(forEvent(slow, id)).toHaveLength(1)
  })
})

describe('lock, filters, test, secrets', () => {
  it('waits while the daemon is locked and delivers after unlock', async () => {
    const r = await receiver()
    const c = await channel({ kind: 'webhook', url: `${r.url}/h`, secret: WEBHOOK_SECRET, events: ['killswitch.on'] })
    await t.client.call('vault.lock', {})
    let id: string
    try {
      id = await toggle(true)
      const queued = await until('queued', () => delivery(c.id, id))
      expect(queued).toMatchObject({ state: 'queued', attempts: 0 })
    } finally {
      await t.client.call('vault.unlock', { password: PASSWORD })
    }
    await until('delivered after unlock', () => delivery(c.id, id).then((x) => x?.state === 'delivered'))
    expect(forEvent(r, id)).toHaveLength(1)
  })

  it('a filtered channel gets only its events; notify test reports the status', async () => {
    const r = await receiver()
    const c = await channel({ kind: 'webhook', name: 'offs', url: `${r.url}/h`, secret: WEBHOOK_SECRET, events: ['killswitch.off'] })
    expect(c.events).toEqual(['killswitch.off'])
    const on = await toggle(true)
    const off = await toggle(false)
    await until('the off event', () => forEvent(r, off).length === 1)
    expect(await delivery(c.id, on)).toBeUndefined()
    expect(forEvent(r, on)).toEqual([])

    expect(await t.client.call('notify.test', { id: 'offs' }, op)).toEqual({ channel: c.id, ok: true, status: 200, error: null })
    const test = r.requests.find((q) => json(q).event === 'test')
    expect(json(test as Received).id).toMatch(/^evt_test_/)
    r.respond = () => ({ status: 503 })
    expect(await t.client.call('notify.test', { id: c.id }, op)).toEqual({ channel: c.id, ok: false, status: 503, error: 'HTTP 503' })
    expect((await catchAsync(t.client.call('notify.test', { id: 'nch_nope' }, op))).code).toBe('NOTIFY_CHANNEL_NOT_FOUND')
    expect((await catchAsync(t.client.call('notify.remove', { id: 'nch_nope' }, op))).code).toBe('NOTIFY_CHANNEL_NOT_FOUND')
  })

  it('secrets are in no log line, listing, delivery log, audit entry or database column in the clear', async () => {
    const r = await receiver()
    r.respond = (q) => (q.path.includes('slack') ? { status: 500 } : { status: 200 })
    const added = [
      await channel({ kind: 'webhook', url: `${r.url}/h`, secret: WEBHOOK_SECRET }),
      await channel({ kind: 'slack', url: `${r.url}${SLACK_PATH}` }),
      await channel({ kind: 'discord', url: `${r.url}${DISCORD_PATH}` }),
      await channel({ kind: 'ntfy', server: r.url, topic: 'alerts', token: NTFY_TOKEN }),
      await channel({ kind: 'telegram', botToken: BOT_TOKEN, chatId: '42', userId: '42' }),
    ]
    const id = await toggle(true)
    await until('the failing Slack attempt', () => delivery(added[1]?.id ?? '', id).then((d) => (d?.attempts ?? 0) >= 1))
    await t.client.call('notify.test', { id: added[1]?.id ?? '' }, op)
    const secrets = [WEBHOOK_SECRET, BOT_TOKEN, NTFY_TOKEN, 'slackSECRET', 'discordSECRET', BOT_TOKEN.split(':')[1] as string]
    const outputs = {
      log: fs.readFileSync(t.daemon.paths.logFile, 'utf8'),
      list: JSON.stringify(await t.client.call('notify.list', {}, op)),
      deliveries: JSON.stringify(await t.client.call('notify.deliveries', { limit: 1000 }, op)),
      audit: JSON.stringify(await t.client.call('audit.list', { limit: 1000 })),
      added: JSON.stringify(added),
    }
    expect(outputs.log).toContain('notification failed') // the failures were logged…
    for (const [where, text] of Object.entries(outputs)) for (const s of secrets) expect(text.includes(s), `${s} in ${where}`).toBe(false)
    const db = new Database(t.daemon.paths.db, { readonly: true })
    try {
      const rows = JSON.stringify(db.prepare('SELECT * FROM notify_channels').all()) + JSON.stringify(db.prepare('SELECT * FROM notify_deliveries').all())
      for (const s of secrets) expect(rows.includes(s), s).toBe(false)
    } finally {
      db.close()
    }
  })
})

/**
 * The admin UI's session against a real daemon with the REST plugin, over HTTP (no browser): the login and its
 * cookie, the cookie as the operator's credential with its CSRF token, the acts that need the password again or stay
 * in the CLI, cross-site requests, agent tokens on every admin and operator-only route (enumerated from the OpenAPI
 * document), the idle and absolute expiry on the test clock, the end of every session when the vault is locked or its
 * password changes, and the password throttle per source.
 */
import { describe, expect, it, beforeAll } from 'vitest'
import { parseSetCookie } from 'cookie'
import { ADMIN_IDLE_MS, ADMIN_MAX_AGE_MS, MAX_ADMIN_SESSIONS } from '../../src/daemon/admin-sessions.js'
import { contract } from '../../src/lib/contract/index.js'
import { adminHttp, adminLogin, type AdminLogin } from '../helpers/admin.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { http } from '../helpers/http.js'
import { testClock } from '../helpers/test-clock.js'

const clock = testClock()
const t = useDaemon({ env: { testClockFile: clock.file } })
const op = { password: PASSWORD }
let base = ''

const walletNames = async (): Promise<string[]> => (await t.client.call('wallet.list', {}, op)).wallets.map((w) => w.name)

beforeAll(async () => {
  const enabled = await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)
  base = (enabled.listening ?? '').replace(/\/v1$/, '')
  await t.client.call('wallet.create', { chain: 'evm', name: 'main' }, op)
})

describe('admin login', () => {
  it('sets an HttpOnly, SameSite=Strict cookie on Path=/ (not Secure on loopback) and answers the CSRF token and expiry times', async () => {
    const s = await adminLogin(base, PASSWORD)
    const c = parseSetCookie(s.setCookie)
    expect(c.name).toBe('waiaas_admin')
    expect(c.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect([c.httpOnly, c.sameSite, c.path, c.secure ?? false, c.maxAge, c.domain]).toEqual([true, 'strict', '/', false, undefined, undefined])
    expect(s.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const { expiresAt, idleExpiresAt } = s.res.json.data
    const now = clock.now()
    expect(Date.parse(expiresAt) - now).toBeGreaterThan(ADMIN_MAX_AGE_MS - 60_000)
    expect(Date.parse(expiresAt) - now).toBeLessThanOrEqual(ADMIN_MAX_AGE_MS)
    expect(Date.parse(idleExpiresAt) - now).toBeGreaterThan(ADMIN_IDLE_MS - 60_000)
    expect(s.res.headers['cache-control']).toBe('no-store')

    // The session answers again after a reload; the audit records the login, never the id or the token.
    const again = await adminHttp(base, '/v1/admin/session', s)
    expect([again.status, again.json.data.csrfToken]).toEqual([200, s.csrf])
    const audit = await t.client.call('audit.list', { action: 'admin.login' }, op)
    expect(audit.entries.length).toBeGreaterThanOrEqual(1)
    const text = JSON.stringify(audit.entries)
    expect(text).not.toContain(c.value)
    expect(text).not.toContain(s.csrf)
    expect(audit.entries[0]?.actor).toBe('operator')
  })

  it('answers 401 ADMIN_SESSION_INVALID for no cookie or an unknown one, and clears it', async () => {
    const none = await http(base, '/v1/admin/session')
    expect([none.status, none.json.data]).toEqual([200, null])
    const forged = await adminHttp(base, '/v1/admin/session', { cookie: 'waiaas_admin=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', csrf: 'x' })
    expect([forged.status, forged.json.data]).toEqual([200, null])
    expect(parseSetCookie(String(forged.headers['set-cookie'])).maxAge).toBe(0)
    const route = await adminHttp(base, '/v1/wallet/list', { cookie: 'waiaas_admin=nope', csrf: 'x' })
    expect([route.status, route.json.error.code]).toEqual([401, 'ADMIN_SESSION_INVALID'])
  })

  it('refuses a login body that is not just the password, and a login by form', async () => {
    const extra = await http(base, '/v1/admin/login', { body: { password: PASSWORD, remember: true } })
    expect([extra.status, extra.json.error.code]).toEqual([400, 'INPUT_INVALID'])
    const form = await http(base, '/v1/admin/login', { raw: `password=${encodeURIComponent(PASSWORD)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect([form.status, form.json.error.code]).toEqual([415, 'HTTP_UNSUPPORTED_MEDIA_TYPE'])
  })
})

describe('the cookie as the operator', () => {
  let s: AdminLogin
  beforeAll(async () => {
    s = await adminLogin(base, PASSWORD)
  })

  it('reads with GET without a CSRF token, and acts with POST and the CSRF token', async () => {
    const list = await adminHttp(base, '/v1/wallet/list', s)
    expect([list.status, list.json.data.wallets.map((w: { name: string }) => w.name)]).toEqual([200, ['main']])
    const created = await adminHttp(base, '/v1/wallet/create', s, { body: { chain: 'evm', name: 'by-cookie' } })
    expect([created.status, created.json.data.name]).toEqual([200, 'by-cookie'])
    expect(await walletNames()).toContain('by-cookie')
    const entry = (await t.client.call('audit.list', { action: 'wallet.create', limit: 1 }, op)).entries[0]
    expect(entry?.actor).toBe('operator')
  })

  it('refuses a POST without the CSRF token or with a wrong one: 403 ADMIN_CSRF_INVALID, nothing created', async () => {
    const missing = await adminHttp(base, '/v1/wallet/create', s, { body: { chain: 'evm', name: 'csrf-missing' }, csrf: null })
    expect([missing.status, missing.json.error.code, missing.json.error.details.given]).toEqual([403, 'ADMIN_CSRF_INVALID', false])
    const wrong = await adminHttp(base, '/v1/wallet/create', s, { body: { chain: 'evm', name: 'csrf-wrong' }, csrf: `${s.csrf.slice(0, -1)}${s.csrf.endsWith('A') ? 'B' : 'A'}` })
    expect([wrong.status, wrong.json.error.code, wrong.json.error.details.given]).toEqual([403, 'ADMIN_CSRF_INVALID', true])
    const otherLength = await adminHttp(base, '/v1/wallet/create', s, { body: { chain: 'evm', name: 'csrf-short' }, csrf: 'short' })
    expect([otherLength.status, otherLength.json.error.code]).toEqual([403, 'ADMIN_CSRF_INVALID'])
    // Another session's token is not this one's.
    const other = await adminLogin(base, PASSWORD)
    const crossed = await adminHttp(base, '/v1/wallet/create', { cookie: s.cookie, csrf: other.csrf }, { body: { chain: 'evm', name: 'csrf-crossed' } })
    expect([crossed.status, crossed.json.error.code]).toEqual([403, 'ADMIN_CSRF_INVALID'])
    const names = await walletNames()
    for (const n of ['csrf-missing', 'csrf-wrong', 'csrf-short', 'csrf-crossed']) expect(names).not.toContain(n)
  })

  it('refuses a cross-site form post with the cookie, and a cross-origin fetch: nothing created, no CORS', async () => {
    const evil = { origin: 'http://evil.example' }
    const form = await adminHttp(base, '/v1/wallet/create', s, {
      raw: 'chain=evm&name=evil-form',
      headers: { ...evil, 'content-type': 'application/x-www-form-urlencoded' },
      csrf: null,
    })
    expect([form.status, form.json.error.code]).toEqual([403, 'HTTP_ORIGIN_REFUSED'])
    // Even without an Origin (an old browser), a form carries no CSRF token, and its type is refused too.
    const bare = await adminHttp(base, '/v1/wallet/create', s, { raw: 'chain=evm&name=evil-bare', headers: { 'content-type': 'application/x-www-form-urlencoded' }, csrf: null })
    expect([bare.status, bare.json.error.code]).toEqual([403, 'ADMIN_CSRF_INVALID'])
    const fetchLike = await adminHttp(base, '/v1/wallet/create', s, { body: { chain: 'evm', name: 'evil-fetch' }, headers: evil })
    expect([fetchLike.status, fetchLike.json.error.code]).toEqual([403, 'HTTP_ORIGIN_REFUSED'])
    expect(fetchLike.headers['access-control-allow-origin']).toBeUndefined()
    const preflight = await http(base, '/v1/wallet/create', { method: 'OPTIONS', headers: { ...evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-csrf-token' } })
    expect(preflight.status).toBeGreaterThanOrEqual(400)
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
    const read = await adminHttp(base, '/v1/wallet/list', s, { headers: evil })
    expect([read.status, read.json.error.code]).toEqual([403, 'HTTP_ORIGIN_REFUSED'])
    const names = await walletNames()
    for (const n of ['evil-form', 'evil-bare', 'evil-fetch']) expect(names).not.toContain(n)
  })

  it('asks for the password again to turn the kill switch off: AUTH_PASSWORD_REQUIRED and the switch stays on; with it, off', async () => {
    const on = await adminHttp(base, '/v1/killswitch/on', s, { body: { reason: 'test' } })
    expect([on.status, on.json.data.on]).toEqual([200, true])
    const bare = await adminHttp(base, '/v1/killswitch/off', s, { body: {} })
    expect([bare.status, bare.json.error.code, bare.json.error.details.method]).toEqual([401, 'AUTH_PASSWORD_REQUIRED', 'killswitch.off'])
    expect(bare.json.error.hint).toMatch(/X-Master-Password/)
    expect((await t.client.call('killswitch.status', {})).on).toBe(true)
    const wrong = await adminHttp(base, '/v1/killswitch/off', s, { body: {}, password: 'not the password!' })
    expect([wrong.status, wrong.json.error.code]).toEqual([401, 'AUTH_BAD_PASSWORD'])
    expect((await t.client.call('killswitch.status', {})).on).toBe(true)
    const off = await adminHttp(base, '/v1/killswitch/off', s, { body: {}, password: PASSWORD })
    expect([off.status, off.json.data.on]).toEqual([200, false])
    // The CSRF token is still needed when the password is given.
    await adminHttp(base, '/v1/killswitch/on', s, { body: {} })
    const noCsrf = await adminHttp(base, '/v1/killswitch/off', s, { body: {}, password: PASSWORD, csrf: null })
    expect([noCsrf.status, noCsrf.json.error.code]).toEqual([403, 'ADMIN_CSRF_INVALID'])
    expect((await t.client.call('killswitch.status', {})).on).toBe(true)
    await t.client.call('killswitch.off', {}, op)
    const reauth = Object.entries(contract).filter(([, d]) => 'reauth' in d && d.reauth === true).map(([m]) => m)
    expect(reauth.sort()).toEqual(['backup.create', 'killswitch.off', 'vault.changePassword'])
  })

  it('keeps key import and export in the CLI: 403 ADMIN_CLI_ONLY naming the command, even with the password', async () => {
    const exp = await adminHttp(base, '/v1/wallet/export', s, { body: { wallet: 'main' }, password: PASSWORD })
    expect([exp.status, exp.json.error.code, exp.json.error.details.command]).toEqual([403, 'ADMIN_CLI_ONLY', 'waiaas wallet export'])
    expect(exp.json.error.hint).toContain('`waiaas wallet export`')
    expect(exp.text).not.toMatch(/keystore|crypto|ciphertext/i)
    const imp = await adminHttp(base, '/v1/wallet/import', s, { body: { chain: 'evm', format: 'private-key', secret: `0x${'11'.repeat(32)}` } })
    expect([imp.status, imp.json.error.code, imp.json.error.details.command]).toEqual([403, 'ADMIN_CLI_ONLY', 'waiaas wallet import'])
    expect((await t.client.call('audit.list', { action: 'wallet.export' }, op)).entries).toEqual([])
  })

  it('never raises an agent token: with a Bearer token the cookie is ignored', async () => {
    const token = (await t.client.call('session.create', { wallets: ['main'], permissions: ['read'] }, op)).token
    const both = await adminHttp(base, '/v1/wallet/create', s, { body: { chain: 'evm', name: 'token-and-cookie' }, token })
    expect([both.status, both.json.error.code]).toEqual([403, 'SESSION_SCOPE'])
    expect(await walletNames()).not.toContain('token-and-cookie')
  })

  it('ends the session at logout (CSRF needed) and clears the cookie', async () => {
    const mine = await adminLogin(base, PASSWORD)
    const noCsrf = await adminHttp(base, '/v1/admin/logout', mine, { body: {}, csrf: null })
    expect([noCsrf.status, noCsrf.json.error.code]).toEqual([403, 'ADMIN_CSRF_INVALID'])
    const out = await adminHttp(base, '/v1/admin/logout', mine, { body: {} })
    expect([out.status, out.json.data]).toEqual([200, { loggedOut: true }])
    const cleared = parseSetCookie(String(out.headers['set-cookie']))
    expect([cleared.name, cleared.value, cleared.maxAge, cleared.httpOnly, cleared.sameSite]).toEqual(['waiaas_admin', '', 0, true, 'strict'])
    const after = await adminHttp(base, '/v1/admin/session', mine)
    expect([after.status, after.json.data]).toEqual([200, null])
    const call = await adminHttp(base, '/v1/wallet/list', mine)
    expect([call.status, call.json.error.code]).toEqual([401, 'ADMIN_SESSION_INVALID'])
    // The other session lives on.
    expect((await adminHttp(base, '/v1/admin/session', s)).json.data?.csrfToken).toBe(s.csrf)
  })
})

describe('agent tokens', () => {
  it('are refused on every admin route and every operator-only route the OpenAPI document lists', async () => {
    const token = (await t.client.call('session.create', { wallets: ['main'] }, op)).token
    const doc = (await http(base, '/v1/openapi.json')).json
    const ops = Object.entries(doc.paths as Record<string, Record<string, { 'x-waiaas-role'?: string; security: Record<string, unknown>[] }>>).flatMap(([path, item]) =>
      Object.entries(item).map(([verb, o]) => ({ path, verb: verb.toUpperCase(), o })),
    )
    const admin = ops.filter((x) => x.path.startsWith('/v1/admin/'))
    const operatorOnly = ops.filter((x) => x.o['x-waiaas-role'] === 'operator')
    expect(admin.map((x) => `${x.verb} ${x.path}`).sort()).toEqual(['GET /v1/admin/session', 'POST /v1/admin/login', 'POST /v1/admin/logout'])
    expect(operatorOnly.length).toBeGreaterThan(20)
    // No admin route or operator-only operation names the bearer scheme.
    for (const x of [...admin, ...operatorOnly]) expect(x.o.security.some((sec) => 'bearerAuth' in sec), `${x.verb} ${x.path}`).toBe(false)
    const before = await walletNames()
    for (const x of [...admin, ...operatorOnly]) {
      const body = x.path === '/v1/admin/login' ? { password: PASSWORD } : x.path === '/v1/wallet/create' ? { chain: 'evm', name: 'by-token' } : {}
      const res = await http(base, x.path, { method: x.verb, token, ...(x.verb === 'POST' ? { body } : {}) })
      expect([401, 403], `${x.verb} ${x.path}: ${res.text}`).toContain(res.status)
      expect(res.headers['set-cookie'], `${x.verb} ${x.path}`).toBeUndefined()
    }
    expect(await walletNames()).toEqual(before)
  })
})

describe('expiry on the daemon clock', () => {
  it('ends a session idle for 15 minutes, and keeps one in use', async () => {
    const idle = await adminLogin(base, PASSWORD)
    const used = await adminLogin(base, PASSWORD)
    clock.advance(ADMIN_IDLE_MS - 60_000)
    expect((await adminHttp(base, '/v1/wallet/list', used)).status).toBe(200)
    clock.advance(2 * 60_000)
    const gone = await adminHttp(base, '/v1/wallet/list', idle)
    expect([gone.status, gone.json.error.code]).toEqual([401, 'ADMIN_SESSION_INVALID'])
    const alive = await adminHttp(base, '/v1/admin/session', used)
    expect([alive.status, typeof alive.json.data?.csrfToken]).toEqual([200, 'string'])
    expect(Date.parse(alive.json.data.idleExpiresAt)).toBeGreaterThan(clock.now() + ADMIN_IDLE_MS - 60_000)
  })

  it('ends a session 12 hours after the login even while in use', async () => {
    const s = await adminLogin(base, PASSWORD)
    const end = Date.parse(s.res.json.data.expiresAt)
    while (clock.now() < end - 10 * 60_000) {
      clock.advance(10 * 60_000)
      const r = await adminHttp(base, '/v1/admin/session', s)
      expect([r.status, typeof r.json.data?.csrfToken]).toEqual([200, 'string'])
    }
    clock.advance(10 * 60_000)
    const gone = await adminHttp(base, '/v1/admin/session', s)
    expect([gone.status, gone.json.data]).toEqual([200, null])
  })
})

describe('the vault', () => {
  it('ends every admin session when it is locked', async () => {
    const s = await adminLogin(base, PASSWORD)
    await t.client.call('vault.lock', {})
    await t.client.call('vault.unlock', { password: PASSWORD })
    const gone = await adminHttp(base, '/v1/admin/session', s)
    expect([gone.status, gone.json.data]).toEqual([200, null])
    // While locked, a login is refused rather than making a session that can do nothing.
    await t.client.call('vault.lock', {})
    const locked = await http(base, '/v1/admin/login', { body: { password: PASSWORD } })
    expect([locked.status, locked.json.error.code, locked.headers['set-cookie']]).toEqual([423, 'KEYSTORE_LOCKED', undefined])
    await t.client.call('vault.unlock', { password: PASSWORD })
  })

  it('ends every admin session when the master password changes (asked again through the cookie)', async () => {
    const a = await adminLogin(base, PASSWORD)
    const b = await adminLogin(base, PASSWORD)
    const NEW = 'another long master password'
    const bare = await adminHttp(base, '/v1/vault/changePassword', a, { body: { newPassword: NEW } })
    expect([bare.status, bare.json.error.code]).toEqual([401, 'AUTH_PASSWORD_REQUIRED'])
    const changed = await adminHttp(base, '/v1/vault/changePassword', a, { body: { newPassword: NEW }, password: PASSWORD })
    expect([changed.status, changed.json.data.changed]).toEqual([200, true])
    for (const s of [a, b]) {
      const r = await adminHttp(base, '/v1/admin/session', s)
      expect([r.status, r.json.data]).toEqual([200, null])
    }
    await t.client.call('vault.changePassword', { newPassword: PASSWORD }, { password: NEW })
  })
})

describe('many logins', () => {
  it(`keeps at most ${MAX_ADMIN_SESSIONS} sessions: a new login ends the oldest`, async () => {
    const sessions: AdminLogin[] = []
    for (let i = 0; i <= MAX_ADMIN_SESSIONS; i++) sessions.push(await adminLogin(base, PASSWORD))
    const first = await adminHttp(base, '/v1/admin/session', sessions[0] as AdminLogin)
    expect([first.status, first.json.data]).toEqual([200, null])
    for (const s of sessions.slice(1)) expect((await adminHttp(base, '/v1/admin/session', s)).json.data?.csrfToken).toBe(s.csrf)
    expect(new Set(sessions.map((s) => s.cookie)).size).toBe(sessions.length)
  })
})

// Last: wrong passwords start the throttle of the loopback source.
describe('the password throttle', () => {
  it('answers a wrong login 401 AUTH_BAD_PASSWORD, then 429 AUTH_THROTTLED for that source, while the socket still works', async () => {
    const codes: string[] = []
    for (let i = 0; i < 5; i++) {
      const r = await http(base, '/v1/admin/login', { body: { password: 'wrong password!!' } })
      expect(r.status).toBe(r.json.error.code === 'AUTH_THROTTLED' ? 429 : 401)
      expect(r.headers['set-cookie']).toBeUndefined()
      codes.push(r.json.error.code)
    }
    expect(codes[0]).toBe('AUTH_BAD_PASSWORD')
    expect(codes.at(-1)).toBe('AUTH_THROTTLED')
    // Even the right password waits on this source…
    const right = await http(base, '/v1/admin/login', { body: { password: PASSWORD } })
    expect([right.status, right.json.error.code, right.json.error.details.source]).toEqual([429, 'AUTH_THROTTLED', 'http:loopback'])
    // …and the owner's socket is another source.
    expect((await t.client.call('wallet.list', {}, op)).wallets.length).toBeGreaterThan(0)
    // The first failures are audited one by one under the act tried, with the source.
    const denied = (await t.client.call('audit.list', { action: 'admin.login' }, op)).entries.filter((e) => e.outcome === 'denied')
    expect(denied.map((e) => [e.details.reason, e.details.source])).toContainEqual(['bad-password', 'http:loopback'])
  })
})

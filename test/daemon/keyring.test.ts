/**
 * The keyring against a real SQLite file and the real KDF, with a fake clock: the throttle holds for every path
 * (even the right password, even while unlocked), failures persist, and a grant's key is wiped on release. The
 * throttle is per source: HTTP clients never lock out the socket, and their failures reach the audit log as bounded
 * summaries that still count every attempt.
 */
import { describe, expect, it } from 'vitest'
import { httpSource, WINDOW_MS } from '../../src/daemon/auth-throttle.js'
import { Keyring } from '../../src/daemon/keyring.js'
import { createLogger } from '../../src/daemon/log.js'
import { listAudit, verifyAudit } from '../../src/daemon/store/audit.js'
import { getMeta, setMeta } from '../../src/daemon/store/meta.js'
import { useTempDb } from '../helpers/db.js'
import { catchAsync } from '../helpers/errors.js'
import path from 'node:path'

const PASSWORD = 'correct horse battery staple'
const t = useTempDb()

function keyring(clock: { now: number }): Keyring {
  return new Keyring(t.db, createLogger(path.join(t.dir, 'test.log')), () => clock.now)
}

describe('keyring', () => {
  it('throttles after three failures even for the right password while unlocked, then recovers', async () => {
    const clock = { now: 1_000_000 }
    const k = keyring(clock)
    await k.init(PASSWORD, 'test', {})
    expect(k.locked).toBe(false)
    for (let i = 1; i <= 3; i++) {
      const e = await catchAsync(k.authorize('wrong password!', 'operator', 'wallet.create'))
      expect(e.code).toBe('AUTH_BAD_PASSWORD')
      expect(e.details.failures).toBe(i)
    }
    const throttled = await catchAsync(k.authorize(PASSWORD, 'operator', 'wallet.create'))
    expect(throttled.code).toBe('AUTH_THROTTLED')
    expect(throttled.details.retryAfterMs).toBe(1000)

    // A restart (a new keyring on the same database) does not reset the count.
    const k2 = keyring(clock)
    expect((await catchAsync(k2.unlock(PASSWORD, 'daemon'))).code).toBe('AUTH_THROTTLED')

    clock.now += 1000
    const grant = await k.authorize(PASSWORD, 'operator', 'wallet.create')
    expect(grant.dataKey).toHaveLength(32)
    // Success reset the count: the next failure is the first again, not throttled.
    const again = await catchAsync(k.authorize('wrong password!', 'operator', 'wallet.create'))
    expect(again.details.failures).toBe(1)

    // Newest first: the first three failures one by one, the two throttled attempts as one summary written when the
    // socket succeeded (not one row each), then the new first failure.
    const denied = listAudit(t.db, { limit: 100 }).filter((e) => e.outcome === 'denied')
    expect(denied.map((e) => e.details.reason)).toEqual(['bad-password', 'repeated-failures', 'bad-password', 'bad-password', 'bad-password'])
    expect(denied[1]).toMatchObject({ action: 'auth.failures', details: { source: 'socket', sourceKind: 'socket', failures: 0, throttled: 2, streak: 3 } })
  })

  it('grants a transient key while locked and wipes it on release; the held key survives release', async () => {
    const clock = { now: 0 }
    const k = keyring(clock)
    await k.init(PASSWORD, 'test', {})
    const held = await k.authorize(PASSWORD, 'operator', 'x')
    held.release()
    expect(held.dataKey.some((b) => b !== 0)).toBe(true)
    k.lock()
    expect(held.dataKey.every((b) => b === 0)).toBe(true) // lock wiped the unlocked key in place
    const transient = await k.authorize(PASSWORD, 'operator', 'x')
    expect(k.locked).toBe(true)
    expect(transient.dataKey.some((b) => b !== 0)).toBe(true)
    transient.release()
    expect(transient.dataKey.every((b) => b === 0)).toBe(true)
  })

  it('changes the password: the old one stops working, the new one unlocks', async () => {
    const k = keyring({ now: 0 })
    await k.init(PASSWORD, 'test', {})
    const grant = await k.authorize(PASSWORD, 'operator', 'vault.changePassword')
    await k.changePassword(grant, 'another long password', 'operator', {})
    k.lock()
    expect((await catchAsync(k.unlock(PASSWORD, 'operator'))).code).toBe('AUTH_BAD_PASSWORD')
    await k.unlock('another long password', 'operator')
    expect(k.locked).toBe(false)
  })

  it('keys HTTP clients by address: all of loopback is one source, IPv6 by its /64, never by port', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(httpSource(a), a).toBe('http:loopback')
    expect(httpSource('::ffff:203.0.113.7')).toBe('http:203.0.113.7')
    expect(httpSource('203.0.113.7')).toBe('http:203.0.113.7')
    expect(httpSource('2001:db8:1:2:3:4:5:6')).toBe('http:2001:db8:1:2::/64')
    expect(httpSource('2001:0db8:0001:0002::9%eth0')).toBe('http:2001:db8:1:2::/64')
    expect(httpSource('2001:db8::1')).toBe('http:2001:db8:0:0::/64')
    expect(httpSource(undefined)).toBe('http:unknown')
  })

  it('throttles the failing HTTP source only: the socket keeps working, and the HTTP source stays throttled', async () => {
    const clock = { now: 5_000_000 }
    const k = keyring(clock)
    await k.init(PASSWORD, 'test', {})
    k.lock()
    const http = 'http:loopback'
    for (let i = 1; i <= 3; i++) expect((await catchAsync(k.authorize('wrong password!', 'operator', 'x', http))).code).toBe('AUTH_BAD_PASSWORD')
    const held = await catchAsync(k.authorize(PASSWORD, 'operator', 'x', http))
    expect(held.code).toBe('AUTH_THROTTLED')
    expect(held.details).toMatchObject({ source: http, failures: 3, retryAfterMs: 1000 })
    // The owner on the socket is not affected, locked or unlocked.
    ;(await k.authorize(PASSWORD, 'operator', 'x')).release()
    await k.unlock(PASSWORD, 'operator')
    // A success on the socket does not lift the HTTP source's throttle.
    expect((await catchAsync(k.authorize('wrong password!', 'operator', 'x', http))).code).toBe('AUTH_THROTTLED')
    // Another address has its own count.
    expect((await catchAsync(k.authorize('wrong password!', 'operator', 'x', 'http:203.0.113.7'))).details.failures).toBe(1)
  })

  it('bounds the audit rows of a flood and still counts every attempt, in the hash chain', async () => {
    const clock = { now: 9_000_000 }
    const k = keyring(clock)
    await k.init(PASSWORD, 'test', {})
    const http = 'http:loopback'
    const N = 400
    const codes = new Map<string, number>()
    for (let i = 0; i < N; i++) {
      const e = await catchAsync(k.authorize(`wrong password ${i}`, 'operator', 'policy.add', http))
      codes.set(e.code, (codes.get(e.code) ?? 0) + 1)
      clock.now += 15
    }
    // 6 s of attempts every 15 ms: the backoff (1 s, 2 s) let a few be checked; the rest were refused unchecked.
    const checked = codes.get('AUTH_BAD_PASSWORD') ?? 0
    expect(checked).toBeGreaterThanOrEqual(3)
    expect(checked).toBeLessThan(8)
    expect(checked + (codes.get('AUTH_THROTTLED') ?? 0)).toBe(N)
    // Rows so far: the first three failures, one by one; the rest wait in the open window.
    const rows = () => listAudit(t.db, { limit: 1000 }).filter((e) => e.outcome === 'denied')
    expect(rows()).toHaveLength(3)
    // The window closes with the next attempt after it ends (any source), and is written as one entry.
    clock.now += WINDOW_MS
    ;(await k.authorize(PASSWORD, 'operator', 'status')).release()
    const summaries = rows().filter((e) => e.action === 'auth.failures')
    expect(summaries).toHaveLength(1)
    expect(summaries[0]?.details).toMatchObject({ source: http, sourceKind: 'http', lastAction: 'policy.add', streak: checked })
    expect(Number(summaries[0]?.details.failures) + Number(summaries[0]?.details.throttled)).toBe(N - 3)
    expect(Date.parse(String(summaries[0]?.details.lastAt)) - Date.parse(String(summaries[0]?.details.firstAt))).toBeGreaterThan(5000)
    expect(rows()).toHaveLength(4)
    expect(verifyAudit(t.db).valid).toBe(true)
  })

  it('refuses at once what waits beyond a bound per HTTP source, and counts it', async () => {
    const clock = { now: 20_000_000 }
    const k = keyring(clock)
    await k.init(PASSWORD, 'test', {})
    k.lock()
    const all = await Promise.all(Array.from({ length: 30 }, (_, i) => catchAsync(k.authorize(`wrong ${i} wrong`, 'operator', 'x', 'http:loopback'))))
    expect(all.filter((e) => e.code === 'AUTH_BAD_PASSWORD')).toHaveLength(3)
    expect(all.filter((e) => e.code === 'AUTH_THROTTLED')).toHaveLength(27)
    k.close()
    const summary = listAudit(t.db, { limit: 100 }).find((e) => e.action === 'auth.failures')
    expect(summary?.details).toMatchObject({ failures: 0, throttled: 27 })
  })

  it('reads the global counter of older versions as the socket\'s, and keeps the state across restarts', async () => {
    const clock = { now: 30_000_000 }
    const k = keyring(clock)
    await k.init(PASSWORD, 'test', {})
    setMeta(t.db, 'auth_failures', { count: 5, lastAt: clock.now })
    expect((await catchAsync(k.authorize(PASSWORD, 'operator', 'x'))).details).toMatchObject({ source: 'socket', failures: 5, retryAfterMs: 4000 })
    expect(getMeta(t.db, 'auth_failures')).toBeUndefined()
    // Restarted: the count is still there, for the socket only.
    const k2 = keyring(clock)
    expect((await catchAsync(k2.authorize(PASSWORD, 'operator', 'x'))).code).toBe('AUTH_THROTTLED')
    ;(await k2.authorize(PASSWORD, 'operator', 'x', 'http:loopback')).release()
  })
})

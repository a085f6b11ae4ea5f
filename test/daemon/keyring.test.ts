/**
 * The keyring against a real SQLite file and the real KDF, with a fake clock: the throttle holds for every path
 * (even the right password, even while unlocked), failures persist, and a grant's key is wiped on release.
 */
import { describe, expect, it } from 'vitest'
import { Keyring } from '../../src/daemon/keyring.js'
import { createLogger } from '../../src/daemon/log.js'
import { listAudit } from '../../src/daemon/store/audit.js'
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

    const denied = listAudit(t.db, { limit: 100 }).filter((e) => e.outcome === 'denied')
    expect(denied.map((e) => e.details.reason)).toEqual(['bad-password', 'throttled', 'throttled', 'bad-password', 'bad-password', 'bad-password'])
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
})

/** The pure parts of notifications: which audit entries are events, retry classification and backoff bounds. */
import { describe, expect, it } from 'vitest'
import { authFailureAlert, describe as describeEvent, eventOf } from '../../src/daemon/notify/events.js'
import { backoffMs, permanent } from '../../src/daemon/notify/notifier.js'
import { retryAfter } from '../../src/daemon/notify/http.js'
import { scrub, secretStrings } from '../../src/daemon/notify/store.js'
import type { AuditEntry } from '../../src/daemon/store/audit.js'

const entry = (action: string, outcome: AuditEntry['outcome'], details: Record<string, unknown> = {}): AuditEntry => ({
  seq: 1, ts: '2025-01-01T00:00:00.000Z', actor: 'daemon', action, target: 'req_1', outcome, details, prevHash: '', hash: '',
})

describe('audit entry → event', () => {
  it('maps decisions by tier; INSTANT is no event', () => {
    expect(eventOf(entry('tx.decision', 'denied', { tier: 'DENY' }))).toBe('tx.denied')
    expect(eventOf(entry('tx.decision', 'ok', { tier: 'DELAY' }))).toBe('tx.delayed')
    expect(eventOf(entry('tx.decision', 'ok', { tier: 'APPROVAL' }))).toBe('tx.awaiting_approval')
    expect(eventOf(entry('tx.decision', 'ok', { tier: 'NOTIFY' }))).toBe('tx.notify')
    expect(eventOf(entry('tx.decision', 'ok', { tier: 'INSTANT' }))).toBeUndefined()
  })

  it('maps state changes, monitor findings and the kill switch; ignores the rest', () => {
    const cases: [string, string | undefined][] = [
      ['tx.approve', 'tx.approved'], ['tx.reject', 'tx.rejected'], ['tx.expired', 'tx.expired'], ['tx.submitted', 'tx.submitted'],
      ['tx.confirmed', 'tx.confirmed'], ['tx.failed', 'tx.failed'], ['incoming.transfer', 'incoming'], ['balance.low', 'balance.low'],
      ['killswitch.on', 'killswitch.on'], ['killswitch.off', 'killswitch.off'], ['policy.add', undefined], ['tx.signed', undefined], ['notify.add', undefined],
    ]
    for (const [action, event] of cases) expect(eventOf(entry(action, action === 'tx.failed' ? 'failed' : 'ok')), action).toBe(event)
    expect(eventOf(entry('tx.request', 'denied', { reason: 'kill switch on' }))).toBe('tx.denied')
  })

  it('raises auth.failures at the 3rd failed password and every 5th after, not on throttled attempts', () => {
    const raised = Array.from({ length: 20 }, (_, i) => i + 1).filter((n) => eventOf(entry('vault.unlock', 'denied', { reason: 'bad-password', failures: n })) === 'auth.failures')
    expect(raised).toEqual([3, 8, 13, 18])
    expect(authFailureAlert(2)).toBe(false)
    expect(eventOf(entry('vault.unlock', 'denied', { reason: 'throttled', failures: 3 }))).toBeUndefined()
  })

  it('raises auth.failures for each summary of a source\'s failures, and says how many, from where and when', () => {
    const details = { reason: 'repeated-failures', source: 'http:loopback', sourceKind: 'http', failures: 2, throttled: 40, firstAt: '2030-01-01T00:00:00.000Z', lastAt: '2030-01-01T00:00:59.000Z', streak: 5, lastAction: 'wallet.list' }
    expect(eventOf(entry('auth.failures', 'denied', details))).toBe('auth.failures')
    const { text } = describeEvent({ id: 'evt_1', event: 'auth.failures', at: '2030-01-01T00:01:00.000Z', data: { action: 'auth.failures', actor: 'operator', ...details } })
    expect(text).toContain('2 wrong and 40 throttled master-password attempts from http:loopback')
    expect(text).toContain('between 2030-01-01T00:00:00.000Z and 2030-01-01T00:00:59.000Z')
  })
})

describe('delivery policy', () => {
  it('4xx other than 408 and 429 is permanent; 5xx, 408, 429 and no answer are retried', () => {
    for (const s of [400, 401, 403, 404, 410, 413, 422]) expect(permanent(s), String(s)).toBe(true)
    for (const s of [408, 429, 500, 502, 503, null]) expect(permanent(s), String(s)).toBe(false)
  })

  it('backs off exponentially with jitter, capped at 5 minutes', () => {
    expect(backoffMs(1000, 1, () => 0)).toBe(500)
    expect(backoffMs(1000, 1, () => 1)).toBe(1000)
    expect(backoffMs(1000, 3, () => 0.5)).toBe(3000)
    expect(backoffMs(1000, 30, () => 1)).toBe(300_000)
    expect(backoffMs(1000, 30, () => 0)).toBe(150_000)
  })

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfter('7')).toBe(7000)
    expect(retryAfter(undefined)).toBeNull()
    expect(retryAfter('soon')).toBeNull()
    const inFuture = retryAfter(new Date(Date.now() + 60_000).toUTCString()) ?? 0
    expect(inFuture).toBeGreaterThan(50_000)
  })

  it('scrubs a secret URL, its path and tokens out of text', () => {
    const s = secretStrings({ url: 'https://hooks.slack.com/services/T0/B0/XYZSECRET', botToken: '1:ABCDEFGH' })
    expect(scrub('POST https://hooks.slack.com/services/T0/B0/XYZSECRET failed; path /services/T0/B0/XYZSECRET; bot1:ABCDEFGH', s)).toBe(
      'POST [REDACTED] failed; path [REDACTED]; bot[REDACTED]',
    )
  })
})

describe('chat text', () => {
  it('shows monitor amounts in whole units when the decimals are known', async () => {
    const { describe: text } = await import('../../src/daemon/notify/events.js')
    const low = text({ id: 'evt_9', event: 'balance.low', at: 'now', data: { wallet: 'hot', network: 'eip155:31337', balance: '500000000000000000', threshold: '1000000000000000000', symbol: 'ETH', decimals: 18 } })
    expect(low.text).toContain('balance 0.5 ETH, below 1 ETH')
    const inc = text({ id: 'evt_10', event: 'incoming', at: 'now', data: { wallet: 'hot', network: 'eip155:31337', amount: '2500000', symbol: 'USDC', decimals: 6, from: '0xabc' } })
    expect(inc.text).toContain('2.5 USDC to wallet hot')
  })
})

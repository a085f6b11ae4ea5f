/** The one duration grammar (src/lib/durations.ts) and every place that takes a duration through it. */
import { describe, expect, it } from 'vitest'
import { contract } from '../../src/lib/contract/index.js'
import { checkDuration, DURATIONS, durationFlag, formatDuration, parseDuration } from '../../src/lib/durations.js'
import { sinceFlag } from '../../src/cli/incoming-render.js'
import { findSetting, parseSetting } from '../../src/lib/settings.js'
import { catchErr } from '../helpers/errors.js'

const seconds = { field: '--x', unit: 's', min: 0, max: 10 ** 9 } as const

describe('the duration grammar', () => {
  it('reads every unit, decimals, compound terms and plain numbers in the field unit', () => {
    const cases: [string, number][] = [
      ['90s', 90], ['15m', 900], ['1h', 3600], ['1.5h', 5400], ['2d', 172_800], ['2w', 1_209_600], ['1h30m', 5400],
      ['1w2d3h4m5s', 604_800 + 172_800 + 10_800 + 240 + 5], ['2000ms', 2], ['300', 300], ['0.25m', 15], [' 7d ', 604_800],
    ]
    for (const [text, want] of cases) expect(parseDuration(text, seconds), text).toBe(want)
    expect(parseDuration('1500ms', { field: '--t', unit: 'ms', min: 0, max: 10_000 })).toBe(1500)
    expect(parseDuration('90', { field: '--t', unit: 'ms', min: 0, max: 10 ** 6, plain: 's' })).toBe(90_000)
    expect(parseDuration('2', { field: 'h', unit: 'h', min: 0, max: 100 })).toBe(2)
    expect(parseDuration('1d', { field: 'h', unit: 'h', min: 0, max: 100 })).toBe(24)
  })

  it('refuses what is not the grammar, with INPUT_INVALID naming the field, the grammar and the bounds', () => {
    for (const bad of ['', 'abc', '1y', '5 m', '-5s', '1e3s', '1H', '1.s', 's', '1h 30m', '0x10', 'Infinity', '9'.repeat(70)]) {
      const e = catchErr(() => parseDuration(bad, { field: 'rules.delay_seconds', unit: 's', min: 1, max: 2_592_000 }))
      expect(e.code, bad).toBe('INPUT_INVALID')
      expect(e.details, bad).toMatchObject({ field: 'rules.delay_seconds', issue: 'not-a-duration', min: '1s', max: '30d' })
      expect(e.hint, bad).toContain('ms, s, m, h, d')
      expect(e.hint, bad).toContain('from 1s to 30d')
    }
  })

  it('allows decimals only where they give a whole number of the unit', () => {
    expect(checkDuration('0.5s', seconds)).toMatchObject({ ok: false, issue: 'not-whole' })
    expect(checkDuration('1.5s', { unit: 'ms', min: 0, max: 10_000 })).toEqual({ ok: true, value: 1500 })
    expect(checkDuration('0.1h', seconds)).toEqual({ ok: true, value: 360 })
    expect(checkDuration(1.5, seconds)).toMatchObject({ ok: false, issue: 'not-whole' })
  })

  it('checks the bounds of each field and says them in its own units', () => {
    const ttl = { ...DURATIONS.sessionTtl, field: '--ttl' }
    expect(parseDuration('2w', ttl)).toBe(1_209_600)
    expect(parseDuration('30d', ttl)).toBe(2_592_000)
    const tooLong = catchErr(() => parseDuration('31d', ttl))
    expect(tooLong.details).toMatchObject({ field: '--ttl', issue: 'too-large', max: '30d', min: '1m' })
    expect(catchErr(() => parseDuration('59s', ttl)).details).toMatchObject({ issue: 'too-small' })
    expect(durationFlag('1d', '--timeout', DURATIONS.waitTimeout)).toBe(86_400_000)
    expect(durationFlag('90', '--timeout', DURATIONS.waitTimeout)).toBe(90_000)
    expect(catchErr(() => durationFlag('2d', '--timeout', DURATIONS.waitTimeout)).details).toMatchObject({ field: '--timeout', issue: 'too-large', max: '1d' })
  })

  it('formats bounds in the largest whole unit', () => {
    expect(formatDuration(2_592_000, 's')).toBe('30d')
    expect(formatDuration(1_209_600, 's')).toBe('2w')
    expect(formatDuration(5400, 's')).toBe('90m')
    expect(formatDuration(1500, 'ms')).toBe('1500ms')
    expect(formatDuration(0, 's')).toBe('0ms')
  })
})

describe('every duration goes through it', () => {
  it('--since: a duration back from now, an ISO time, or INPUT_INVALID', () => {
    const now = Date.parse('2026-03-01T00:00:00Z')
    expect(sinceFlag('2w', now)).toBe('2026-02-15T00:00:00.000Z')
    expect(sinceFlag('1.5h', now)).toBe('2026-02-28T22:30:00.000Z')
    expect(sinceFlag('2026-01-01T00:00:00Z', now)).toBe('2026-01-01T00:00:00Z')
    for (const bad of ['yesterday', '2026', '2026-13-45']) expect(catchErr(() => sinceFlag(bad, now)).details.field, bad).toBe('--since')
  })

  it('settings: WAIAAS_APPROVAL_TTL_SECONDS=2d and monitor.intervalMs 1.5s, plain numbers in their unit, bounds kept', () => {
    const ttl = findSetting('approval.ttlSeconds')!
    expect(parseSetting(ttl, '2d')).toEqual({ ok: true, value: 172_800 })
    expect(parseSetting(ttl, '1200')).toEqual({ ok: true, value: 1200 })
    expect(parseSetting(ttl, 1200)).toEqual({ ok: true, value: 1200 })
    expect(parseSetting(ttl, '31d')).toMatchObject({ ok: false })
    expect(parseSetting(findSetting('monitor.intervalMs')!, '1.5s')).toEqual({ ok: true, value: 1500 })
    expect(parseSetting(findSetting('backup.intervalHours')!, '1w')).toEqual({ ok: true, value: 168 })
    expect(parseSetting(findSetting('pipeline.tickMs')!, '5')).toMatchObject({ ok: false })
  })

  it('the contract: session.create ttlSeconds and tx.wait timeoutMs take a number or the grammar', () => {
    const session = contract['session.create'].input
    expect(session.parse({ wallets: ['w'], ttlSeconds: '2w' }).ttlSeconds).toBe(1_209_600)
    expect(session.parse({ wallets: ['w'], ttlSeconds: 3600 }).ttlSeconds).toBe(3600)
    expect(session.parse({ wallets: ['w'] }).ttlSeconds).toBe(86_400)
    expect(session.safeParse({ wallets: ['w'], ttlSeconds: '45d' }).success).toBe(false)
    expect(session.safeParse({ wallets: ['w'], ttlSeconds: 30.5 }).success).toBe(false)
    const wait = contract['tx.wait'].input
    expect(wait.parse({ id: 'r', timeoutMs: '90s' }).timeoutMs).toBe(90_000)
    expect(wait.parse({ id: 'r', timeoutMs: 250 }).timeoutMs).toBe(250)
    expect(wait.safeParse({ id: 'r', timeoutMs: '1h' }).success).toBe(false)
  })
})

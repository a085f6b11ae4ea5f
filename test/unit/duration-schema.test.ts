/** The one zod helper of the duration grammar: what contract fields, rule fields and settings parse with. */
import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { durationSchema } from '../../src/lib/duration-schema.js'
import { DURATIONS } from '../../src/lib/durations.js'
import { findSetting, parseSetting } from '../../src/lib/settings.js'

describe('durationSchema', () => {
  const ttl = durationSchema({ unit: 's', min: 1, max: 30 * 86_400 }, 'How long it waits')

  it('parses the grammar and plain numbers into whole units', () => {
    expect(ttl.parse('1.5h')).toBe(5400)
    expect(ttl.parse(90)).toBe(90)
    expect(durationSchema(DURATIONS.waitTimeout).parse(90)).toBe(90_000) // a plain number in the plain unit
  })

  it('refuses with a custom issue naming the kind of problem', () => {
    const issueOf = (v: unknown): unknown => {
      const r = ttl.safeParse(v)
      return r.success ? null : (r.error.issues[0] as { params?: unknown } | undefined)?.params
    }
    expect(issueOf('31d')).toEqual({ issue: 'too-large' })
    expect(issueOf('0.5s')).toEqual({ issue: 'not-whole' })
    expect(issueOf('soon')).toEqual({ issue: 'not-a-duration' })
    expect(issueOf(true)).toEqual({ issue: 'invalid_type' })
  })

  it('describes itself in JSON Schema as a bounded integer or a grammar string', () => {
    const js: any = z.toJSONSchema(z.object({ ttl }), { io: 'input' })
    expect(js.properties.ttl.anyOf[0]).toMatchObject({ type: 'integer', minimum: 1, maximum: 2_592_000 })
    expect(js.properties.ttl.anyOf[1]).toMatchObject({ type: 'string', maxLength: 64 })
    expect(js.properties.ttl.description).toMatch(/^How long it waits: /)
  })

  it('gives the same value and reason as the settings table, which parses with the grammar itself', () => {
    const s = findSetting('approval.ttlSeconds')!
    expect(parseSetting(s, '2d')).toEqual({ ok: true, value: 172_800 })
    const bad = parseSetting(s, '31d')
    expect(bad.ok).toBe(false)
    const r = durationSchema({ unit: 's', min: 1, max: 30 * 86_400 }).safeParse('31d')
    expect(bad.ok === false && bad.reason.startsWith(r.error?.issues[0]?.message ?? '?')).toBe(true)
  })
})

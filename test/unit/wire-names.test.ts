import { describe, expect, it } from 'vitest'
import { WaiaasError } from '../../src/lib/errors.js'
import { assertWalletName } from '../../src/lib/names.js'
import { encodeFrame, FrameReader } from '../../src/lib/wire.js'
import { retryAfter } from '../../src/daemon/keyring.js'

function reader(max: number): { frames: string[]; overflows: number; r: FrameReader } {
  const out = { frames: [] as string[], overflows: 0, r: undefined as unknown as FrameReader }
  out.r = new FrameReader(max, (l) => out.frames.push(l), () => out.overflows++)
  return out
}

describe('FrameReader', () => {
  it('splits lines across and within chunks, skipping blank lines', () => {
    const t = reader(100)
    t.r.push(Buffer.from('{"a":1}\n{"b"'))
    t.r.push(Buffer.from(':2}\n\n{"c":3}\n'))
    expect(t.frames).toEqual(['{"a":1}', '{"b":2}', '{"c":3}'])
  })

  it('keeps multi-byte characters split between chunks intact', () => {
    const t = reader(100)
    const bytes = Buffer.from('"€uro"\n')
    t.r.push(bytes.subarray(0, 2))
    t.r.push(bytes.subarray(2))
    expect(t.frames).toEqual(['"€uro"'])
  })

  it('overflows once when a line passes the limit, with or without a newline, and then ignores input', () => {
    const t = reader(10)
    t.r.push(Buffer.from('0123456789')) // exactly at the limit: fine
    t.r.push(Buffer.from('\n'))
    expect(t.frames).toEqual(['0123456789'])
    t.r.push(Buffer.from('01234567890'))
    expect(t.overflows).toBe(1)
    t.r.push(Buffer.from('\n{"x":1}\n'))
    expect(t.overflows).toBe(1)
    expect(t.frames).toHaveLength(1)
    const u = reader(10)
    u.r.push(Buffer.from('012345678901234\n'))
    expect(u.overflows).toBe(1)
    expect(u.frames).toEqual([])
  })

  it('encodes bigints as decimal strings', () => {
    expect(encodeFrame({ v: 2n ** 70n })).toBe('{"v":"1180591620717411303424"}\n')
  })
})

describe('wallet names', () => {
  const bad = ['', ' lead', 'trail ', '../etc', 'a/b', 'a\\b', 'tab\there', 'nl\nx', 'bidi\u202ex', '.', '..', 'x'.repeat(65), '0b6f1c2e-1111-4222-8333-444455556666']
  it.each(bad)('rejects %j with INPUT_INVALID_NAME', (name) => {
    try {
      assertWalletName(name)
      expect.unreachable()
    } catch (err) {
      expect((err as WaiaasError).code).toBe('INPUT_INVALID_NAME')
    }
  })
  it.each(['treasury', 'hot wallet 1', 'Ärger', 'x'.repeat(64), 'sol.main-2'])('accepts %j', (name) => {
    expect(() => assertWalletName(name)).not.toThrow()
  })
})

describe('password throttle', () => {
  it('lets the first three failures through, then doubles the wait up to five minutes', () => {
    const now = 1_000_000
    expect(retryAfter({ count: 2, lastAt: now }, now)).toBe(0)
    expect(retryAfter({ count: 3, lastAt: now }, now)).toBe(1000)
    expect(retryAfter({ count: 4, lastAt: now }, now + 500)).toBe(1500)
    expect(retryAfter({ count: 5, lastAt: now }, now + 4000)).toBe(0)
    expect(retryAfter({ count: 40, lastAt: now }, now)).toBe(300_000)
  })
})

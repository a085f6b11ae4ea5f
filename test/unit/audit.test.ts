import { describe, expect, it } from 'vitest'
import { useTempDb } from '../helpers/db.js'
import { WaiaasError } from '../../src/lib/errors.js'
import {
  AUDIT_GENESIS_HASH,
  appendAudit,
  auditHash,
  canonicalJson,
  listAudit,
  verifyAudit,
  type AuditEntry,
} from '../../src/daemon/store/audit.js'
import { getMeta, setMeta } from '../../src/daemon/store/meta.js'

const t = useTempDb()

const T0 = Date.parse('2025-03-01T12:00:00.000Z')

function appendMany(count: number): AuditEntry[] {
  const out: AuditEntry[] = []
  for (let i = 1; i <= count; i++) {
    out.push(
      appendAudit(
        t.db,
        { actor: 'operator', action: i % 2 === 0 ? 'wallet.create' : 'vault.unlock', target: i % 2 === 0 ? `w${i}` : null, outcome: 'ok', details: { i, z: 'last', a: 'first' } },
        new Date(T0 + i * 1000),
      ),
    )
  }
  return out
}

/** What someone with write access to the file can do: the triggers are only a guard against mistakes. */
function dropTriggers(): void {
  t.db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;')
}

describe('appendAudit', () => {
  it('chains entries from the genesis hash and keeps the head anchor', () => {
    const entries = appendMany(3)
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3])
    expect(entries[0]?.prevHash).toBe(AUDIT_GENESIS_HASH)
    expect(entries[1]?.prevHash).toBe(entries[0]?.hash)
    expect(entries[2]?.prevHash).toBe(entries[1]?.hash)
    expect(entries[0]?.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(entries[0]?.ts).toBe('2025-03-01T12:00:01.000Z')
    expect(getMeta(t.db, 'audit_head')).toEqual({ seq: 3, hash: entries[2]?.hash })
    expect(verifyAudit(t.db)).toEqual({ valid: true, entries: 3, headSeq: 3, headHash: entries[2]?.hash })
  })

  it('hashes details canonically, so key order does not matter but every value does', () => {
    const now = new Date(T0)
    const a = appendAudit(t.db, { actor: 'x', action: 'y', outcome: 'ok', details: { b: 1, a: { d: 2, c: [3n, undefined] } } }, now)
    expect(canonicalJson({ a: { c: [3n, undefined], d: 2 }, b: 1 })).toBe('{"a":{"c":["3",null],"d":2},"b":1}')
    expect(a.details).toEqual({ a: { c: ['3', null], d: 2 }, b: 1 })
    const recomputed = auditHash({ seq: 1, ts: now.toISOString(), actor: 'x', action: 'y', target: null, outcome: 'ok', details: '{"a":{"c":["3",null],"d":2},"b":1}', prevHash: AUDIT_GENESIS_HASH })
    expect(a.hash).toBe(recomputed)
    expect(auditHash({ seq: 1, ts: now.toISOString(), actor: 'x', action: 'y', target: null, outcome: 'ok', details: '{"a":{"c":["3",null],"d":2},"b":2}', prevHash: AUDIT_GENESIS_HASH })).not.toBe(recomputed)
  })

  it('fails with AUDIT_WRITE_FAILED and writes nothing when details cannot be encoded', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic['self'] = cyclic
    const err = (() => {
      try {
        appendAudit(t.db, { actor: 'x', action: 'y', outcome: 'ok', details: cyclic })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(err).toBeInstanceOf(WaiaasError)
    expect((err as WaiaasError).code).toBe('AUDIT_WRITE_FAILED')
    expect((err as WaiaasError).cause).toBeInstanceOf(Error)
    expect(listAudit(t.db)).toEqual([])
  })

  it('commits with the change it records and rolls back with it', () => {
    appendMany(1)
    expect(() =>
      t.db.transaction(() => {
        setMeta(t.db, 'setting', 'changed')
        appendAudit(t.db, { actor: 'operator', action: 'setting.change', outcome: 'ok' })
        throw new Error('the change failed after auditing')
      })(),
    ).toThrow('the change failed')
    expect(getMeta(t.db, 'setting')).toBeUndefined()
    expect(listAudit(t.db).map((e) => e.action)).toEqual(['vault.unlock'])
    expect(verifyAudit(t.db).valid).toBe(true)

    t.db.transaction(() => {
      setMeta(t.db, 'setting', 'changed')
      appendAudit(t.db, { actor: 'operator', action: 'setting.change', outcome: 'ok' })
    })()
    expect(getMeta(t.db, 'setting')).toBe('changed')
    expect(verifyAudit(t.db)).toMatchObject({ valid: true, entries: 2, headSeq: 2 })
  })

  it('a failed audit write inside a transaction aborts the whole change', () => {
    expect(() =>
      t.db.transaction(() => {
        setMeta(t.db, 'setting', 'changed')
        appendAudit(t.db, { actor: 'operator', action: 'x', outcome: 'bogus' as 'ok' })
      })(),
    ).toThrow(expect.objectContaining({ code: 'AUDIT_WRITE_FAILED' }))
    expect(getMeta(t.db, 'setting')).toBeUndefined()
    expect(listAudit(t.db)).toEqual([])
  })
})

describe('listAudit', () => {
  it('lists newest first, pages backwards with beforeSeq, forwards with afterSeq, and filters by action', () => {
    appendMany(5)
    expect(listAudit(t.db).map((e) => e.seq)).toEqual([5, 4, 3, 2, 1])
    expect(listAudit(t.db, { limit: 2 }).map((e) => e.seq)).toEqual([5, 4])
    expect(listAudit(t.db, { limit: 2, beforeSeq: 4 }).map((e) => e.seq)).toEqual([3, 2])
    expect(listAudit(t.db, { afterSeq: 2, limit: 2 }).map((e) => e.seq)).toEqual([3, 4])
    expect(listAudit(t.db, { afterSeq: 1, beforeSeq: 4 }).map((e) => e.seq)).toEqual([2, 3])
    expect(listAudit(t.db, { action: 'wallet.create' }).map((e) => e.seq)).toEqual([4, 2])
    const [e4] = listAudit(t.db, { limit: 1, beforeSeq: 5 })
    expect(e4).toMatchObject({ seq: 4, actor: 'operator', target: 'w4', outcome: 'ok', details: { a: 'first', i: 4, z: 'last' } })
    expect(() => listAudit(t.db, { limit: 0 })).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }))
  })
})

describe('verifyAudit', () => {
  it('is valid on an empty log', () => {
    expect(verifyAudit(t.db)).toEqual({ valid: true, entries: 0, headSeq: 0, headHash: AUDIT_GENESIS_HASH })
  })

  it('refuses UPDATE and DELETE through SQL', () => {
    appendMany(2)
    expect(() => t.db.prepare("UPDATE audit SET details = '{}' WHERE seq = 1").run()).toThrow('audit log is append-only')
    expect(() => t.db.prepare('DELETE FROM audit WHERE seq = 2').run()).toThrow('audit log is append-only')
    expect(verifyAudit(t.db)).toMatchObject({ valid: true, entries: 2 })
  })

  it('detects an edited row at its seq', () => {
    appendMany(4)
    dropTriggers()
    t.db.prepare(`UPDATE audit SET details = '{"a":"first","i":2,"z":"forged"}' WHERE seq = 2`).run()
    expect(verifyAudit(t.db)).toMatchObject({ valid: false, entries: 4, brokenAt: { seq: 2, reason: 'hash-mismatch' } })
  })

  it('detects an edited outcome even when the details are untouched', () => {
    appendMany(3)
    dropTriggers()
    t.db.prepare(`UPDATE audit SET outcome = 'denied' WHERE seq = 3`).run()
    expect(verifyAudit(t.db).brokenAt).toEqual({ seq: 3, reason: 'hash-mismatch' })
  })

  it('detects a deleted middle row', () => {
    appendMany(5)
    dropTriggers()
    t.db.prepare('DELETE FROM audit WHERE seq = 3').run()
    const r = verifyAudit(t.db)
    expect(r.valid).toBe(false)
    expect(r.brokenAt?.seq).toBe(4)
    expect(['sequence-gap', 'prev-hash-mismatch']).toContain(r.brokenAt?.reason)
  })

  it('detects a deleted middle row even when later rows are renumbered', () => {
    appendMany(4)
    dropTriggers()
    t.db.exec('DELETE FROM audit WHERE seq = 2; UPDATE audit SET seq = seq - 1 WHERE seq > 2;')
    expect(verifyAudit(t.db).brokenAt).toEqual({ seq: 2, reason: 'prev-hash-mismatch' })
  })

  it('detects two rows swapped', () => {
    appendMany(4)
    dropTriggers()
    // Swap the whole contents of rows 2 and 3, keeping the seq numbers in place.
    t.db.exec(`
      UPDATE audit SET seq = 100 WHERE seq = 2;
      UPDATE audit SET seq = 2 WHERE seq = 3;
      UPDATE audit SET seq = 3 WHERE seq = 100;
    `)
    const r = verifyAudit(t.db)
    expect(r.valid).toBe(false)
    expect(r.brokenAt?.seq).toBe(2)
  })

  it('detects deleted newest rows through the head anchor, also after later appends', () => {
    const entries = appendMany(4)
    dropTriggers()
    t.db.prepare('DELETE FROM audit WHERE seq = 4').run()
    expect(verifyAudit(t.db)).toMatchObject({ valid: false, entries: 3, headSeq: 3, headHash: entries[2]?.hash, brokenAt: { seq: 4, reason: 'head-mismatch' } })

    // The next append links to the anchor, so the hole stays visible.
    const next = appendAudit(t.db, { actor: 'operator', action: 'after', outcome: 'ok' })
    expect(next.seq).toBe(5)
    expect(next.prevHash).toBe(entries[3]?.hash)
    expect(verifyAudit(t.db).brokenAt).toEqual({ seq: 5, reason: 'sequence-gap' })
  })

  it('detects a removed anchor and an unparseable row', () => {
    appendMany(2)
    t.db.prepare("DELETE FROM meta WHERE key = 'audit_head'").run()
    expect(verifyAudit(t.db).brokenAt).toEqual({ seq: 2, reason: 'head-mismatch' })

    appendMany(1)
    dropTriggers()
    t.db.prepare("UPDATE audit SET details = 'not json' WHERE seq = 1").run()
    expect(verifyAudit(t.db).brokenAt).toEqual({ seq: 1, reason: 'unparseable' })
    expect(listAudit(t.db, { afterSeq: 0, limit: 1 })[0]?.details).toEqual({ unparseable: true })
  })

  it('does not notice a rewrite that recomputes every hash and the anchor (needs an external anchor)', () => {
    appendMany(3)
    dropTriggers()
    const rows = t.db.prepare<[], { seq: number; ts: string; actor: string; action: string; target: string | null; outcome: string; details: string }>('SELECT * FROM audit ORDER BY seq').all()
    let prev = AUDIT_GENESIS_HASH
    for (const r of rows) {
      const details = r.seq === 2 ? '{"forged":true}' : r.details
      const hash = auditHash({ ...r, details, prevHash: prev })
      t.db.prepare('UPDATE audit SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(details, prev, hash, r.seq)
      prev = hash
    }
    setMeta(t.db, 'audit_head', { seq: 3, hash: prev })
    expect(verifyAudit(t.db).valid).toBe(true)
  })
})

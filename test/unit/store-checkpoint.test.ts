/**
 * The idle checkpointer (src/daemon/store/db.ts) reads how many WAL frames wait for a checkpoint from the wal-index
 * (-shm) header, so that small and idle writes stay in the WAL and the database file changes only when a checkpoint
 * is due. Checked here against what SQLite itself reports.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { framesNotCheckpointed } from '../../src/daemon/store/db.js'

describe('framesNotCheckpointed', () => {
  it('counts the WAL frames not yet copied back, as SQLite reports them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-shm-'))
    const file = path.join(dir, 't.db')
    const db = new Database(file)
    try {
      db.pragma('journal_mode = wal')
      db.pragma('wal_autocheckpoint = 0')
      db.exec('CREATE TABLE t (x TEXT)')
      for (let i = 0; i < 50; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(500))
      const pending = framesNotCheckpointed(`${file}-shm`)
      expect(pending).toBeGreaterThanOrEqual(51)
      const [done] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[]
      expect(done?.log).toBe(pending)
      expect(done?.checkpointed).toBe(pending)
      expect(framesNotCheckpointed(`${file}-shm`)).toBe(0)
      db.prepare('INSERT INTO t VALUES (?)').run('y')
      const after = framesNotCheckpointed(`${file}-shm`)
      expect(after).toBeGreaterThanOrEqual(1)
      expect(after).toBeLessThan(5)
      expect(framesNotCheckpointed(path.join(dir, 'missing-shm'))).toBe(Number.POSITIVE_INFINITY)
    } finally {
      db.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

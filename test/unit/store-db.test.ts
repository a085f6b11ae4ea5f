import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { catchErr } from '../helpers/errors.js'
import { WaiaasError } from '../../src/lib/errors.js'
import { applyMigrations, openDatabase, SCHEMA_VERSION, type Db } from '../../src/daemon/store/db.js'
import { deleteMeta, getMeta, setMeta } from '../../src/daemon/store/meta.js'
import { migrations } from '../../src/daemon/store/migrations.js'

let dir: string
const open: Db[] = []

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-store-'))
})
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function openDb(file = path.join(dir, 'waiaas.db')): Db {
  const db = openDatabase(file)
  open.push(db)
  return db
}


describe('openDatabase', () => {
  it('creates an owner-only file in WAL mode with every migration applied', () => {
    const file = path.join(dir, 'waiaas.db')
    const db = openDb(file)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(SCHEMA_VERSION).toBe(Math.max(...migrations.map((m) => m.version)))
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all().map((r) => r.name)
    expect(tables).toEqual([
      'approval_links', 'approval_nonces', 'audit', 'evm_nonces', 'incoming', 'incoming_cursors', 'incoming_watch', 'low_balance', 'meta',
      'network_settings', 'notify_channels', 'notify_deliveries', 'policies', 'policy_versions', 'requests', 'sessions', 'spend_hours', 'sqlite_sequence',
      'telegram_approvals', 'tokens', 'wallets',
    ])
    // The WAL side files exist while the database is open, and are owner-only too.
    setMeta(db, 'x', 1)
    for (const side of ['-wal', '-shm']) expect(fs.statSync(file + side).mode & 0o777).toBe(0o600)
  })

  it('tightens an existing group/world-readable file to 0600', () => {
    const file = path.join(dir, 'waiaas.db')
    fs.writeFileSync(file, '')
    fs.chmodSync(file, 0o644)
    openDb(file)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
  })

  it('reopens idempotently and keeps the data', () => {
    const file = path.join(dir, 'waiaas.db')
    const db = openDb(file)
    setMeta(db, 'k', { a: 1 })
    db.close()
    const again = openDb(file)
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(getMeta(again, 'k')).toEqual({ a: 1 })
    again.close()
    expect(getMeta(openDb(file), 'k')).toEqual({ a: 1 })
  })

  it('refuses a database from a newer schema and leaves the file untouched', () => {
    const file = path.join(dir, 'waiaas.db')
    openDb(file).close()
    const raw = new Database(file)
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    raw.close()
    const before = fs.readFileSync(file)
    const mtimeBefore = fs.statSync(file).mtimeMs

    const err = catchErr(() => openDb(file))
    expect(err.code).toBe('DB_SCHEMA_TOO_NEW')
    expect(err.details).toMatchObject({ found: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION })

    expect(fs.readFileSync(file).equals(before)).toBe(true)
    expect(fs.statSync(file).mtimeMs).toBe(mtimeBefore)
  })

  it('reports a file of random bytes as DB_CORRUPT, keeping the SQLite error as cause', () => {
    const file = path.join(dir, 'waiaas.db')
    fs.writeFileSync(file, crypto.randomBytes(8192), { mode: 0o600 })
    const err = catchErr(() => openDb(file))
    expect(err.code).toBe('DB_CORRUPT')
    expect(err.cause).toBeInstanceOf(Error)
    expect((err.cause as { code?: string }).code).toBe('SQLITE_NOTADB')
  })

  it('refuses a SQLite database that is not a waiaas one', () => {
    const file = path.join(dir, 'other.db')
    const raw = new Database(file)
    raw.exec('CREATE TABLE wallets (x INTEGER)')
    raw.close()
    expect(catchErr(() => openDb(file)).code).toBe('DB_CORRUPT')
  })

  it('rolls back a failing migration together with its version bump', () => {
    const db = openDb()
    const bad = { version: SCHEMA_VERSION + 1, name: 'bad', up: 'CREATE TABLE half_done (x INTEGER); SELECT no_such_function();' }
    expect(() => applyMigrations(db, [...migrations, bad])).toThrow(/no_such_function/)
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half_done'").pluck().get()).toBe(0)
  })
})

describe('meta', () => {
  it('stores, replaces and deletes JSON values', () => {
    const db = openDb()
    expect(getMeta(db, 'missing')).toBeUndefined()
    setMeta(db, 'obj', { n: 1, s: 'x', list: [true, null] })
    expect(getMeta(db, 'obj')).toEqual({ n: 1, s: 'x', list: [true, null] })
    setMeta(db, 'obj', false)
    expect(getMeta<boolean>(db, 'obj')).toBe(false)
    deleteMeta(db, 'obj')
    expect(getMeta(db, 'obj')).toBeUndefined()
    deleteMeta(db, 'obj') // no error when absent
  })

  it('rejects values that are not JSON and reports stored garbage as DB_CORRUPT', () => {
    const db = openDb()
    expect(catchErr(() => setMeta(db, 'u', undefined)).code).toBe('INTERNAL')
    expect(catchErr(() => setMeta(db, 'b', 1n)).code).toBe('INTERNAL')
    db.prepare("INSERT INTO meta (key, value) VALUES ('bad', '{nope')").run()
    const err = catchErr(() => getMeta(db, 'bad'))
    expect(err.code).toBe('DB_CORRUPT')
    expect(err.details).toEqual({ key: 'bad' })
  })
})

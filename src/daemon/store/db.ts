import fs from 'node:fs'
import os from 'node:os'
import Database from 'better-sqlite3'
import { WaiaasError } from '../../lib/errors.js'
import { openPrivateForAppend } from '../../lib/paths.js'
import type { Db } from '../ports.js'
import { APPLICATION_ID, migrations, type Migration } from './migrations.js'
import { inTransaction, sqliteCode } from './statements.js'

export type { Db } from '../ports.js'

/** The schema version this code writes: the number of the latest migration. */
export const SCHEMA_VERSION: number = migrations.reduce((max, m) => Math.max(max, m.version), 0)

const FILE_MODE = 0o600

/**
 * Opens (creating if missing, mode 0600) the waiaas SQLite database and brings its schema up to date.
 * The version and identity checks run before anything is written, so a refused file is left untouched.
 * Throws DB_SCHEMA_TOO_NEW (written by a newer waiaas), DB_CORRUPT (not a SQLite or not a waiaas database),
 * DATA_DIR_UNUSABLE (the file cannot be created or opened) or INTERNAL.
 */
export function openDatabase(file: string): Db {
  createPrivateFile(file)

  let db: Db
  try {
    db = new Database(file, { fileMustExist: true })
  } catch (err) {
    throw mapOpenError(err, file)
  }
  try {
    db.pragma('busy_timeout = 5000')
    checkIdentityAndVersion(db, file)
    const mode = db.pragma('journal_mode = WAL', { simple: true })
    if (mode !== 'wal') throw new WaiaasError('INTERNAL', 'Could not switch the database to WAL mode', { details: { file, journalMode: mode } })
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    applyMigrations(db)
    for (const suffix of ['-wal', '-shm']) chmodIfPresent(file + suffix)
    checkpointWhenIdle(db, file)
    return db
  } catch (err) {
    db.close()
    throw mapOpenError(err, file)
  }
}

/** How often the WAL is copied back into the database, and the WAL size at which a commit does it itself. */
const CHECKPOINT_EVERY_MS = 250
const CHECKPOINT_BACKSTOP_PAGES = 10_000

/** SQLite's own auto-checkpoint threshold: the WAL is copied back once it holds this many frames. */
const CHECKPOINT_AT_FRAMES = 1000

/**
 * Checkpoints off the request path. By default SQLite copies the WAL back into the database inside the commit that
 * takes it past 1,000 pages, so one request in ~200 paid for everyone's pages (milliseconds, plus an fsync of the
 * database file). Here a timer does it between requests once the WAL holds as many frames (PASSIVE: it never waits
 * for, or blocks, a writer), and a commit checkpoints by itself only if the WAL ever reaches 10,000 pages. Small and
 * idle writes stay in the WAL as before: the database file changes only when a checkpoint is due. Durability is
 * unchanged: a commit still syncs the WAL (synchronous=FULL) before it returns.
 */
function checkpointWhenIdle(db: Db, file: string): void {
  db.pragma(`wal_autocheckpoint = ${CHECKPOINT_BACKSTOP_PAGES}`)
  const timer = setInterval(() => {
    if (!db.open) return clearInterval(timer)
    if (db.inTransaction || framesNotCheckpointed(`${file}-shm`) < CHECKPOINT_AT_FRAMES) return
    try {
      db.pragma('wal_checkpoint(PASSIVE)')
    } catch {
      // Busy or closing: the next tick (or the backstop) does it.
    }
  }, CHECKPOINT_EVERY_MS)
  timer.unref()
}

/**
 * Frames in the WAL not yet copied into the database, from the wal-index (the -shm file, https://www.sqlite.org/walformat.html):
 * the header's mxFrame (offset 16) less the checkpoint's nBackfill (offset 96), both native-endian u32. A file that
 * cannot be read counts as due, so the checkpoint is never skipped for want of the number.
 */
export function framesNotCheckpointed(shm: string): number {
  const head = Buffer.alloc(100)
  let fd: number | undefined
  try {
    fd = fs.openSync(shm, 'r')
    if (fs.readSync(fd, head, 0, 100, 0) < 100) return Number.POSITIVE_INFINITY
  } catch {
    return Number.POSITIVE_INFINITY
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
  const u32 = (at: number): number => (os.endianness() === 'LE' ? head.readUInt32LE(at) : head.readUInt32BE(at))
  return u32(16) - u32(96)
}

/** Creates the file owner-only before SQLite sees it, so it is never briefly readable by others. */
function createPrivateFile(file: string): void {
  let fd: number | undefined
  try {
    // Never through a planted link; an existing file keeps its mode through open, so it is tightened (we only ever remove permissions).
    fd = openPrivateForAppend(file)
  } catch (err) {
    if (err instanceof WaiaasError) throw err
    throw new WaiaasError('DATA_DIR_UNUSABLE', 'Could not create or open the database file', { details: { file }, cause: err })
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

function chmodIfPresent(file: string): void {
  try {
    fs.chmodSync(file, FILE_MODE)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/** Refuses foreign and newer databases. Only reads, so the file is not modified when it is refused. */
function checkIdentityAndVersion(db: Db, file: string): void {
  const found = Number(db.pragma('user_version', { simple: true }))
  const appId = Number(db.pragma('application_id', { simple: true }))
  if (found === 0) {
    const objects = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").get()?.n ?? 0
    if (objects > 0 || (appId !== 0 && appId !== APPLICATION_ID)) throw notOurs(file)
    return
  }
  if (appId !== APPLICATION_ID) throw notOurs(file)
  if (found > SCHEMA_VERSION) {
    throw new WaiaasError('DB_SCHEMA_TOO_NEW', `The database has schema version ${found}, newer than the ${SCHEMA_VERSION} this waiaas supports`, {
      details: { file, found, supported: SCHEMA_VERSION },
    })
  }
}

function notOurs(file: string): WaiaasError {
  return new WaiaasError('DB_CORRUPT', 'The file is a SQLite database, but not a waiaas one', { details: { file } })
}

/**
 * Applies each pending migration of `list` (default: all of them) in its own transaction together with its
 * user_version bump, so a failing migration leaves the schema and version as they were. Exported for tests.
 */
export function applyMigrations(db: Db, list: readonly Migration[] = migrations): void {
  const pending = [...list].sort((a, b) => a.version - b.version)
  for (const m of pending) {
    inTransaction(db, () => {
      // Re-read under the write lock: another process may have migrated since we looked.
      const current = Number(db.pragma('user_version', { simple: true }))
      if (current >= m.version) return
      if (current !== m.version - 1) {
        throw new WaiaasError('INTERNAL', `Migration ${m.version} cannot run on schema version ${current}`, { details: { version: m.version, current } })
      }
      db.exec(m.up)
      db.pragma(`user_version = ${m.version}`)
    })
  }
}

function mapOpenError(err: unknown, file: string): WaiaasError {
  if (err instanceof WaiaasError) return err
  const code = sqliteCode(err)
  if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT') === true) {
    return new WaiaasError('DB_CORRUPT', 'The database file is not a readable SQLite database', { details: { file, sqlite: code }, cause: err })
  }
  if (code?.startsWith('SQLITE_CANTOPEN') === true || code?.startsWith('SQLITE_READONLY') === true || code?.startsWith('SQLITE_PERM') === true) {
    return new WaiaasError('DATA_DIR_UNUSABLE', 'Could not open the database file for writing', { details: { file, sqlite: code }, cause: err })
  }
  return new WaiaasError('INTERNAL', 'Could not open the database', { details: code === undefined ? { file } : { file, sqlite: code }, cause: err })
}

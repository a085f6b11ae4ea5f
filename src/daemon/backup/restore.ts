/**
 * Reading and restoring backups, with the daemon stopped. Everything is verified before anything in the data
 * directory changes: the file's integrity and password, the schema version, and the database image (SQLite
 * integrity_check, waiaas application_id). Only then is the current database (with -wal, -shm, prices.json) moved
 * aside to `restore-backup-<ts>/` and the restored one moved in; a failure during the swap puts the old files back.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { WaiaasError } from '../../lib/errors.js'
import { ensureDataDirs, ensurePrivateDir, type Paths } from '../../lib/paths.js'
import { VERSION } from '../../lib/version.js'
import { claimPidFile, releasePidFile } from '../lifecycle.js'
import { APPLICATION_ID } from '../store/migrations.js'
import { openDatabase, SCHEMA_VERSION } from '../store/db.js'
import { withImage } from './create.js'
import { readBackup, type BackupContents, type BackupMeta } from './format.js'

function readFileOrFail(file: string): Buffer {
  try {
    return fs.readFileSync(file)
  } catch (err) {
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot read ${file}`, { details: { path: file, errno: (err as NodeJS.ErrnoException).code ?? null }, cause: err })
  }
}

/**
 * Verifies a backup completely without touching anything: integrity and password, schema version, and the
 * database image itself. Returns its contents.
 */
export async function verifyBackupFile(file: string, password: string): Promise<BackupContents> {
  const contents = await readBackup(readFileOrFail(file), password)
  const { meta } = contents
  if (meta.schemaVersion > SCHEMA_VERSION) {
    throw new WaiaasError('BACKUP_SCHEMA_TOO_NEW', `The backup has schema version ${meta.schemaVersion}, newer than the ${SCHEMA_VERSION} this waiaas supports`, {
      details: { file, found: meta.schemaVersion, supported: SCHEMA_VERSION, madeBy: meta.waiaasVersion },
    })
  }
  const image = contents.files.get('waiaas.db')
  if (image === undefined) throw new WaiaasError('BACKUP_INVALID', 'The backup holds no database', { details: { file } })
  let checked: { ok: string; appId: number; version: number }
  try {
    checked = withImage(image, (db) => ({
      ok: String(db.pragma('integrity_check', { simple: true })),
      appId: Number(db.pragma('application_id', { simple: true })),
      version: Number(db.pragma('user_version', { simple: true })),
    }))
  } catch (err) {
    throw new WaiaasError('BACKUP_INVALID', 'The database in the backup cannot be read', { details: { file }, cause: err })
  }
  if (checked.ok !== 'ok' || checked.appId !== APPLICATION_ID) {
    throw new WaiaasError('BACKUP_INVALID', 'The database in the backup failed its integrity check', { details: { file, integrity: checked.ok.slice(0, 200) } })
  }
  if (checked.version > SCHEMA_VERSION || checked.version !== meta.schemaVersion) {
    throw new WaiaasError('BACKUP_SCHEMA_TOO_NEW', `The database in the backup has schema version ${checked.version}; this waiaas supports up to ${SCHEMA_VERSION}`, {
      details: { file, found: checked.version, supported: SCHEMA_VERSION },
    })
  }
  return contents
}

export interface RestoreResult {
  restored: BackupMeta
  /** Where the data that was replaced now lives; null when the data directory had no database. */
  previousDataDir: string | null
  /** The schema version after opening (migrations bring an older backup up to date). */
  schemaVersion: number
}

/**
 * Restores a backup into `paths.dataDir`. Refuses with BACKUP_DAEMON_RUNNING while a daemon holds the data
 * directory, and holds the pid file itself meanwhile, so no daemon starts halfway through.
 */
export async function restoreBackup(paths: Paths, file: string, password: string, opts: { now?: Date } = {}): Promise<RestoreResult> {
  // Verify first: a bad file, password or schema never gets near the data directory.
  const contents = await verifyBackupFile(file, password)
  ensureDataDirs(paths)
  try {
    await claimPidFile(paths.pidFile, { pid: process.pid, version: VERSION, socket: paths.socket, startedAt: new Date().toISOString() })
  } catch (err) {
    if (err instanceof WaiaasError && err.code === 'DAEMON_ALREADY_RUNNING') {
      throw new WaiaasError('BACKUP_DAEMON_RUNNING', 'The daemon is running on this data directory; restore replaces its database, so stop it first', {
        details: { dataDir: paths.dataDir },
      })
    }
    throw err
  }
  try {
    return swapIn(paths, contents, opts.now ?? new Date())
  } finally {
    releasePidFile(paths.pidFile)
  }
}

function swapIn(paths: Paths, contents: BackupContents, now: Date): RestoreResult {
  const dir = paths.dataDir
  const staged: { name: string; tmp: string }[] = []
  try {
    // 1. Write every restored file next to its destination (same file system, so the swap is renames).
    for (const [name, bytes] of contents.files) {
      const tmp = path.join(dir, `.restore-${randomBytes(6).toString('hex')}.${name}`)
      const fd = fs.openSync(tmp, 'wx', 0o600)
      staged.push({ name, tmp })
      try {
        fs.writeFileSync(fd, bytes)
        fs.fsyncSync(fd)
      } finally {
        fs.closeSync(fd)
      }
    }
  } catch (err) {
    for (const s of staged) fs.rmSync(s.tmp, { force: true })
    throw new WaiaasError('DATA_DIR_UNUSABLE', 'Could not write the restored files into the data directory; nothing was changed', { details: { dataDir: dir }, cause: err })
  }

  // 2. Move the current files aside, then the restored ones in; undo on any failure.
  const aside = path.join(dir, `restore-backup-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}-${randomBytes(3).toString('hex')}`)
  const current = ['waiaas.db', 'waiaas.db-wal', 'waiaas.db-shm', ...(contents.files.has('prices.json') ? ['prices.json'] : [])].filter((n) => fs.existsSync(path.join(dir, n)))
  const movedAside: string[] = []
  const movedIn: string[] = []
  try {
    if (current.length > 0) ensurePrivateDir(aside)
    for (const n of current) {
      fs.renameSync(path.join(dir, n), path.join(aside, n))
      movedAside.push(n)
    }
    for (const s of staged) {
      fs.renameSync(s.tmp, path.join(dir, s.name))
      movedIn.push(s.name)
    }
    // 3. Open it once the way the daemon will: identity and version checks, WAL, and migrations for an older schema.
    const db = openDatabase(paths.db)
    const schemaVersion = Number(db.pragma('user_version', { simple: true }))
    db.close()
    return { restored: contents.meta, previousDataDir: current.length > 0 ? aside : null, schemaVersion }
  } catch (err) {
    for (const n of movedIn) fs.rmSync(path.join(dir, n), { force: true })
    for (const n of ['waiaas.db-wal', 'waiaas.db-shm']) if (!movedAside.includes(n)) fs.rmSync(path.join(dir, n), { force: true })
    for (const n of movedAside) fs.renameSync(path.join(aside, n), path.join(dir, n))
    if (movedAside.length > 0 || current.length > 0) fs.rmSync(aside, { recursive: true, force: true })
    throw err
  } finally {
    for (const s of staged) fs.rmSync(s.tmp, { force: true })
  }
}

/**
 * Making a backup inside the running daemon: SQLite's online backup API copies a consistent snapshot to a private
 * temp file in the data directory while requests keep writing, then the snapshot (and prices.json, if present) is
 * sealed into one file (see format.ts) written 0600 into `<data dir>/backups/` (0700) or where asked.
 */
import { randomBytes } from 'node:crypto'
import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { assertCanWrite, ensurePrivateDir, writeSecretFile, type Paths } from '../../lib/paths.js'
import type { Db } from '../store/db.js'
import { sealSnapshot, type SnapshotFacts } from '../store/snapshot.js'
import type { KdfParams } from '../keystore/kdf.js'
import { BACKUP_EXTENSION, writeBackup, type BackupMeta } from './format.js'

export const MANUAL_PREFIX = 'waiaas-'
export const SCHEDULED_PREFIX = 'waiaas-auto-'

/** `waiaas-20250102T030405Z.wbak` style names (UTC, sortable), with a counter when the second is taken. */
export function backupFileName(prefix: string, now: Date): string {
  return `${prefix}${now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}${BACKUP_EXTENSION}`
}

function uniquePath(dir: string, prefix: string, now: Date): string {
  const base = backupFileName(prefix, now)
  let candidate = path.join(dir, base)
  for (let n = 2; fs.existsSync(candidate); n++) candidate = path.join(dir, base.replace(BACKUP_EXTENSION, `-${n}${BACKUP_EXTENSION}`))
  return candidate
}

/**
 * Copies the live database to a fresh 0600 file, consistent as of one moment, without blocking the event loop; returns
 * its bytes and facts read from the copy itself (the live database has moved on).
 */
async function snapshot(db: Db, dataDir: string): Promise<{ bytes: Buffer; facts: SnapshotFacts }> {
  const tmp = path.join(dataDir, `.backup-${randomBytes(6).toString('hex')}.tmp`)
  fs.closeSync(fs.openSync(tmp, 'wx', 0o600))
  try {
    await db.backup(tmp)
    const facts = sealSnapshot(tmp)
    return { bytes: fs.readFileSync(tmp), facts }
  } finally {
    for (const f of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true })
  }
}

export interface CreatedBackup {
  file: string
  bytes: number
  meta: BackupMeta
}

/**
 * Snapshots `db` and writes the encrypted backup to `out` (refusing an existing file) or a new name in
 * `paths.backups`. `password` must already be known to be the master password (an operator call proved it).
 */
export async function createBackup(
  deps: { db: Db; paths: Paths; version: string; pricesFile?: string | undefined },
  password: string,
  opts: { out?: string | undefined; prefix?: string; now?: Date; kdf?: KdfParams } = {},
): Promise<CreatedBackup> {
  const now = opts.now ?? new Date()
  let target: string
  if (opts.out !== undefined) {
    target = path.resolve(opts.out)
    assertCanWrite(target)
  } else {
    ensurePrivateDir(deps.paths.backups, { ownSubdir: true })
    target = uniquePath(deps.paths.backups, opts.prefix ?? MANUAL_PREFIX, now)
  }
  const { bytes: dbBytes, facts } = await snapshot(deps.db, deps.paths.dataDir)
  const files = new Map<string, Buffer>([['waiaas.db', dbBytes]])
  const pricesFile = deps.pricesFile ?? path.join(deps.paths.dataDir, 'prices.json')
  if (fs.existsSync(pricesFile)) files.set('prices.json', fs.readFileSync(pricesFile))
  const meta: BackupMeta = {
    format: 1,
    createdAt: now.toISOString(),
    waiaasVersion: deps.version,
    schemaVersion: facts.schemaVersion,
    walletCount: facts.walletCount,
    auditHead: facts.auditHead,
    dataDirName: path.basename(deps.paths.dataDir),
    files: [...files].map(([name, b]) => ({ name, bytes: b.length })),
  }
  const sealed = await writeBackup(password, meta, files, opts.kdf)
  // 0600, fsynced, and never replacing a file that appeared meanwhile (INPUT_FILE_EXISTS).
  writeSecretFile(target, sealed)
  return { file: target, bytes: sealed.length, meta }
}

/** better-sqlite3 opens a serialized image (a Buffer) as an in-memory database. */
const DatabaseCtor = Database as unknown as new (image: Buffer) => Db

/** Opens a database image in memory (read-only use) and closes it after `fn`. */
export function withImage<T>(bytes: Buffer, fn: (db: Db) => T): T {
  // An in-memory database cannot be in WAL mode: on a copy, mark the image rollback-journal (header bytes 18-19).
  const image = Buffer.from(bytes)
  if (image.length >= 20 && image[18] === 2 && image[19] === 2) image[18] = image[19] = 1
  const db = new DatabaseCtor(image)
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

/**
 * The backup files in a folder (`<data dir>/backups`): file facts only, read without the daemon and without the
 * password (what is inside a backup is sealed). Shared by `waiaas backup list` and the daemon's `backup.list`.
 */
import fs from 'node:fs'
import path from 'node:path'

/** The extension of a waiaas backup (src/daemon/backup/format.ts). */
const EXTENSION = '.wbak'

export interface BackupFile {
  name: string
  /** The full path. */
  file: string
  bytes: number
  /** When it was written: a backup is written once, in place (its modification time). */
  modifiedAt: Date
}

/** The regular `.wbak` files in `dir`, oldest first (by time, then name); none when `dir` does not exist. */
export function listBackupFiles(dir: string): BackupFile[] {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const out: BackupFile[] = []
  for (const name of names) {
    if (!name.endsWith(EXTENSION)) continue
    const file = path.join(dir, name)
    let st: fs.Stats
    try {
      st = fs.lstatSync(file)
    } catch {
      continue // removed meanwhile (a scheduled prune)
    }
    if (st.isFile()) out.push({ name, file, bytes: st.size, modifiedAt: st.mtime })
  }
  return out.sort((a, b) => a.modifiedAt.getTime() - b.modifiedAt.getTime() || a.name.localeCompare(b.name))
}

/**
 * A backup's database image, made standalone: the copy that `db.backup()` wrote is switched to a rollback journal
 * (one file, readable in memory) and the facts a backup records are read from the copy itself, since the live
 * database has moved on.
 */
import Database from 'better-sqlite3'

export interface SnapshotFacts {
  schemaVersion: number
  walletCount: number
  auditHead: { seq: number; hash: string }
}

/** Opens the copy at `file`, stores it in rollback-journal mode and returns its facts; closes it either way. */
export function sealSnapshot(file: string): SnapshotFacts {
  // The copy inherits WAL mode; store it in rollback-journal mode so the image stands alone (one file, and
  // readable in memory). Opening it with openDatabase switches it back to WAL.
  const copy = new Database(file)
  try {
    copy.pragma('journal_mode = DELETE')
    const last = copy.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get()
    return {
      schemaVersion: Number(copy.pragma('user_version', { simple: true })),
      walletCount: copy.prepare<[], { n: number }>('SELECT count(*) AS n FROM wallets').get()?.n ?? 0,
      auditHead: last ?? { seq: 0, hash: '' },
    }
  } finally {
    copy.close()
  }
}

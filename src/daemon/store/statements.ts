import type { Statement } from 'better-sqlite3'
import type { Db } from './db.js'

const caches = new WeakMap<Db, Map<string, Statement>>()

/** A prepared statement for `sql` on `db`, prepared once per connection and reused. */
export function prepared<P extends unknown[] = unknown[], R = unknown>(db: Db, sql: string): Statement<P, R> {
  let cache = caches.get(db)
  if (cache === undefined) {
    cache = new Map()
    caches.set(db, cache)
  }
  let stmt = cache.get(sql)
  if (stmt === undefined) {
    stmt = db.prepare(sql)
    cache.set(sql, stmt)
  }
  return stmt as unknown as Statement<P, R>
}

/** Runs `fn` in a transaction: a savepoint inside a caller's transaction, else BEGIN IMMEDIATE (takes the write lock up front). */
export function inTransaction<T>(db: Db, fn: () => T): T {
  const tx = db.transaction(fn)
  return db.inTransaction ? tx() : tx.immediate()
}

/** The SQLite error code (e.g. `SQLITE_CONSTRAINT_UNIQUE`) of a better-sqlite3 error, if it is one. */
export function sqliteCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' && err.code.startsWith('SQLITE_')) {
    return err.code
  }
  return undefined
}

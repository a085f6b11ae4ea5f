import { WaiaasError } from '../../lib/errors.js'
import type { Db } from './db.js'
import { prepared } from './statements.js'

/**
 * The stored JSON value of `key`, or undefined when unset. The type parameter is the caller's promise, not checked.
 * Throws DB_CORRUPT when the stored text is not JSON.
 */
export function getMeta<T>(db: Db, key: string): T | undefined {
  const row = prepared<[string], { value: string }>(db, 'SELECT value FROM meta WHERE key = ?').get(key)
  if (row === undefined) return undefined
  try {
    return JSON.parse(row.value) as T
  } catch (err) {
    throw new WaiaasError('DB_CORRUPT', `The stored setting "${key}" is not valid JSON`, { details: { key }, cause: err })
  }
}

/** Stores `value` as JSON under `key`, replacing any previous value. Throws INTERNAL when it is not JSON-serialisable. */
export function setMeta(db: Db, key: string, value: unknown): void {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (err) {
    throw new WaiaasError('INTERNAL', `The setting "${key}" is not JSON-serialisable`, { details: { key }, cause: err })
  }
  if (text === undefined) throw new WaiaasError('INTERNAL', `The setting "${key}" is not JSON-serialisable`, { details: { key } })
  prepared<[string, string]>(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, text)
}

/** Removes `key`; removing an unset key is not an error. */
export function deleteMeta(db: Db, key: string): void {
  prepared<[string]>(db, 'DELETE FROM meta WHERE key = ?').run(key)
}

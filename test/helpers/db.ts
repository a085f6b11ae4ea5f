/** A fresh SQLite database in a private temp dir for each test of the file that calls `useTempDb()`. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { openDatabase, type Db } from '../../src/daemon/store/db.js'

export function useTempDb(): { readonly db: Db; readonly dir: string } {
  let dir = ''
  let db: Db | undefined
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-store-'))
    db = openDatabase(path.join(dir, 'waiaas.db'))
  })
  afterEach(() => {
    db?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  return {
    get db(): Db {
      if (db === undefined) throw new Error('useTempDb: no database outside a test')
      return db
    },
    get dir(): string {
      return dir
    },
  }
}

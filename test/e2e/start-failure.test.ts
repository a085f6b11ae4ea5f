/**
 * A daemon that cannot start (here: its database file is garbage) makes the command fail fast with
 * DAEMON_START_FAILED, pointing at the log file whose tail says why; the database is left as it was.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'

const home = tempHome()
afterAll(() => home.cleanup())

describe('daemon start failure', () => {
  it('reports DAEMON_START_FAILED with the log file and the reason, and touches nothing', async () => {
    fs.mkdirSync(home.dataDir, { mode: 0o700 })
    const db = path.join(home.dataDir, 'waiaas.db')
    const garbage = Buffer.alloc(8192, 0x5a)
    fs.writeFileSync(db, garbage, { mode: 0o600 })
    const started = Date.now()
    const r = await runCli(['wallet', 'list', '--json'], { env: cliEnv(home.dataDir) })
    expect(Date.now() - started).toBeLessThan(15_000) // the child's exit is noticed, not waited out
    expect(r.code).toBe(3)
    expect(r.json?.error?.code).toBe('DAEMON_START_FAILED')
    expect(r.json?.error?.details.logFile).toBe(path.join(home.dataDir, 'daemon.log'))
    expect((r.json?.error?.details.log as string[]).join('\n')).toContain('DB_CORRUPT')
    expect(fs.readFileSync(db).equals(garbage)).toBe(true)
    expect(fs.existsSync(path.join(home.dataDir, 'daemon.pid'))).toBe(false)
    expect(fs.existsSync(path.join(home.dataDir, 'waiaas.sock'))).toBe(false)
  })
})

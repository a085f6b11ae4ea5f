/**
 * Several commands started at once on a fresh data directory race to start the daemon: every one of them must
 * succeed, and exactly one daemon must end up running.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, stopDaemon, tempHome } from '../helpers/cli.js'

const home = tempHome()
afterAll(async () => {
  await stopDaemon(home.dataDir)
  home.cleanup()
})

describe('concurrent auto-start', () => {
  it('lets four commands race to start the daemon; all succeed and one daemon runs', async () => {
    const env = cliEnv(home.dataDir)
    // Real processes: in-process runs take turns, and the race is between processes.
    const results = await Promise.all([1, 2, 3, 4].map(() => runCli(['wallet', 'list', '--json'], { env, spawn: true })))
    for (const r of results) {
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.json?.ok).toBe(true)
      expect(r.json?.data.wallets).toEqual([])
    }
    const log = fs.readFileSync(path.join(home.dataDir, 'daemon.log'), 'utf8')
    expect(log.match(/daemon started/g)?.length).toBe(1)
    const status = await runCli(['daemon', 'status', '--json'], { env })
    expect(status.code).toBe(0)
    const pidFile = JSON.parse(fs.readFileSync(path.join(home.dataDir, 'daemon.pid'), 'utf8'))
    expect(pidFile.pid).toBe(status.json?.data.pid)
  })
})

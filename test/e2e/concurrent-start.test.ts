/**
 * Several commands started at once on a fresh data directory race to start the daemon: every one of them must
 * succeed, and exactly one daemon must end up running.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startDaemon } from '../../src/daemon/daemon.js'
import { cliEnv, runCli, stopDaemon, tempHome } from '../helpers/cli.js'

/** Whether `pid` runs (a zombie, dead but not yet reaped by init, does not). */
const running = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}
const until = async (what: string, ok: () => boolean): Promise<void> => {
  for (const deadline = Date.now() + 10_000; !ok(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
  }
}

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

  it('stops the daemon it spawned when another daemon answers first, so none starts later unasked', async () => {
    // The CLI's daemon is held before it claims the data directory (a test hook); meanwhile another daemon starts
    // there and answers. Once the CLI has its answer, the daemon it spawned must be gone, not waiting to start.
    const h = tempHome()
    const gate = path.join(h.root, 'gate')
    let other: Awaited<ReturnType<typeof startDaemon>> | undefined
    let pid = 0
    try {
      const cli = runCli(['wallet', 'list', '--json'], { env: cliEnv(h.dataDir, { WAIAAS_TEST_START_GATE: gate }), spawn: true })
      await until('the spawned daemon at its gate', () => fs.existsSync(`${gate}.pid`) && fs.readFileSync(`${gate}.pid`, 'utf8') !== '')
      pid = Number(fs.readFileSync(`${gate}.pid`, 'utf8'))
      other = await startDaemon({ home: h.dataDir, env: { autoProvision: false } })
      const r = await cli
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.json?.data.wallets).toEqual([])
      await until(`the spawned daemon (pid ${pid}) to end`, () => !running(pid))
    } finally {
      fs.writeFileSync(gate, '')
      if (pid !== 0 && running(pid)) process.kill(pid, 'SIGKILL')
      await other?.close()
      h.cleanup()
    }
  })
})

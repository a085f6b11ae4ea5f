/**
 * `waiaas config list` shows what runs: a daemon started with settings from the environment, the config file and
 * the defaults uses exactly the values `config list` reports for the same environment and file (one resolver,
 * src/lib/resolve-settings.ts, one table, src/lib/settings.ts).
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDaemon, type DaemonHandle } from '../../src/daemon/daemon.js'
import type { DaemonClient } from '../../src/cli/client.js'
import { readEnv } from '../../src/lib/env.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { SETTINGS } from '../../src/lib/settings.js'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { PASSWORD } from '../helpers/daemon.js'

async function freePort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  return port
}

describe('config list shows the settings the daemon runs with', () => {
  const home = tempHome('wsif-')
  // From the environment: the monitor's interval (in the duration grammar) and the pipeline's tick.
  const fromEnv = { WAIAAS_MONITOR_INTERVAL_MS: '1.5s', WAIAAS_PIPELINE_TICK_MS: '250' }
  let restPort = 0
  let daemon: DaemonHandle | undefined
  let client: DaemonClient | undefined
  let listed: Map<string, { value: unknown; source: string; default: unknown }>

  beforeAll(async () => {
    restPort = await freePort()
    // From the config file: log rotation, the REST plugin's address, and one the environment overrides.
    fs.mkdirSync(home.dataDir, { recursive: true, mode: 0o700 })
    const file = { 'log.maxBytes': 4096, 'log.files': 2, 'rest.enabled': true, 'rest.port': restPort, 'monitor.intervalMs': 60_000 }
    fs.writeFileSync(path.join(home.dataDir, 'config.json'), JSON.stringify(file), { mode: 0o600 })
    const env = cliEnv(home.dataDir, fromEnv)
    const r = await runCli(['config', 'list', '--json'], { env })
    expect(r.code, r.stderr).toBe(0)
    listed = new Map(r.json?.data.settings.map((s: any) => [s.key, s]))
    // The daemon parses the same environment the CLI saw, and reads the same file itself.
    daemon = await startDaemon({ home: home.dataDir, env: readEnv(env) })
    client = await connectExisting(daemon.paths)
    await client.call('vault.init', { password: PASSWORD })
  })

  afterAll(async () => {
    client?.close()
    await daemon?.close()
    home.cleanup()
  })

  it('every daemon setting: the value config list shows is the one the daemon resolved, from the source it names', () => {
    const running = daemon!.ctx.settings as unknown as Record<string, unknown>
    const checked: string[] = []
    for (const s of SETTINGS) {
      if (s.readBy !== 'daemon' || s.secret || s.envOnly) continue
      const shown = listed.get(s.key)
      expect(shown, s.key).toBeDefined()
      // A stored plugin setting that neither env nor file sets: the daemon's stored value decides (see the REST test).
      if (s.stored && shown!.source === 'default') continue
      expect(running[s.field] ?? null, s.key).toEqual(shown!.value)
      checked.push(s.key)
    }
    expect(listed.get('monitor.intervalMs')).toMatchObject({ value: 1500, source: 'env' })
    expect(listed.get('log.maxBytes')).toMatchObject({ value: 4096, source: 'file' })
    expect(listed.get('notify.intervalMs')).toMatchObject({ value: 1000, source: 'default', default: 1000 })
    expect(checked).toEqual(expect.arrayContaining(['monitor.intervalMs', 'pipeline.tickMs', 'log.maxBytes', 'log.files', 'rest.port', 'approval.ttlSeconds', 'backup.keep']))
  })

  it('the monitor scans at the interval config list shows (env over file)', async () => {
    const st = await client!.call('incoming.status', {})
    expect(st.intervalMs).toBe(listed.get('monitor.intervalMs')!.value)
    expect(st.intervalMs).toBe(1500)
  })

  it('daemon.log rotates at the size config list shows and keeps as many files', () => {
    const maxBytes = listed.get('log.maxBytes')!.value as number
    const files = listed.get('log.files')!.value as number
    const logFile = daemon!.paths.logFile
    // Three times the size limit in ~200-byte lines: the log must rotate more than `files` times.
    for (let i = 0; i < (3 * maxBytes) / 200; i++) daemon!.ctx.log.info('settings-in-force filler', { i, pad: 'x'.repeat(150) })
    expect(fs.statSync(logFile).size).toBeLessThanOrEqual(maxBytes)
    expect(fs.existsSync(`${logFile}.1`)).toBe(true)
    expect(fs.statSync(`${logFile}.1`).size).toBeLessThanOrEqual(maxBytes)
    expect(fs.existsSync(`${logFile}.${files}`)).toBe(true)
    expect(fs.existsSync(`${logFile}.${files + 1}`)).toBe(false)
  })

  it('the REST plugin listens on the port config list shows', async () => {
    expect(listed.get('rest.port')).toMatchObject({ value: restPort, source: 'file', default: 3100 })
    const plugins = await client!.call('plugin.list', {})
    const rest = plugins.plugins.find((p: any) => p.name === 'rest')
    expect(rest?.listening).toBe(`http://127.0.0.1:${restPort}/v1`)
    const res = await fetch(`http://127.0.0.1:${restPort}/health`)
    expect(res.status).toBe(200)
  })
})

/** `waiaas config list|get|set|unset` through bin/run.js, and the daemon applying a file setting at start. */
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/cli.js'
import { fails, modeOf, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'
import { SETTINGS } from '../../src/lib/settings.js'

describe('waiaas config', () => {
  const home = tempHome('wcf-')
  const cli = runner(home.dataDir)
  const configFile = `${home.dataDir}/config.json`

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it('lists every setting with its environment variable, default and source', async () => {
    const d = ok(await cli.run(['config', 'list']))
    expect(d.settings.map((s: any) => s.key)).toEqual(SETTINGS.map((s) => s.key))
    const tick = d.settings.find((s: any) => s.key === 'pipeline.tickMs')
    expect(tick).toMatchObject({ env: 'WAIAAS_PIPELINE_TICK_MS', default: 500, value: 500, source: 'default' })
    for (const name of ['WAIAAS_LOG_LEVEL', 'WAIAAS_BACKUP_KEEP', 'WAIAAS_NPM_REGISTRY', 'WAIAAS_REST_PORT', 'WAIAAS_MASTER_PASSWORD']) {
      expect(d.settings.some((s: any) => s.env === name), name).toBe(true)
    }
  })

  it('never shows a secret set in the environment', async () => {
    const r = await cli.run(['config', 'list'], { env: { WAIAAS_MASTER_PASSWORD: 'hunter2-very-secret' } })
    const d = ok(r)
    expect(d.settings.find((s: any) => s.key === 'masterPassword')).toMatchObject({ source: 'env', value: null, secret: true })
    expect(r.stdout).not.toContain('hunter2-very-secret')
  })

  it('set, get and unset round-trip through a 0600 config file', async () => {
    const set = ok(await cli.run(['config', 'set', 'pipeline.tickMs', '750']))
    expect(set).toMatchObject({ key: 'pipeline.tickMs', value: 750, restartRequired: false })
    expect(modeOf(configFile)).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(configFile, 'utf8'))).toEqual({ 'pipeline.tickMs': 750 })
    expect(ok(await cli.run(['config', 'get', 'pipeline.tickMs']))).toMatchObject({ value: 750, source: 'file', default: 500 })
    expect(ok(await cli.run(['config', 'unset', 'pipeline.tickMs']))).toMatchObject({ removed: true })
    expect(ok(await cli.run(['config', 'get', 'pipeline.tickMs']))).toMatchObject({ value: 500, source: 'default' })
    expect(JSON.parse(fs.readFileSync(configFile, 'utf8'))).toEqual({})
  })

  it('refuses an invalid value and an unknown key with their codes, and leaves the file as it was', async () => {
    ok(await cli.run(['config', 'set', 'log.level', 'warn']))
    const before = fs.readFileSync(configFile, 'utf8')
    const bad = fails(await cli.run(['config', 'set', 'pipeline.tickMs', '5']), 'CONFIG_INVALID', 2)
    // A duration setting: its bounds in the one duration grammar (src/lib/durations.ts).
    expect(bad.details.accepts).toContain('from 10ms to 1m')
    fails(await cli.run(['config', 'set', 'log.level', 'loud']), 'CONFIG_INVALID', 2)
    const unknown = fails(await cli.run(['config', 'set', 'pipeline.tick', '100']), 'CONFIG_KEY_UNKNOWN', 2)
    expect(unknown.details.closeKeys).toContain('pipeline.tickMs')
    fails(await cli.run(['config', 'set', 'masterPassword', 'x']), 'CONFIG_INVALID', 2)
    expect(fs.readFileSync(configFile, 'utf8')).toBe(before)
    ok(await cli.run(['config', 'unset', 'log.level']))
  })

  it('the environment wins over the file, and the source says so', async () => {
    ok(await cli.run(['config', 'set', 'approval.ttlSeconds', '600']))
    const got = ok(await cli.run(['config', 'get', 'approval.ttlSeconds'], { env: { WAIAAS_APPROVAL_TTL_SECONDS: '1200' } }))
    expect(got).toMatchObject({ value: 1200, source: 'env' })
    expect(ok(await cli.run(['config', 'get', 'approval.ttlSeconds']))).toMatchObject({ value: 600, source: 'file' })
    ok(await cli.run(['config', 'unset', 'approval.ttlSeconds']))
  })

  it('a hand-edited invalid file is CONFIG_INVALID naming the key', async () => {
    fs.writeFileSync(configFile, JSON.stringify({ 'log.level': 'chatty' }), { mode: 0o600 })
    const e = fails(await cli.run(['config', 'list']), 'CONFIG_INVALID', 2)
    expect(e.details.key).toBe('log.level')
    fs.writeFileSync(configFile, JSON.stringify({ 'log.lvl': 'debug' }), { mode: 0o600 })
    expect(fails(await cli.run(['config', 'list']), 'CONFIG_INVALID', 2).details.key).toBe('log.lvl')
    fs.writeFileSync(configFile, '{}', { mode: 0o600 })
  })

  it('the daemon applies a file setting at start (log.level debug writes debug lines)', async () => {
    ok(await cli.run(['config', 'set', 'log.level', 'debug']))
    ok(await cli.run(['init', '--password-file', home.file('pw.txt', 'correct horse battery staple')]))
    const log = fs.readFileSync(`${home.dataDir}/daemon.log`, 'utf8')
    expect(log).toMatch(/ DEBUG /)
    // Changing it while the daemon runs says a restart is needed.
    expect(ok(await cli.run(['config', 'set', 'log.level', 'info']))).toMatchObject({ restartRequired: true })
  })
})

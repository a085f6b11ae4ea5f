/**
 * The plugin commands through bin/run.js: `plugin enable rest --json` starts the REST server in the running daemon
 * (its /health answers), `status --json` and `plugin list --json` show it, a non-loopback host is refused with
 * exit code 2, and `plugin disable` stops it. Whether the daemon listens on TCP is read from /proc, not assumed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/cli.js'
import { fails, MASTER_PASSWORD, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'
import { http } from '../helpers/http.js'
import { listeningPorts } from '../helpers/listening.js'

describe('waiaas plugin', () => {
  const home = tempHome('wpc-')
  const cli = runner(home.dataDir)
  const pw = home.file('master.txt', MASTER_PASSWORD)
  let pid = 0

  beforeAll(async () => {
    ok(await cli.run(['init', '--password-file', pw]))
    pid = ok(await cli.run(['status'])).pid
  })

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it('is off by default: status shows it, and the daemon listens on no TCP port', async () => {
    const s = ok(await cli.run(['status']))
    expect(s.plugins.map((p: { name: string; enabled: boolean }) => [p.name, p.enabled])).toEqual([
      ['rest', false],
      ['mcp-http', false],
    ])
    expect(listeningPorts(pid).length).toBe(0)
  })

  it('enables rest, which status and plugin list show, and /health answers', async () => {
    const p = ok(await cli.run(['plugin', 'enable', 'rest', '--port', '0', '--password-file', pw]))
    expect(p).toMatchObject({ name: 'rest', enabled: true, error: null })
    expect(p.listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    expect(listeningPorts(pid)).toEqual([Number(new URL(p.listening).port)])
    const s = ok(await cli.run(['status']))
    expect(s.plugins[0]).toEqual(p)
    expect(ok(await cli.run(['plugin', 'list'])).plugins[0]).toEqual(p)
    const health = await http(p.listening.replace(/\/v1$/, ''), '/health')
    expect(health.json).toEqual({ status: 'ok', version: s.version })
  })

  it('refuses a non-loopback host without --allow-non-loopback (exit 2) and a wrong password (exit 6)', async () => {
    const e = fails(await cli.run(['plugin', 'enable', 'rest', '--host', '0.0.0.0', '--password-file', pw]), 'PLUGIN_BIND_REFUSED', 2)
    expect(e.details.host).toBe('0.0.0.0')
    const wrong = home.file('wrong.txt', 'not the master password')
    fails(await cli.run(['plugin', 'disable', 'rest', '--password-file', wrong]), 'AUTH_BAD_PASSWORD', 6)
    fails(await cli.run(['plugin', 'enable', 'ftp', '--password-file', pw]), 'USAGE', 2)
    expect(listeningPorts(pid).length).toBe(1)
  })

  it('disables rest: nothing listens any more', async () => {
    const p = ok(await cli.run(['plugin', 'disable', 'rest', '--password-file', pw]))
    expect(p).toMatchObject({ name: 'rest', enabled: false, listening: null })
    expect(listeningPorts(pid).length).toBe(0)
    expect(ok(await cli.run(['status'])).plugins[0].enabled).toBe(false)
  })
})

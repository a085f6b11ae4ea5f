/**
 * The seed article's container settings, WAIAAS_DAEMON_HOSTNAME and WAIAAS_DAEMON_PORT: read once by readEnv, folded
 * into the REST plugin's address, a non-loopback hostname being the explicit opt-in that
 * WAIAAS_REST_ALLOW_NON_LOOPBACK otherwise gives; contradictions and bad values are INPUT_INVALID naming the
 * variable. Then a daemon started from exactly the seed's variables serves /health (no credential, no data) and
 * keeps every route behind its credential.
 */
import net from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { startDaemon } from '../../src/daemon/daemon.js'
import { readEnv } from '../../src/lib/env.js'
import { WaiaasError } from '../../src/lib/errors.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { tempHome } from '../helpers/cli.js'
import { catchErr } from '../helpers/errors.js'
import { http, tcpServers } from '../helpers/http.js'

const rest = (env: NodeJS.ProcessEnv, file = {}) => {
  const e = readEnv(env, file)
  return { enabled: e.restEnabled, host: e.restHost, port: e.restPort, allowNonLoopback: e.restAllowNonLoopback }
}

const refused = (env: NodeJS.ProcessEnv): WaiaasError => catchErr(() => readEnv(env))

describe('WAIAAS_DAEMON_HOSTNAME / WAIAAS_DAEMON_PORT', () => {
  it('0.0.0.0 serves the REST plugin there and is itself the non-loopback opt-in', () => {
    expect(rest({ WAIAAS_DAEMON_HOSTNAME: '0.0.0.0' })).toEqual({ enabled: true, host: '0.0.0.0', port: undefined, allowNonLoopback: true })
    expect(rest({ WAIAAS_DAEMON_HOSTNAME: '::', WAIAAS_DAEMON_PORT: '8080' })).toEqual({ enabled: true, host: '::', port: 8080, allowNonLoopback: true })
  })

  it('a loopback hostname or a port alone serves REST without opening it to other hosts', () => {
    expect(rest({ WAIAAS_DAEMON_HOSTNAME: '127.0.0.1' })).toEqual({ enabled: true, host: '127.0.0.1', port: undefined, allowNonLoopback: undefined })
    expect(rest({ WAIAAS_DAEMON_PORT: '3200' })).toEqual({ enabled: true, host: undefined, port: 3200, allowNonLoopback: undefined })
    // Neither set (or set empty): nothing changes, REST stays as stored (off by default, loopback only).
    expect(rest({ WAIAAS_DAEMON_HOSTNAME: '', WAIAAS_DAEMON_PORT: '' })).toEqual({ enabled: undefined, host: undefined, port: undefined, allowNonLoopback: undefined })
  })

  it('wins over the config file, as every variable does', () => {
    const file = { 'rest.enabled': false, 'rest.host': '127.0.0.1', 'rest.port': 3100, 'rest.allowNonLoopback': false }
    expect(rest({ WAIAAS_DAEMON_HOSTNAME: '0.0.0.0', WAIAAS_DAEMON_PORT: '3300' }, file)).toEqual({ enabled: true, host: '0.0.0.0', port: 3300, allowNonLoopback: true })
  })

  it('agrees with WAIAAS_REST_* that say the same, and refuses those that contradict it, naming both', () => {
    expect(rest({ WAIAAS_DAEMON_HOSTNAME: '0.0.0.0', WAIAAS_REST_HOST: '0.0.0.0', WAIAAS_REST_ENABLED: 'true', WAIAAS_REST_ALLOW_NON_LOOPBACK: 'true' })).toEqual({
      enabled: true,
      host: '0.0.0.0',
      port: undefined,
      allowNonLoopback: true,
    })
    const cases: [NodeJS.ProcessEnv, string, string][] = [
      [{ WAIAAS_DAEMON_HOSTNAME: '0.0.0.0', WAIAAS_REST_HOST: '127.0.0.1' }, 'WAIAAS_DAEMON_HOSTNAME', 'WAIAAS_REST_HOST'],
      [{ WAIAAS_DAEMON_HOSTNAME: '0.0.0.0', WAIAAS_REST_ALLOW_NON_LOOPBACK: 'false' }, 'WAIAAS_DAEMON_HOSTNAME', 'WAIAAS_REST_ALLOW_NON_LOOPBACK'],
      [{ WAIAAS_DAEMON_HOSTNAME: '0.0.0.0', WAIAAS_REST_ENABLED: 'false' }, 'WAIAAS_DAEMON_HOSTNAME', 'WAIAAS_REST_ENABLED'],
      [{ WAIAAS_DAEMON_PORT: '3100', WAIAAS_REST_PORT: '3101' }, 'WAIAAS_DAEMON_PORT', 'WAIAAS_REST_PORT'],
      [{ WAIAAS_DAEMON_PORT: '3100', WAIAAS_REST_ENABLED: 'off' }, 'WAIAAS_DAEMON_PORT', 'WAIAAS_REST_ENABLED'],
    ]
    for (const [env, variable, conflictsWith] of cases) {
      const e = refused(env)
      expect([e.code, e.details], JSON.stringify(env)).toEqual(['INPUT_INVALID', { variable, conflictsWith }])
      expect(e.exitCode).toBe(2)
    }
  })

  it('refuses a hostname that is not an address or a host name, and a port out of range, naming the variable', () => {
    for (const bad of ['http://0.0.0.0', '0.0.0.0:3100', 'a b', '-x.example', 'host_name']) {
      const e = refused({ WAIAAS_DAEMON_HOSTNAME: bad })
      expect([e.code, e.details], bad).toEqual(['INPUT_INVALID', { variable: 'WAIAAS_DAEMON_HOSTNAME' }])
    }
    for (const bad of ['0', '65536', '31OO', '-1']) {
      const e = refused({ WAIAAS_DAEMON_PORT: bad })
      expect([e.code, e.details], bad).toEqual(['INPUT_INVALID', { variable: 'WAIAAS_DAEMON_PORT' }])
    }
  })
})

describe('a daemon started with the seed compose file\'s variables', () => {
  const home = tempHome('wda-')
  afterAll(() => home.cleanup())

  it('listens on all interfaces, answers /health without a credential, and keeps the routes behind one', async () => {
    const port = await freePort()
    const env = readEnv({ WAIAAS_DATA_DIR: home.dataDir, WAIAAS_DAEMON_HOSTNAME: '0.0.0.0', WAIAAS_DAEMON_PORT: String(port) })
    const daemon = await startDaemon({ home: home.dataDir, env })
    const client = await connectExisting(daemon.paths)
    try {
      const s = await client.call('system.status', {})
      expect(s.plugins[0]).toEqual({ name: 'rest', enabled: true, host: '0.0.0.0', port, allowNonLoopback: true, listening: `http://0.0.0.0:${port}/v1`, error: null })
      expect(tcpServers()).toBe(1)
      // The healthcheck's own request: what `curl -f http://localhost:PORT/health` sends.
      const h = await http(`http://localhost:${port}`, '/health')
      expect([h.status, Object.keys(h.json).sort()]).toEqual([200, ['status', 'version']])
      expect(h.json.status).toBe('ok')
      const wallets = await http(`http://127.0.0.1:${port}`, '/v1/wallets')
      expect([wallets.status, wallets.json?.error?.code]).toEqual([401, 'AUTH_REQUIRED'])
    } finally {
      client.close()
      await daemon.close()
    }
    expect(tcpServers()).toBe(0)
  })
})

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

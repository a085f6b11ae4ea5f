/**
 * Issue 13 item 6, performed as another local user would: a flood of wrong `X-Master-Password` headers over the REST
 * plugin (a request every 15 ms of a fake clock, ten connections at a time) never stops the operator's correct
 * password on the socket; the HTTP source itself stays throttled (REST and MCP over HTTP, even with the right
 * password); and the audit log grows by a bounded number of rows that still count every attempt, in the hash chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WINDOW_MS } from '../../src/daemon/auth-throttle.js'
import { startDaemon, type DaemonHandle } from '../../src/daemon/daemon.js'
import type { DaemonClient } from '../../src/cli/client.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { tempHome } from '../helpers/cli.js'
import { PASSWORD } from '../helpers/daemon.js'
import { http } from '../helpers/http.js'

const clock = { now: Date.parse('2030-01-01T00:00:00.000Z') }
const home = tempHome('wat-')
let daemon: DaemonHandle
let client: DaemonClient
let base = ''
const op = { password: PASSWORD }

beforeAll(async () => {
  daemon = await startDaemon({ home: home.dataDir, env: { autoProvision: false }, now: () => clock.now })
  client = await connectExisting(daemon.paths)
  await client.call('vault.init', { password: PASSWORD })
  await client.call('plugin.enable', { name: 'rest', port: 0 }, op)
  base = ((await client.call('plugin.enable', { name: 'mcp-http' }, op)).listening ?? '').replace(/\/mcp$/, '')
}, 60_000)

afterAll(async () => {
  client.close()
  await daemon.close()
  home.cleanup()
})

const failedRows = async (): Promise<{ action: string; details: Record<string, unknown> }[]> =>
  (await client.call('audit.list', { limit: 1000 })).entries.filter((e) => e.outcome === 'denied' && (e.action === 'auth.failures' || e.details.reason === 'bad-password'))

describe('wrong passwords over HTTP', () => {
  it('never lock out the socket, stay throttled themselves, and add a bounded number of audit rows', async () => {
    const N = 300
    const statuses = new Map<number, number>()
    for (let sent = 0; sent < N; sent += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => http(base, '/v1/wallet/list', { password: 'not the master password' })))
      for (const r of batch) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
      clock.now += 150
      if (sent % 50 === 0) {
        // The operator, on the socket, between the attacker's requests: never throttled.
        const s = await client.call('session.list', {}, op)
        expect(s.sessions).toEqual([])
      }
    }
    expect(statuses.get(200)).toBeUndefined()
    expect((statuses.get(401) ?? 0) + (statuses.get(429) ?? 0)).toBe(N)
    expect(statuses.get(429)).toBeGreaterThan(N - 10)

    // The HTTP source stays throttled, even with the right password, on REST and on MCP over HTTP.
    const rest = await http(base, '/v1/wallet/list', { password: PASSWORD })
    expect(rest.status).toBe(429)
    expect(rest.json.error).toMatchObject({ code: 'AUTH_THROTTLED', details: { source: 'http:loopback' } })
    const mcp = await http(base, '/mcp', { body: { jsonrpc: '2.0', id: 1, method: 'tools/list' }, password: PASSWORD, headers: { accept: 'application/json, text/event-stream' } })
    expect(mcp.json.error.code).toBe('AUTH_THROTTLED')
    // The socket still works, after all of it.
    expect((await client.call('wallet.create', { chain: 'evm', name: 'after-flood' }, op)).name).toBe('after-flood')

    // Audit: three rows for the first failures, the rest gathered in the open window.
    expect(await failedRows()).toHaveLength(3)
    clock.now += WINDOW_MS
    await client.call('session.list', {}, op)
    const rows = await failedRows()
    expect(rows).toHaveLength(4)
    const summary = rows.find((e) => e.action === 'auth.failures')
    expect(summary?.details).toMatchObject({ source: 'http:loopback', sourceKind: 'http', lastAction: 'http.connect' })
    // Every attempt after the first three is counted: the N of the flood, and the two with the right password.
    expect(Number(summary?.details.failures) + Number(summary?.details.throttled)).toBe(N - 3 + 2)
    const start = Date.parse('2030-01-01T00:00:00.000Z')
    expect(Date.parse(String(summary?.details.firstAt))).toBeGreaterThanOrEqual(start)
    expect(Date.parse(String(summary?.details.lastAt))).toBe(start + (N / 10) * 150)
    expect((await client.call('audit.verify', {})).valid).toBe(true)
  })
})

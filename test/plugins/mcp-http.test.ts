/**
 * The mcp-http plugin through the daemon's own HTTP server: enabled alone it serves /mcp and /health only; the MCP
 * SDK's client connects with a session's bearer token, sees the contract's tools and calls them as that session;
 * with rest enabled too, both share one server; disabling both stops it.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { contract, exposes } from '../../src/lib/contract/index.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { http, tcpServers } from '../helpers/http.js'

const t = useDaemon()
const op = { password: PASSWORD }
let token = ''

beforeAll(async () => {
  await t.client.call('wallet.create', { chain: 'evm', name: 'mine' }, op)
  await t.client.call('wallet.create', { chain: 'evm', name: 'theirs' }, op)
  token = (await t.client.call('session.create', { wallets: ['mine'], permissions: ['read'] }, op)).token
})

async function connect(url: string, bearer: string): Promise<Client> {
  const client = new Client({ name: 'plugin-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${bearer}` } } }))
  return client
}

describe('the mcp-http plugin', () => {
  it('enabled alone, serves /mcp and /health but no REST routes', async () => {
    const p = await t.client.call('plugin.enable', { name: 'mcp-http', port: 0 }, op)
    expect(p.listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/)
    const base = (p.listening ?? '').replace(/\/mcp$/, '')
    const [rest] = (await t.client.call('plugin.list', {})).plugins
    expect(rest).toMatchObject({ enabled: false, listening: null })
    expect((await http(base, '/health')).status).toBe(200)
    const v1 = await http(base, '/v1/wallet/list', { body: {}, password: PASSWORD })
    expect([v1.status, v1.json.error.code]).toEqual([404, 'HTTP_ROUTE_NOT_FOUND'])

    const client = await connect(p.listening ?? '', token)
    try {
      const tools = (await client.listTools()).tools.map((x) => x.name).sort()
      const expected = Object.entries(contract).filter(([, d]) => exposes(d, 'mcp')).map(([m]) => m.replaceAll('.', '_')).sort()
      expect(tools).toEqual(expected)
      const listed = await client.callTool({ name: 'wallet_list', arguments: {} })
      expect(listed.isError ?? false).toBe(false)
      expect((listed.structuredContent as { wallets: { name: string }[] }).wallets.map((w) => w.name)).toEqual(['mine'])
      const send = await client.callTool({ name: 'tx_send', arguments: { wallet: 'mine', network: 'evm-local', to: '0x' + '11'.repeat(20), amount: '0.001' } })
      expect(send.isError).toBe(true)
      expect((send.structuredContent as { error: { code: string } }).error.code).toBe('SESSION_SCOPE')
    } finally {
      await client.close()
    }
  })

  it('shares one server with rest, and stops when both are off', async () => {
    const rest = await t.client.call('plugin.enable', { name: 'rest' }, op)
    const [, mcp] = (await t.client.call('plugin.list', {})).plugins
    expect(rest.listening?.replace(/\/v1$/, '')).toBe(mcp?.listening?.replace(/\/mcp$/, ''))
    expect(tcpServers()).toBe(1)
    await t.client.call('plugin.disable', { name: 'mcp-http' }, op)
    const base = (rest.listening ?? '').replace(/\/v1$/, '')
    const gone = await http(base, '/mcp', { body: {}, token })
    expect([gone.status, gone.json.error.code]).toEqual([404, 'HTTP_ROUTE_NOT_FOUND'])
    expect(tcpServers()).toBe(1)
    await t.client.call('plugin.disable', { name: 'rest' }, op)
    expect(tcpServers()).toBe(0)
  })
})

/**
 * MCP over Streamable HTTP (stateless): the SDK's client against a loopback node:http server that hands `/mcp` to
 * handleMcpHttp with the daemon's in-process context, as the HTTP plugin does. Every call needs a credential; for
 * every tool, a session without the permission it needs and a revoked session are refused as tool errors.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Tool } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contract, exposes, type MethodName } from '../../src/lib/contract/index.js'
import type { WireAuth } from '../../src/lib/wire.js'
import { handleMcpHttp } from '../../src/mcp/http.js'
import { useDaemon } from '../helpers/daemon.js'
import { agentFlows, op, tool, toolError } from './flows.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
let server: http.Server
let url: URL

beforeAll(async () => {
  server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const text = Buffer.concat(chunks).toString('utf8')
      const auth: WireAuth = {}
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')
      if (bearer?.[1] !== undefined) auth.token = bearer[1]
      const password = req.headers['x-master-password']
      if (typeof password === 'string') auth.password = password
      await handleMcpHttp(t.daemon.ctx, req, res, text === '' ? undefined : JSON.parse(text), auth)
    })().catch((err: unknown) => {
      res.writeHead(500).end(String(err))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`)
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: 'http-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${token}` } } }))
  return client
}

const flows = agentFlows({ daemon: () => t.client, connect, wallet: 'mcp-http' })

/** Arguments that pass a tool's input schema (so the call reaches authorisation): a value for each required field. */
function validArgs(tool: Tool): Record<string, unknown> {
  const props = (tool.inputSchema.properties ?? {}) as Record<string, Record<string, any>>
  const value = (s: Record<string, any>): unknown => {
    if (Array.isArray(s.anyOf)) return value(s.anyOf[0])
    if (Array.isArray(s.enum)) return s.enum[0]
    if (s.type === 'string') return 'x'.repeat(Math.max(1, s.minLength ?? 1))
    if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1
    if (s.type === 'boolean') return false
    if (s.type === 'array') return Array.from({ length: s.minItems ?? 0 }, () => value(s.items ?? {}))
    return object(s)
  }
  const object = (s: Record<string, any>): Record<string, unknown> =>
    Object.fromEntries(((s.required ?? []) as string[]).map((k) => [k, value(s.properties?.[k] ?? {})]))
  return object({ properties: props, required: tool.inputSchema.required })
}

describe('MCP over Streamable HTTP', () => {
  it('answers 401 AUTH_REQUIRED to a request without a credential, before any MCP', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(init) })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('AUTH_REQUIRED')
    const client = new Client({ name: 'anon', version: '1' })
    await expect(client.connect(new StreamableHTTPClientTransport(url))).rejects.toMatchObject({ code: 401 })
  })

  it('refuses GET (no server-initiated stream in stateless mode)', async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${flows.token()}`, accept: 'text/event-stream' } })
    expect(res.status).toBe(405)
  })

  it('for every tool: a session without the permission it needs, and a revoked session, are refused', async () => {
    const wallet = 'mcp-http'
    const make = async (permissions: ('read' | 'send' | 'sign')[]): Promise<{ id: string; client: Client }> => {
      const s = await t.client.call('session.create', { wallets: [wallet], permissions }, op)
      return { id: s.session.id, client: await connect(s.token) }
    }
    const all = ['read', 'send', 'sign'] as const
    const lacking = { read: await make(['send', 'sign']), send: await make(['read', 'sign']), sign: await make(['read', 'send']) }
    const revoked = await make([...all])
    await t.client.call('session.revoke', { id: revoked.id }, op)
    const seen: string[] = []
    try {
      const { tools } = await revoked.client.listTools()
      expect(tools.length).toBe(Object.values(contract).filter((d) => exposes(d, 'mcp')).length)
      for (const tl of tools) {
        const method = tl.name.replace('_', '.') as MethodName
        const permission = contract[method].session?.permission
        expect(permission, tl.name).toBeDefined()
        const args = validArgs(tl)
        const scope = toolError(await tool(lacking[permission ?? 'read'].client, seen, tl.name, args))
        expect(scope.code, tl.name).toBe('SESSION_SCOPE')
        expect(scope.details, tl.name).toMatchObject({ method, permission })
        const gone = toolError(await tool(revoked.client, seen, tl.name, args))
        expect(gone.code, tl.name).toBe('SESSION_REVOKED')
      }
    } finally {
      for (const s of [...Object.values(lacking), revoked]) await s.client.close()
    }
    expect(seen.length).toBe(2 * Object.values(contract).filter((d) => exposes(d, 'mcp')).length)
  })

  it('the master password acts as the operator over MCP too (policy-checked like any caller)', async () => {
    const client = new Client({ name: 'operator', version: '1' })
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { 'X-Master-Password': 'correct horse battery staple' } } }))
    try {
      const r = await client.callTool({ name: 'wallet_list', arguments: {} })
      expect(r.isError).toBeFalsy()
      expect((r.structuredContent as { wallets: { name: string }[] }).wallets.map((w) => w.name)).toContain('mcp-http')
      expect(JSON.stringify(r)).not.toContain('correct horse battery staple')
    } finally {
      await client.close()
    }
  })
})

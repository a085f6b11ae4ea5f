/**
 * The seed article's policy type names (WHITELIST, CONTRACT_WHITELIST, METHOD_WHITELIST, TIME_RESTRICTION) are read
 * as ours on every transport: over the socket, the REST plugin (its seed-style POST /v1/policies with walletId) and
 * MCP over HTTP (policy_add). What is stored, listed and audited is our name; an unknown name is POLICY_INVALID.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { catchAsync } from '../helpers/errors.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { http } from '../helpers/http.js'

const t = useDaemon()
const op = { password: PASSWORD }
const A1 = '0x' + '11'.repeat(20)
let base = ''
let walletId = ''

beforeAll(async () => {
  walletId = (await t.client.call('wallet.create', { chain: 'evm', name: 'w' }, op)).id
  const rest = await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)
  await t.client.call('plugin.enable', { name: 'mcp-http', port: 0 }, op)
  base = (rest.listening ?? '').replace(/\/v1$/, '')
})

describe("the seed article's policy type names", () => {
  it('over the socket: stored and shown under our name, and usable as a list filter', async () => {
    const r = await t.client.call('policy.add', { wallet: 'w', type: 'WHITELIST', rules: { recipients: [A1] } }, op)
    expect(r.policy).toMatchObject({ type: 'RECIPIENT_ALLOWLIST', walletId, rules: { recipients: [A1] } })
    const tw = await t.client.call('policy.add', { global: true, type: 'time_restriction', rules: { start: '09:00', end: '17:00' } }, op)
    expect(tw.policy.type).toBe('TIME_WINDOW')
    const listed = await t.client.call('policy.list', { type: 'TIME_RESTRICTION' })
    expect(listed.policies.map((p) => p.id)).toEqual([tw.policy.id])
    const audit = await t.client.call('audit.list', { limit: 5 }, op)
    const entry = audit.entries.find((e) => e.target === r.policy.id && e.action === 'policy.add')
    expect(entry?.details.type).toBe('RECIPIENT_ALLOWLIST')
    const e = await catchAsync(t.client.call('policy.add', { wallet: 'w', type: 'ALLOWLIST', rules: {} }, op))
    expect(e.code).toBe('POLICY_INVALID')
    expect(e.details).toMatchObject({ field: 'type', issue: 'unknown-type' })
  })

  it("an agent session cannot loosen through an alias: CONTRACT_WHITELIST is judged as CONTRACT_ALLOWLIST, which grants", async () => {
    const { token } = await t.client.call('session.create', { wallets: ['w'], name: 'alias-agent', ttlSeconds: 3600 }, op)
    const before = await t.client.call('policy.list', { wallet: 'w' })
    const e = await catchAsync(t.client.call('policy.add', { wallet: 'w', type: 'CONTRACT_WHITELIST', rules: { contracts: [A1] } }, { token }))
    expect(e.code).toBe('POLICY_NOT_STRICTER')
    expect(e.details).toMatchObject({ type: 'CONTRACT_ALLOWLIST' })
    const after = await t.client.call('policy.list', { wallet: 'w' })
    expect(after.policies.map((p) => p.id)).toEqual(before.policies.map((p) => p.id))
    expect(after.revision).toBe(before.revision)
  })

  it('over REST: the seed-style POST /v1/policies with walletId and CONTRACT_WHITELIST', async () => {
    const r = await http(base, '/v1/policies', { method: 'POST', password: PASSWORD, body: { walletId, type: 'CONTRACT_WHITELIST', rules: { contracts: [A1] } } })
    expect(r.status, r.text).toBe(200)
    expect(r.json.data.policy).toMatchObject({ type: 'CONTRACT_ALLOWLIST', walletId, rules: { contracts: [A1] } })
    const listed = await http(base, `/v1/policies?type=CONTRACT_WHITELIST&wallet=${walletId}`, { password: PASSWORD })
    expect(listed.status, listed.text).toBe(200)
    expect(listed.json.data.policies.map((p: { type: string }) => p.type)).toEqual(['CONTRACT_ALLOWLIST'])
    const bad = await http(base, '/v1/policy/add', { password: PASSWORD, body: { wallet: 'w', type: 'NOT_A_TYPE', rules: {} } })
    expect(bad.status).toBe(400)
    expect(bad.json.error).toMatchObject({ code: 'POLICY_INVALID', details: { field: 'type' } })
  })

  it('over MCP (HTTP): policy_add with METHOD_WHITELIST stores METHOD_ALLOWLIST', async () => {
    const client = new Client({ name: 'alias-test', version: '1' })
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { 'X-Master-Password': PASSWORD } } }))
    try {
      const { tools } = await client.listTools()
      const add = tools.find((x) => x.name === 'policy_add')
      expect(JSON.stringify(add?.inputSchema)).toContain('METHOD_WHITELIST')
      const r = await client.callTool({ name: 'policy_add', arguments: { wallet: 'w', type: 'METHOD_WHITELIST', rules: { methods: { [A1]: ['transfer(address,uint256)'] } } } })
      expect(r.isError, JSON.stringify(r)).toBeFalsy()
      expect((r.structuredContent as { policy: { type: string; rules: unknown } }).policy).toMatchObject({ type: 'METHOD_ALLOWLIST', rules: { methods: { [A1]: ['0xa9059cbb'] } } })
    } finally {
      await client.close()
    }
    const stored = await t.client.call('policy.list', { wallet: 'w', type: 'METHOD_ALLOWLIST' })
    expect(stored.policies.length).toBe(1)
  })
})

/**
 * The REST plugin against an in-process daemon on the local EVM chain: off by default; once enabled, /health needs
 * no credential, the seed article's curl example works unchanged, an agent session sends within its limits, a send
 * past them waits for the operator's approval over REST, a denial says which rule and what would pass, the OpenAPI
 * document lists every route, bodies are limited, and a bind outside loopback is refused unless allowed.
 */
import net from 'node:net'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDaemon } from '../../src/daemon/daemon.js'
import { restRoutes } from '../../src/daemon/plugins/rest.js'
import { contract, methodsOn, type MethodName } from '../../src/lib/contract/index.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { tempHome } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { http, tcpServers } from '../helpers/http.js'
import { localChain } from '../helpers/chains.js'

/** The methods the contract keeps off REST (only the owner-only socket offers them). */
const SOCKET_ONLY: ReadonlySet<string> = new Set((Object.keys(contract) as MethodName[]).filter((m) => !methodsOn('rest').includes(m)))

const pricesFile = join(mkdtempSync(join(tmpdir(), 'waiaas-prices-')), 'prices.json')
writeFileSync(pricesFile, JSON.stringify({ sources: ['static'], static: { prices: { 'eip155:31337/native': '2000' } } }))

const t = useDaemon({ env: { pipelineTickMs: 50, pricesFile } })
const op = { password: PASSWORD }
let provider: JsonRpcProvider
let base = ''
let walletId = ''
const to = (): string => EthersWallet.createRandom().address

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  const w = await t.client.call('wallet.create', { chain: 'evm', name: 'agent' }, op)
  walletId = w.id
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
})

describe('the REST plugin', () => {
  it('is off by default: status shows both plugins off and nothing listens', async () => {
    const s = await t.client.call('system.status', {})
    expect(s.plugins).toEqual([
      { name: 'rest', enabled: false, host: '127.0.0.1', port: 3100, allowNonLoopback: false, listening: null, error: null },
      { name: 'mcp-http', enabled: false, host: '127.0.0.1', port: 3100, allowNonLoopback: false, listening: null, error: null },
    ])
    expect(tcpServers()).toBe(0)
  })

  it('enables live: /health answers 200 without a credential and shows no data', async () => {
    const r = await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)
    expect(r).toMatchObject({ name: 'rest', enabled: true, host: '127.0.0.1', port: 0, error: null })
    expect(r.listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    base = (r.listening ?? '').replace(/\/v1$/, '')
    expect(tcpServers()).toBe(1)
    const h = await http(base, '/health')
    expect(h.status).toBe(200)
    expect(h.json).toEqual({ status: 'ok', version: expect.any(String) })
    expect((await t.client.call('system.status', {})).plugins[0]?.listening).toBe(r.listening)
    // MCP over HTTP is a separate switch: /mcp is not served while it is off.
    expect((await http(base, '/mcp', { body: {}, token: 'x' })).json.error.code).toBe('HTTP_ROUTE_NOT_FOUND')
  })

  it("runs the seed article's curl example unchanged: POST /v1/policies with X-Master-Password and walletId", async () => {
    const raw = `{
    "walletId": "${walletId}",
    "type": "SPENDING_LIMIT",
    "rules": {
      "instant_max_usd": 10,
      "notify_max_usd": 100,
      "delay_max_usd": 1000,
      "delay_seconds": 300,
      "daily_limit_usd": 500
    }
  }`
    const r = await http(base, '/v1/policies', { method: 'POST', raw, headers: { 'Content-Type': 'application/json', 'X-Master-Password': PASSWORD } })
    expect(r.status, r.text).toBe(200)
    expect(r.json.ok).toBe(true)
    expect(r.json.data.policy).toMatchObject({ walletId, type: 'SPENDING_LIMIT', scope: 'wallet', enabled: true })
    expect(Number(r.json.data.policy.rules.instant_max_usd)).toBe(10)
    expect(Number(r.json.data.policy.rules.daily_limit_usd)).toBe(500)
    const listed = await http(base, `/v1/policies?walletId=${walletId}`, { password: PASSWORD })
    expect(listed.status).toBe(200)
    expect(listed.json.data.policies.map((p: { id: string }) => p.id)).toContain(r.json.data.policy.id)
    const wallets = await http(base, '/v1/wallets', { password: PASSWORD })
    expect(wallets.json.data.wallets.map((w: { id: string }) => w.id)).toEqual([walletId])
  })

  it('lets a session send within its limits with a bearer token; the transfer lands', async () => {
    const s = await http(base, '/v1/session/create', { body: { wallets: [walletId] }, password: PASSWORD })
    expect(s.status, s.text).toBe(200)
    const token: string = s.json.data.token
    const dest = to()
    const sent = await http(base, '/v1/tx/send', { body: { walletId, network: 'evm-local', to: dest, amount: '0.001' }, token })
    expect(sent.status, sent.text).toBe(200)
    expect(sent.json.data).toMatchObject({ tier: 'INSTANT', state: 'submitted', walletId })
    const done = await http(base, '/v1/tx/wait', { body: { id: sent.json.data.id, timeoutMs: 20_000 }, token })
    expect(done.json.data.state).toBe('confirmed')
    expect(await provider.getBalance(dest)).toBe(10n ** 15n)
  })

  it("holds a send past the daily limit for approval; the session cannot approve it, the operator does over REST", async () => {
    const s = await http(base, '/v1/session/create', { body: { wallets: ['agent'] }, password: PASSWORD })
    const token: string = s.json.data.token
    const dest = to()
    // 0.3 ETH at 2000 USD is 600 USD: past daily_limit_usd 500, so APPROVAL.
    const held = await http(base, '/v1/tx/send', { body: { wallet: 'agent', network: 'evm-local', to: dest, amount: '0.3' }, token })
    expect(held.status, held.text).toBe(200)
    expect(held.json.data).toMatchObject({ tier: 'APPROVAL', state: 'awaiting_approval' })
    const id: string = held.json.data.id
    const selfApproved = await http(base, '/v1/tx/approve', { body: { id }, token })
    expect(selfApproved.status).toBe(403)
    expect(selfApproved.json.error.code).toBe('SESSION_SCOPE')
    const approved = await http(base, '/v1/tx/approve', { body: { id }, password: PASSWORD })
    expect(approved.status, approved.text).toBe(200)
    expect(['approved', 'signed', 'submitted', 'confirmed']).toContain(approved.json.data.state)
    const done = await http(base, '/v1/tx/wait', { body: { id, timeoutMs: 20_000 }, token })
    expect(done.json.data.state).toBe('confirmed')
    expect(await provider.getBalance(dest)).toBe(3n * 10n ** 17n)
  })

  it('answers a denied send with 403 POLICY_DENIED naming the rule and what would pass', async () => {
    const s = await http(base, '/v1/session/create', { body: { wallets: [walletId], limitUsdPerDay: '1' }, password: PASSWORD })
    const token: string = s.json.data.token
    const r = await http(base, '/v1/tx/send', { body: { walletId, network: 'evm-local', to: to(), amount: '0.001' }, token })
    expect(r.status).toBe(403)
    expect(r.json.ok).toBe(false)
    expect(r.json.error).toMatchObject({ code: 'POLICY_DENIED', details: { tier: 'DENY', rule: { field: 'limit_usd_per_day' } } })
    expect(String(r.json.error.details.wouldPass)).toContain('1 USD or less')
    expect(r.json.error.hint).toEqual(expect.any(String))
  })

  it('serves an OpenAPI 3.1 document generated from the contract, listing every route', async () => {
    const r = await http(base, '/v1/openapi.json')
    expect(r.status).toBe(200)
    const doc = JSON.parse(r.text)
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.servers).toEqual([{ url: base }])
    expect(doc.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      masterPassword: { type: 'apiKey', in: 'header', name: 'X-Master-Password' },
    })
    const routes = restRoutes()
    const readOnly = Object.entries(contract).filter(([m, d]) => 'readOnly' in d && d.readOnly === true && !SOCKET_ONLY.has(m)).length
    expect(routes.length).toBe(Object.keys(contract).length - SOCKET_ONLY.size + readOnly + 3)
    const ops: string[] = []
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) for (const verb of Object.keys(item)) ops.push(`${verb.toUpperCase()} ${path}`)
    const admin = ['POST /v1/admin/login', 'POST /v1/admin/logout', 'GET /v1/admin/session']
    expect(ops.sort()).toEqual([...routes.map((x) => `${x.verb} ${x.path}`), 'GET /health', 'GET /v1/openapi.json', 'GET /v1/events', ...admin].sort())
    expect(ops).not.toContain('POST /v1/system/hello')
    expect(ops).not.toContain('POST /v1/vault/init')
    const send = doc.paths['/v1/tx/send'].post
    expect(send).toMatchObject({ operationId: 'txSend', 'x-waiaas-method': 'tx.send', 'x-waiaas-role': 'agent', security: [{ bearerAuth: [] }, { masterPassword: [] }, { adminCookie: [], csrfToken: [] }] })
    expect(send.requestBody).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/TxSendInput' } } } })
    const input = doc.components.schemas.TxSendInput
    expect(input.required.sort()).toEqual(['amount', 'network', 'to'])
    expect(input.oneOf).toEqual([expect.objectContaining({ required: ['wallet'] }), expect.objectContaining({ required: ['walletId'] })])
    expect(send.responses['200'].content['application/json'].schema.properties.data).toEqual({ $ref: '#/components/schemas/TxRequest' })
    expect(doc.components.schemas.TxRequest.properties.state.enum).toContain('awaiting_approval')
    expect(doc.paths['/v1/wallet/export'].post).toMatchObject({ 'x-waiaas-role': 'operator', security: [{ masterPassword: [] }] })
    expect(doc.paths['/v1/policies'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PolicyAddInput' })
    expect(doc.components.schemas.PolicyAddInput.properties.walletId).toBeDefined()
    expect(doc.paths['/health'].get.security).toEqual([])
  })

  it('limits bodies (413), takes only JSON (415, 400), and answers unknown routes and verbs in JSON (404, 405)', async () => {
    const big = await http(base, '/v1/wallet/list', { raw: JSON.stringify({ chain: 'x'.repeat(1024 * 1024) }), headers: { 'content-type': 'application/json' }, password: PASSWORD })
    expect(big.status).toBe(413)
    expect(big.json.error).toMatchObject({ code: 'HTTP_BODY_TOO_LARGE', details: { maxBytes: 1024 * 1024 } })
    const form = await http(base, '/v1/wallet/list', { raw: 'chain=evm', headers: { 'content-type': 'application/x-www-form-urlencoded' }, password: PASSWORD })
    expect(form.status).toBe(415)
    expect(form.json.error.code).toBe('HTTP_UNSUPPORTED_MEDIA_TYPE')
    const bad = await http(base, '/v1/wallet/list', { raw: '{"chain":', headers: { 'content-type': 'application/json' }, password: PASSWORD })
    expect(bad.status).toBe(400)
    expect(bad.json.error.code).toBe('HTTP_INVALID_JSON')
    const invalid = await http(base, '/v1/wallet/list', { body: { chain: 'bitcoin' }, password: PASSWORD })
    expect(invalid.status).toBe(400)
    expect(invalid.json.error).toMatchObject({ code: 'INPUT_INVALID', details: { issues: [{ path: 'chain' }] } })
    const missing = await http(base, '/v1/nothing/here', { body: {}, password: PASSWORD })
    expect(missing.status).toBe(404)
    expect(missing.json.error.code).toBe('HTTP_ROUTE_NOT_FOUND')
    // Socket-only methods have no route: nobody stops the daemon over HTTP.
    const shutdown = await http(base, '/v1/system/shutdown', { body: {}, password: PASSWORD })
    expect(shutdown.status).toBe(404)
    const verb = await http(base, '/v1/tx/send', { method: 'GET' })
    expect(verb.status).toBe(405)
    expect(verb.headers.allow).toBe('POST')
    expect(verb.json.error.code).toBe('HTTP_METHOD_NOT_ALLOWED')
    const noBody = await http(base, '/v1/killswitch/status', { method: 'POST', password: PASSWORD })
    expect(noBody.json).toEqual({ ok: true, data: { on: false, since: null, actor: null, reason: null } })
    expect((await http(base, '/health')).status).toBe(200)
    expect((await t.client.call('system.status', {})).pid).toBe(process.pid)
  })

  it('serves every read-only method as GET too, params typed from the query string, with the same auth', async () => {
    const gets = restRoutes().filter((r) => r.verb === 'GET' && !r.alias)
    expect(gets.map((r) => r.method).sort()).toEqual(
      Object.entries(contract)
        .filter(([m, d]) => 'readOnly' in d && d.readOnly === true && !SOCKET_ONLY.has(m))
        .map(([m]) => m)
        .sort(),
    )
    expect(gets.map((r) => r.method)).not.toContain('tx.send')
    await t.client.call('wallet.create', { chain: 'evm', name: 'elsewhere' }, op)
    const { token } = await t.client.call('session.create', { wallets: ['agent'], permissions: ['read'] }, op)

    const balance = await http(base, '/v1/balance/get?wallet=agent&network=evm-local', { token })
    expect(balance.status, balance.text).toBe(200)
    expect(balance.json.data).toMatchObject({ wallet: { name: 'agent' }, network: 'eip155:31337' })
    // Numbers come typed from the query: limit=1 is 1, not "1".
    const one = await http(base, '/v1/tx/list?limit=1', { password: PASSWORD })
    expect(one.status, one.text).toBe(200)
    expect(one.json.data.requests.length).toBeLessThanOrEqual(1)
    expect((await http(base, '/v1/audit/list?limit=2', { password: PASSWORD })).json.data.entries).toHaveLength(2)
    // The seed article's walletId spelling works in a query too.
    const listed = await http(base, `/v1/policy/list?walletId=${walletId}`, { token })
    expect(listed.status, listed.text).toBe(200)
    // The session's scope holds for GET as for POST.
    const outside = await http(base, '/v1/balance/get?wallet=elsewhere&network=evm-local', { token })
    expect(outside.status).toBe(403)
    expect(outside.json.error.code).toBe('SESSION_SCOPE')
    expect((await http(base, '/v1/balance/get?wallet=agent&network=evm-local')).status).toBe(401)
    // A scalar given twice, or a word where a number goes, is 400 INPUT_INVALID naming the field.
    const twice = await http(base, '/v1/balance/get?wallet=agent&wallet=elsewhere&network=evm-local', { password: PASSWORD })
    expect(twice.status).toBe(400)
    expect(twice.json.error).toMatchObject({ code: 'INPUT_INVALID', details: { issues: [{ path: 'wallet' }] } })
    const word = await http(base, '/v1/tx/list?limit=ten', { password: PASSWORD })
    expect(word.status).toBe(400)
    expect(word.json.error).toMatchObject({ code: 'INPUT_INVALID', details: { issues: [{ path: 'limit' }] } })
    // The OpenAPI document lists the GET with its query parameters.
    const doc = (await http(base, '/v1/openapi.json')).json
    const params = doc.paths['/v1/balance/get'].get.parameters as { name: string; in: string; required: boolean }[]
    expect(params.find((p) => p.name === 'network')).toMatchObject({ in: 'query', required: false })
    expect(doc.paths['/v1/tx/send'].get).toBeUndefined()
  })

  it('refuses requests that name another site in Host or Origin (DNS rebinding); /health stays open', async () => {
    const port = new URL(base).port
    const evilHost = { host: `rebound.example:${port}` }
    for (const path of ['/v1/wallet/list', '/v1/openapi.json', '/mcp', `/approve/${'A'.repeat(43)}`]) {
      const r = await http(base, path, { headers: evilHost, password: PASSWORD })
      expect(r.status, path).toBe(403)
      expect(r.json.error, path).toMatchObject({ code: 'HTTP_ORIGIN_REFUSED', details: { header: 'host' } })
    }
    const fromPage = await http(base, '/v1/wallet/list', { method: 'POST', headers: { origin: 'https://attacker.example' }, password: PASSWORD })
    expect(fromPage.status).toBe(403)
    expect(fromPage.json.error).toMatchObject({ code: 'HTTP_ORIGIN_REFUSED', details: { header: 'origin' } })
    expect((await http(base, '/v1/wallet/list', { method: 'POST', headers: { origin: 'null' }, password: PASSWORD })).status).toBe(403)
    // The server's own names, with or without a same-host Origin, pass.
    for (const headers of [{ host: `localhost:${port}` }, { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` }, { host: `[::1]:${port}` }]) {
      const r = await http(base, '/v1/wallet/list', { method: 'POST', headers, password: PASSWORD })
      expect(r.status, JSON.stringify(headers)).toBe(200)
    }
    expect((await http(base, '/health', { headers: evilHost })).status).toBe(200)
  })

  it('refuses to bind outside loopback unless allowed, and keeps serving where it was', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.1', 'example.org']) {
      const err = await catchAsync(t.client.call('plugin.enable', { name: 'rest', host, port: 0 }, op))
      expect(err, host).toMatchObject({ code: 'PLUGIN_BIND_REFUSED', details: { host } })
    }
    expect((await http(base, '/health')).status).toBe(200)
    const open = await t.client.call('plugin.enable', { name: 'rest', host: '0.0.0.0', port: 0, allowNonLoopback: true }, op)
    expect(open.listening).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/v1$/)
    const back = await t.client.call('plugin.enable', { name: 'rest', host: '127.0.0.1', port: 0, allowNonLoopback: false }, op)
    expect(back.listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    base = (back.listening ?? '').replace(/\/v1$/, '')
    expect(tcpServers()).toBe(1)
    expect((await http(base, '/health')).status).toBe(200)
  })

  it('reports a taken port as PLUGIN_START_FAILED with EADDRINUSE', async () => {
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    try {
      const port = (blocker.address() as net.AddressInfo).port
      const err = await catchAsync(t.client.call('plugin.enable', { name: 'rest', port }, op))
      expect(err).toMatchObject({ code: 'PLUGIN_START_FAILED', details: { errno: 'EADDRINUSE', port } })
      const [rest] = (await t.client.call('plugin.list', {})).plugins
      expect(rest).toMatchObject({ enabled: true, listening: null, error: { code: 'PLUGIN_START_FAILED' } })
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
    const again = await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)
    expect(again.error).toBeNull()
    base = (again.listening ?? '').replace(/\/v1$/, '')
    expect((await http(base, '/health')).status).toBe(200)
  })

  it('disables live: the server stops and nothing listens', async () => {
    const r = await t.client.call('plugin.disable', { name: 'rest' }, op)
    expect(r).toMatchObject({ name: 'rest', enabled: false, listening: null })
    expect(tcpServers()).toBe(0)
    const refused = await http(base, '/health').then(
      () => 'answered',
      (err: NodeJS.ErrnoException) => err.code,
    )
    expect(refused).toBe('ECONNREFUSED')
    expect((await catchAsync(t.client.call('plugin.enable', { name: 'ftp' }, op))).code).toBe('PLUGIN_UNKNOWN')
  })
})

describe('plugins across restarts', () => {
  const home = tempHome('wp-')
  afterAll(() => home.cleanup())

  it('starts an enabled plugin again at start, and a plugin that cannot bind does not stop the daemon', async () => {
    let daemon = await startDaemon({ home: home.dataDir, env: { autoProvision: false } })
    let client = await connectExisting(daemon.paths)
    await client.call('vault.init', { password: PASSWORD })
    await client.call('plugin.enable', { name: 'rest', port: 0 }, op)
    client.close()
    await daemon.close()
    expect(tcpServers()).toBe(0)

    daemon = await startDaemon({ home: home.dataDir, env: { autoProvision: false } })
    client = await connectExisting(daemon.paths)
    const [rest, mcp] = (await client.call('plugin.list', {})).plugins
    expect(rest?.listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    expect(mcp).toMatchObject({ enabled: false, listening: null })
    expect((await http((rest?.listening ?? '').replace(/\/v1$/, ''), '/health')).status).toBe(200)
    client.close()
    await daemon.close()

    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    try {
      const port = (blocker.address() as net.AddressInfo).port
      // The environment overrides the stored port; that port is taken, and the daemon starts anyway.
      daemon = await startDaemon({ home: home.dataDir, env: { autoProvision: false, restPort: port } })
      client = await connectExisting(daemon.paths)
      const s = await client.call('system.status', {})
      expect(s.plugins[0]).toMatchObject({ name: 'rest', enabled: true, port, listening: null, error: { code: 'PLUGIN_START_FAILED' } })
      client.close()
      await daemon.close()
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })
})

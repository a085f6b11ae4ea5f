/**
 * Every REST route, enumerated from the contract (and checked against the OpenAPI document), refuses a call
 * without a credential, with a token that is not a live session, with a session token where the method allows no
 * session or needs a permission the session lacks, and with a wrong master password. Params are garbage on
 * purpose: the credential is checked before anything else. /mcp turns the same strangers away at the door.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { restRoutes, type Route } from '../../src/daemon/plugins/rest.js'
import { contract, type MethodDef } from '../../src/lib/contract/index.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { http, type HttpResult } from '../helpers/http.js'

const t = useDaemon()
const op = { password: PASSWORD }
let base = ''
let readToken = ''
let fullToken = ''
let revokedToken = ''

const routes = restRoutes()
const garbage = { wallet: 42, id: ['x'], amount: { no: 1 }, __proto_: 'x', name: null }

function hit(route: Route, auth: { password?: string; token?: string } = {}): Promise<HttpResult> {
  const path = route.verb === 'GET' ? `${route.path}?wallet=%00&limit=-1` : route.path
  return http(base, path, { method: route.verb, ...(route.verb === 'POST' ? { body: garbage } : {}), ...auth })
}

const label = (r: Route): string => `${r.verb} ${r.path}`
const def = (r: Route): MethodDef => contract[r.method]

beforeAll(async () => {
  const enabled = await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)
  await t.client.call('plugin.enable', { name: 'mcp-http' }, op)
  base = (enabled.listening ?? '').replace(/\/v1$/, '')
  await t.client.call('wallet.create', { chain: 'evm', name: 'w' }, op)
  readToken = (await t.client.call('session.create', { wallets: ['w'], permissions: ['read'] }, op)).token
  fullToken = (await t.client.call('session.create', { wallets: ['w'] }, op)).token
  const revoked = await t.client.call('session.create', { wallets: ['w'] }, op)
  await t.client.call('session.revoke', { id: revoked.session.id }, op)
  revokedToken = revoked.token
})

describe('the REST auth matrix', () => {
  it('enumerates every contract method offered over HTTP, the same routes the OpenAPI document lists', async () => {
    const doc = (await http(base, '/v1/openapi.json')).json
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, item]) => Object.keys(item).map((verb) => `${verb.toUpperCase()} ${path}`))
      .filter((op) => op.startsWith('POST /v1/') || (op.startsWith('GET /v1/') && op !== 'GET /v1/openapi.json' && op !== 'GET /v1/events'))
      // The admin UI's session routes are not contract methods (test/plugins/admin-auth.test.ts covers them).
      .filter((op) => !op.includes(' /v1/admin/'))
    expect(documented.sort()).toEqual(routes.map(label).sort())
    expect(routes.length).toBeGreaterThan(50)
    for (const r of routes) expect(doc.paths[r.path][r.verb.toLowerCase()]['x-waiaas-role'], label(r)).toBe(def(r).role)
  })

  it('refuses every route without a credential: 401 AUTH_REQUIRED, whatever the params', async () => {
    for (const r of routes) {
      const res = await hit(r)
      expect(res.status, label(r)).toBe(401)
      expect(res.json?.error?.code, label(r)).toBe('AUTH_REQUIRED')
      expect(res.headers['www-authenticate'], label(r)).toBe('Bearer realm="waiaas"')
    }
  })

  it('refuses every route with a token that is not a live session: 401 SESSION_INVALID, SESSION_REVOKED', async () => {
    for (const r of routes) {
      const unknown = await hit(r, { token: 'wsk_not-a-real-token' })
      expect([unknown.status, unknown.json?.error?.code], label(r)).toEqual([401, 'SESSION_INVALID'])
      const revoked = await hit(r, { token: revokedToken })
      expect([revoked.status, revoked.json?.error?.code], label(r)).toEqual([401, 'SESSION_REVOKED'])
    }
  })

  it('refuses a session on every route whose method allows no session (operator-only and socket-public): 403 SESSION_SCOPE', async () => {
    const noSession = routes.filter((r) => def(r).session === undefined)
    expect(noSession.map((r) => r.method)).toEqual(expect.arrayContaining(['wallet.export', 'tx.approve', 'session.create', 'killswitch.off', 'vault.lock', 'audit.list']))
    for (const r of noSession) {
      const res = await hit(r, { token: fullToken })
      expect([res.status, res.json?.error?.code], label(r)).toEqual([403, 'SESSION_SCOPE'])
    }
  })

  it('refuses a read-only session on every route that needs the send or sign permission: 403 SESSION_SCOPE', async () => {
    const writes = routes.filter((r) => def(r).session !== undefined && def(r).session?.permission !== 'read')
    expect(writes.map((r) => r.method)).toEqual(expect.arrayContaining(['tx.send', 'tx.call', 'sign.message', 'sign.tx', 'tx.cancel']))
    for (const r of writes) {
      const res = await hit(r, { token: readToken })
      expect([res.status, res.json?.error?.code, res.json?.error?.details?.permission], label(r)).toEqual([403, 'SESSION_SCOPE', def(r).session?.permission])
    }
  })

  it('turns strangers away from /mcp before any MCP code runs', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }
    const none = await http(base, '/mcp', { body: init })
    expect([none.status, none.json?.error?.code]).toEqual([401, 'AUTH_REQUIRED'])
    const unknown = await http(base, '/mcp', { body: init, token: 'wsk_not-a-real-token' })
    expect([unknown.status, unknown.json?.error?.code]).toEqual([401, 'SESSION_INVALID'])
    const revoked = await http(base, '/mcp', { body: init, token: revokedToken })
    expect([revoked.status, revoked.json?.error?.code]).toEqual([401, 'SESSION_REVOKED'])
  })

  // Last: wrong passwords start the persisted throttle, after which even the right one waits.
  it('refuses every route with a wrong master password: 401 AUTH_BAD_PASSWORD, then 429 AUTH_THROTTLED', async () => {
    const seen: string[] = []
    for (const r of [...routes, { verb: 'POST', path: '/mcp' } as Route]) {
      const res = r.path === '/mcp' ? await http(base, '/mcp', { body: {}, password: 'wrong password!' }) : await hit(r, { password: 'wrong password!' })
      const code = res.json?.error?.code
      expect(code === 'AUTH_BAD_PASSWORD' ? 401 : code === 'AUTH_THROTTLED' ? 429 : -1, `${label(r)}: ${res.text}`).toBe(res.status)
      seen.push(code)
    }
    expect(seen[0]).toBe('AUTH_BAD_PASSWORD')
    expect(seen.at(-1)).toBe('AUTH_THROTTLED')
  })
})

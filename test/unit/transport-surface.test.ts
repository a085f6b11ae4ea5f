/**
 * Pins which transports expose each contract method, read from what each transport actually serves: the REST
 * plugin's routes, the OpenAPI document's paths, and the MCP tool list (one list for `waiaas mcp` over stdio and the
 * mcp-http plugin: both serve `mcpTools()`). The socket serves every method. A change here must be deliberate:
 * exposing a method on another transport hands it to other callers (a REST client, an agent's model).
 */
import { describe, expect, it } from 'vitest'
import { EVENTS_PATH } from '../../src/daemon/plugins/events.js'
import { openApiDocument } from '../../src/daemon/plugins/openapi.js'
import { OPENAPI_PATH, restRoutes } from '../../src/daemon/plugins/rest.js'
import { contract, methodsOn } from '../../src/lib/contract/index.js'
import { mcpTools } from '../../src/mcp/tools.js'

const ALL = Object.keys(contract).sort()
const without = (out: readonly string[]): string[] => ALL.filter((m) => !out.includes(m))

/** Only on the owner-only socket: the handshake, stopping the daemon, the first password, the HTTP plugins' own switches. */
const SOCKET_ONLY = ['plugin.disable', 'plugin.enable', 'system.hello', 'system.shutdown', 'vault.init']

const MCP = [
  'balance.get', 'calldata.encode', 'incoming.list', 'incoming.summary', 'killswitch.status', 'network.list', 'policy.add', 'policy.list', 'policy.show', 'policy.test',
  'session.info', 'session.renew', 'session.whoami', 'sign.message', 'sign.tx', 'sign.typedData', 'system.status', 'token.list', 'token.resolve', 'tx.call', 'tx.cancel', 'tx.list',
  'tx.send', 'tx.sendBatch', 'tx.show', 'tx.simulate', 'tx.tokenApprove', 'tx.wait', 'wallet.list', 'wallet.show',
]

describe('transport exposure', () => {
  it('REST routes every method but the socket-only ones', () => {
    const rest = [...new Set(restRoutes().filter((r) => !r.alias).map((r) => r.method))].sort()
    expect(rest).toEqual(without(SOCKET_ONLY))
    expect([...methodsOn('rest')].sort()).toEqual(without(SOCKET_ONLY))
    expect(ALL.length).toBe(81)
  })

  it('the socket serves every method (the CLI calls them all)', () => {
    expect([...methodsOn('socket')].sort()).toEqual(ALL)
  })

  it('the OpenAPI document describes exactly the REST methods (plus the seed article aliases)', () => {
    const doc = openApiDocument('0.0.0', 'http://127.0.0.1:1/v1') as { paths: Record<string, unknown> }
    const aliases = new Set(restRoutes().filter((r) => r.alias).map((r) => r.path))
    const methods = Object.keys(doc.paths)
      .filter((p) => p.startsWith('/v1/') && !aliases.has(p) && p !== OPENAPI_PATH && p !== EVENTS_PATH && !p.startsWith('/v1/admin/'))
      .map((p) => p.replace(/^\/v1\//, '').replaceAll('/', '.'))
      .sort()
    expect(methods).toEqual(without(SOCKET_ONLY))
    expect([...aliases].sort()).toEqual(['/v1/policies', '/v1/wallets'])
    expect(Object.keys((doc.paths[EVENTS_PATH] ?? {}) as object)).toEqual(['get'])
    // Besides: the admin UI's session routes, which are no contract methods.
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/v1/admin/')).sort()).toEqual(['/v1/admin/login', '/v1/admin/logout', '/v1/admin/session'])
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/v1/'))).toEqual(['/health'])
  })

  it('MCP (stdio and HTTP) offers one tool per method opted in, none of them operator-only', () => {
    const tools = [...mcpTools().values()].map((t) => t.method).sort()
    expect(tools).toEqual(MCP)
    expect([...methodsOn('mcp')].sort()).toEqual(MCP)
    for (const m of tools) expect(contract[m].role, m).not.toBe('operator')
  })
})

describe('error table: how MCP shows each code', () => {
  it('as an isError tool result, except an unknown tool: a JSON-RPC protocol error (Invalid params)', async () => {
    const { ERROR_CODES } = await import('../../src/lib/errors.js')
    const protocol = Object.entries(ERROR_CODES).filter(([, i]) => i.mcp.as === 'protocol')
    expect(protocol).toEqual([['RPC_METHOD_NOT_FOUND', expect.objectContaining({ mcp: { as: 'protocol', code: -32602 } })]])
    for (const [code, i] of Object.entries(ERROR_CODES)) if (code !== 'RPC_METHOD_NOT_FOUND') expect(i.mcp, code).toEqual({ as: 'result' })
  })
})

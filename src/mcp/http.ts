/**
 * MCP over Streamable HTTP for the daemon's HTTP plugin: stateless (a fresh server and transport per request, no
 * MCP session id), JSON responses, every call dispatched in-process with the request's credential and the HTTP
 * transport's rules (nothing is callable anonymously).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { ERROR_CODES, WaiaasError } from '../lib/errors.js'
import { VERSION } from '../lib/version.js'
import type { WireAuth } from '../lib/wire.js'
import type { DaemonContext } from '../daemon/context.js'
import { dispatch } from '../daemon/dispatch.js'
import { createMcpServer } from './tools.js'

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/**
 * Answers one HTTP request to `/mcp`. `body` is the parsed JSON body; `auth` the credential from the
 * `Authorization: Bearer` or `X-Master-Password` header. Without one: 401 AUTH_REQUIRED, before any MCP.
 */
export async function handleMcpHttp(ctx: DaemonContext, req: IncomingMessage, res: ServerResponse, body: unknown, auth: WireAuth): Promise<void> {
  if (auth.token === undefined && auth.password === undefined) {
    const e = new WaiaasError('AUTH_REQUIRED', 'MCP over HTTP needs a session token (Authorization: Bearer …)', {
      details: { transport: 'mcp-http' },
      hint: 'Send the agent session token as `Authorization: Bearer <token>`; `waiaas session create` makes one.',
    })
    sendJson(res, ERROR_CODES[e.code].http, { error: e.toPayload() }, { 'www-authenticate': 'Bearer realm="waiaas"' })
    return
  }
  if (req.method !== 'POST') {
    // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
    sendJson(res, 405, { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: MCP requests are POSTed' }, id: null }, { allow: 'POST' })
    return
  }
  const server = createMcpServer((method, params) => dispatch(ctx, method, params, auth, 'http', req.socket.remoteAddress), { name: 'waiaas', version: VERSION })
  const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true }) // no sessionIdGenerator: stateless
  res.on('close', () => {
    void transport.close()
    void server.close()
  })
  await server.connect(transport)
  await transport.handleRequest(req, res, body)
}

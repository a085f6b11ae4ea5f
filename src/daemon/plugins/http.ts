/**
 * The HTTP server the plugins share (node:http, no framework): `/health` for container health checks, the REST
 * routes under `/v1` and MCP over Streamable HTTP at `/mcp`, each served only while its plugin is enabled. It reads
 * JSON bodies within a size limit, takes credentials from `Authorization: Bearer` (a session token) or
 * `X-Master-Password` (the operator), and hands every call to `dispatch` with transport `http`, which authorises it.
 * Requests that name another site in `Host` or `Origin` are refused first (DNS rebinding). It never logs headers,
 * bodies or query strings. Every response carries the security headers (security-headers.ts); with the REST plugin
 * come the admin UI's files at /admin/ (admin-static.ts) and its session cookie, an operator credential too (admin.ts).
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { PluginName } from '../../lib/contract/index.js'
import { ERROR_CODES, toWaiaasError, WaiaasError } from '../../lib/errors.js'
import { encodeFrame, MAX_FRAME_BYTES, type WireAuth } from '../../lib/wire.js'
import type { DaemonContext } from '../context.js'
import { dispatch, verifyCredential } from '../dispatch.js'
import { ADMIN_BODY_BYTES, adminCookieSecure, clearCookieHeader, handleAdminApi, isAdminApiPath, readCredential, restCredential } from './admin.js'
import { isAdminUiRequest, serveAdminUi } from './admin-static.js'
import { APPROVAL_BODY_BYTES, handleApproval, isApprovalPath, loggablePath } from './approval-routes.js'
import { EVENTS_PATH, eventStreams } from './events.js'
import { openApiDocument } from './openapi.js'
import { OPENAPI_PATH, queryParams, restParams, routeTable, type Verb } from './rest.js'
import { setSecurityHeaders } from './security-headers.js'
import { isLoopbackHost } from './settings.js'

export interface HttpServerHandle {
  /** The address as configured (the requested port may be 0). */
  host: string
  port: number
  /** Where it actually listens, e.g. `http://127.0.0.1:3100`. */
  url: string
  /** Stops accepting, lets in-flight requests finish (bounded), then closes every connection. Idempotent. */
  close(): Promise<void>
}

export interface HttpServerOptions {
  host: string
  port: number
  /** Whether a plugin's routes are served right now; read on every request. */
  serving(name: PluginName): boolean
  maxBodyBytes?: number
}

/** What src/mcp/http.ts exports; loaded only when a request reaches /mcp. */
interface McpHttpModule {
  handleMcpHttp(ctx: DaemonContext, req: IncomingMessage, res: ServerResponse, body: unknown, auth: WireAuth): Promise<void>
}
const MCP_MODULE = '../../mcp/http.js'

const DRAIN_MS = 10_000

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end()
  const text = encodeFrame(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  })
  res.end(text)
}

function sendError(res: ServerResponse, err: WaiaasError, headers: Record<string, string> = {}): void {
  const extra: Record<string, string> = { ...headers }
  if (err.code === 'AUTH_REQUIRED') extra['www-authenticate'] = 'Bearer realm="waiaas"'
  send(res, ERROR_CODES[err.code].http, { ok: false, error: err.toPayload() }, extra)
}

/** The credential presented: `X-Master-Password` makes the caller the operator, `Authorization: Bearer` a session. */
export function authFromHeaders(headers: IncomingHttpHeaders): WireAuth {
  const auth: WireAuth = {}
  const pw = headers['x-master-password']
  if (typeof pw === 'string' && pw !== '') auth.password = pw
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '')
  if (bearer?.[1] !== undefined) auth.token = bearer[1]
  return auth
}

/** A request's JSON body (undefined when there is none), within `max` bytes. 413, 415 and 400 otherwise. */
function readJsonBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<unknown> {
  const length = req.headers['content-length']
  const chunked = req.headers['transfer-encoding'] !== undefined
  if (!chunked && (length === undefined || length === '0')) return Promise.resolve(undefined)
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    res.setHeader('connection', 'close')
    return Promise.reject(new WaiaasError('HTTP_UNSUPPORTED_MEDIA_TYPE', `Bodies must be application/json, got ${JSON.stringify(type.slice(0, 64) || '(none)')}`, { details: { contentType: type.slice(0, 64) } }))
  }
  const tooLarge = (): WaiaasError => {
    res.setHeader('connection', 'close')
    return new WaiaasError('HTTP_BODY_TOO_LARGE', `The body exceeds ${max} bytes`, { details: { maxBytes: max } })
  }
  if (length !== undefined && Number(length) > max) return Promise.reject(tooLarge())
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > max) {
        done = true
        parts.length = 0
        reject(tooLarge())
        return
      }
      parts.push(chunk)
    })
    req.on('error', (err) => {
      if (!done) reject(err)
      done = true
    })
    req.on('end', () => {
      if (done) return
      done = true
      const text = Buffer.concat(parts).toString('utf8')
      if (text.trim() === '') return resolve(undefined)
      try {
        resolve(JSON.parse(text))
      } catch {
        reject(new WaiaasError('HTTP_INVALID_JSON', 'The body is not valid JSON', { details: {} }))
      }
    })
  })
}

/** The host name of a `Host` header or an origin, lower-cased, without port or IPv6 brackets; undefined when unparsable. */
function hostOf(value: string, withScheme: boolean): string | undefined {
  try {
    return new URL(withScheme ? value : `http://${value}`).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  } catch {
    return undefined
  }
}

/**
 * Against DNS rebinding: a page of another site whose name was made to resolve to 127.0.0.1 reaches this server with
 * its own name in `Host` (and `Origin`). On a loopback address only loopback names and the rest.publicUrl host are
 * accepted; on an address the operator chose to expose, `Origin`, when a browser sends one, must be this server
 * (the `Host` it called) or rest.publicUrl. Requests without `Origin` (curl, SDKs) are checked on `Host` alone.
 */
export function checkRequestOrigin(headers: IncomingHttpHeaders, bindHost: string, publicUrl: string | undefined): void {
  const publicHost = publicUrl === undefined ? undefined : hostOf(publicUrl, true)
  const trusted = (h: string | undefined): boolean => h !== undefined && (isLoopbackHost(h) || h === publicHost)
  const host = headers.host ?? ''
  const origin = headers.origin
  const refuse = (what: 'Host' | 'Origin', value: string): WaiaasError =>
    new WaiaasError('HTTP_ORIGIN_REFUSED', `Refused a request whose ${what} is ${JSON.stringify(value.slice(0, 128))}: not this server`, { details: { header: what.toLowerCase() } })
  if (isLoopbackHost(bindHost)) {
    if (!trusted(hostOf(host, false))) throw refuse('Host', host)
    if (origin !== undefined && !trusted(hostOf(origin, true))) throw refuse('Origin', origin)
    return
  }
  if (origin !== undefined) {
    const o = hostOf(origin, true)
    if (o === undefined || (o !== hostOf(host, false) && o !== publicHost)) throw refuse('Origin', origin)
  }
}

function notFound(path: string, why?: string): WaiaasError {
  return new WaiaasError('HTTP_ROUTE_NOT_FOUND', why ?? `No route ${JSON.stringify(path.slice(0, 128))}`, { details: { path: path.slice(0, 128) } })
}

function notAllowed(verb: string, allowed: string[]): WaiaasError {
  return new WaiaasError('HTTP_METHOD_NOT_ALLOWED', `This route takes ${allowed.join(', ')}, not ${verb.slice(0, 16)}`, { details: { allowed } })
}

/** Starts the shared server. PLUGIN_START_FAILED (details.errno, e.g. EADDRINUSE) when it cannot listen. */
export async function startHttpServer(ctx: DaemonContext, opts: HttpServerOptions): Promise<HttpServerHandle> {
  const log = ctx.log.child('http')
  const maxBody = opts.maxBodyBytes ?? MAX_FRAME_BYTES
  const routes = routeTable()
  let openapi: unknown
  let url = ''
  let inflight = 0
  let idle: (() => void) | undefined
  /** The REST calls in flight, aborted when the server closes. */
  const waiting = new Set<AbortController>()
  const events = eventStreams(ctx, {
    serving: () => opts.serving('rest'),
    credential: (req) => readCredential(ctx, req.headers, authFromHeaders(req.headers), adminCookieSecure(opts.host, ctx.restPublicUrl)),
  })

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const verb = req.method ?? 'GET'
    // Parsed once: the exact pathname (the admin UI's files), the route path without trailing slashes, the query.
    const target = new URL(req.url ?? '/', 'http://localhost')
    const path = target.pathname.replace(/(.)\/+$/, '$1')
    if (path === '/health') {
      if (verb !== 'GET' && verb !== 'HEAD') throw notAllowed(verb, ['GET'])
      return send(res, 200, { status: 'ok', version: ctx.version })
    }
    checkRequestOrigin(req.headers, opts.host, ctx.restPublicUrl)
    if (path === '/mcp') {
      if (!opts.serving('mcp-http')) throw notFound(path, 'MCP over HTTP is not enabled (`waiaas plugin enable mcp-http`)')
      const body = verb === 'POST' ? await readJsonBody(req, res, maxBody) : undefined
      const auth = authFromHeaders(req.headers)
      await verifyCredential(ctx, auth, req.socket.remoteAddress)
      const mcp = (await import(MCP_MODULE)) as McpHttpModule
      return mcp.handleMcpHttp(ctx, req, res, body, auth)
    }
    if (isApprovalPath(path)) {
      return handleApproval(ctx, res, { path, verb, serving: opts.serving('rest'), readBody: () => readJsonBody(req, res, APPROVAL_BODY_BYTES) })
    }
    if (!opts.serving('rest')) throw notFound(path, 'The REST plugin is not enabled (`waiaas plugin enable rest`)')
    if (path === OPENAPI_PATH) {
      if (verb !== 'GET') throw notAllowed(verb, ['GET'])
      openapi ??= openApiDocument(ctx.version, url)
      return send(res, 200, openapi)
    }
    if (isAdminUiRequest(req.url ?? '/', target.pathname)) return serveAdminUi(req, res, target.pathname)
    const secure = adminCookieSecure(opts.host, ctx.restPublicUrl)
    const auth = authFromHeaders(req.headers)
    if (isAdminApiPath(path)) {
      const readBody = (): Promise<unknown> => readJsonBody(req, res, ADMIN_BODY_BYTES)
      const out = await handleAdminApi(ctx, { path, verb, headers: req.headers, auth, peer: req.socket.remoteAddress, secure, readBody })
      return send(res, 200, { ok: true, data: out.data }, out.setCookie === undefined ? {} : { 'set-cookie': out.setCookie })
    }
    if (path === EVENTS_PATH) return events.handle(req, res)
    const byVerb = routes.get(path)
    if (byVerb === undefined) throw notFound(path)
    const route = byVerb.get(verb as Verb)
    if (route === undefined) throw notAllowed(verb, [...byVerb.keys()])
    // The admin cookie's rules (CSRF, password again, CLI-only acts) refuse before the body is read.
    const cred = restCredential(ctx, req.headers, auth, route.method, route.verb, secure)
    const raw = route.verb === 'GET' ? queryParams(route.method, target.searchParams) : await readJsonBody(req, res, maxBody)
    // A call that waits (event.wait) ends when its client leaves or the server closes.
    const gone = new AbortController()
    const abort = (): void => gone.abort()
    waiting.add(gone)
    res.once('close', abort)
    try {
      const data = await dispatch(ctx, route.method, restParams(raw), cred.auth, 'http', req.socket.remoteAddress, cred.admin, gone.signal)
      send(res, 200, { ok: true, data })
    } finally {
      waiting.delete(gone)
      res.off('close', abort)
    }
  }

  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 20_000, maxHeaderSize: 16 * 1024 }, (req, res) => {
    const started = performance.now()
    inflight++
    setSecurityHeaders(res)
    handle(req, res)
      .catch((err: unknown) => {
        const e = toWaiaasError(err)
        if (e.code === 'INTERNAL') log.error('internal error', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
        const allow = e.code === 'HTTP_METHOD_NOT_ALLOWED' ? { allow: (e.details.allowed as string[]).join(', ') } : undefined
        // A dead admin session: the browser drops its cookie.
        const clear = e.code === 'ADMIN_SESSION_INVALID' ? { 'set-cookie': clearCookieHeader(adminCookieSecure(opts.host, ctx.restPublicUrl)) } : undefined
        sendError(res, e, { ...allow, ...clear })
        return e.code
      })
      .then((code) => {
        const path = loggablePath((req.url ?? '').split('?')[0]?.slice(0, 128))
        log.debug('request', { verb: req.method, path, status: res.statusCode, ...(code ? { code } : {}), ms: +(performance.now() - started).toFixed(2) })
      })
      .finally(() => {
        inflight--
        if (inflight === 0) idle?.()
      })
  })

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        new WaiaasError('PLUGIN_START_FAILED', `Could not listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`, {
          details: { host: opts.host, port: opts.port, errno: err.code ?? null },
          cause: err,
        }),
      )
    }
    server.once('error', onError)
    server.listen({ host: opts.host, port: opts.port }, () => {
      server.off('error', onError)
      resolve()
    })
  })
  server.on('error', (err) => log.error('server error', { error: err.message }))
  const addr = server.address() as AddressInfo
  url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`
  log.info('listening', { url })

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      // Event streams never finish by themselves: end them, or the drain below would wait for them.
      events.closeAll()
      for (const gone of waiting) gone.abort()
      server.closeIdleConnections()
      if (inflight > 0) {
        await Promise.race([new Promise<void>((resolve) => (idle = resolve)), new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())])
      }
      server.closeAllConnections()
      await stopped
      log.info('stopped', { url })
    })()
    return closing
  }

  return { host: opts.host, port: opts.port, url, close }
}

/**
 * The admin web UI's credential on the HTTP server: `POST /v1/admin/login` with the master password (checked and
 * throttled per source like every password) makes an admin session (admin-sessions.ts) and sets its HttpOnly,
 * SameSite=Strict cookie (`Secure` and the `__Host-` name when the server is not on loopback or rest.publicUrl is
 * https); `POST /v1/admin/logout` ends it; `GET /v1/admin/session` answers it again after a reload
 * (null when there is none).
 *
 * On the contract's REST routes a live cookie makes the caller the operator, under these rules: a request with a
 * Bearer token is judged on the token alone (a cookie never raises an agent's rights); every POST the cookie
 * authenticates carries the session's CSRF token in `X-CSRF-Token`; the acts the contract marks `reauth` need the
 * master password again (`X-Master-Password`, checked as usual); those marked `cliOnly` (key import and export) are
 * refused. Every refusal comes before the body is read, so nothing is done.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { parseCookie, stringifySetCookie } from 'cookie'
import { contract, type MethodDef, type MethodName } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import type { WireAuth } from '../../lib/wire.js'
import { adminSessionsOf, type AdminSession, type AdminSessionView } from '../admin-sessions.js'
import { httpSource } from '../auth-throttle.js'
import type { DaemonContext } from '../context.js'
import { appendAudit } from '../store/audit.js'
import { isLoopbackHost } from './settings.js'

export const ADMIN_LOGIN_PATH = '/v1/admin/login'
export const ADMIN_LOGOUT_PATH = '/v1/admin/logout'
export const ADMIN_SESSION_PATH = '/v1/admin/session'
/** The admin routes and the one HTTP method each takes. */
export const ADMIN_ROUTES: Readonly<Record<string, 'GET' | 'POST'>> = {
  [ADMIN_LOGIN_PATH]: 'POST',
  [ADMIN_LOGOUT_PATH]: 'POST',
  [ADMIN_SESSION_PATH]: 'GET',
}
/** A login body is one password (≤ 1024 characters) in JSON. */
export const ADMIN_BODY_BYTES = 8 * 1024

export function isAdminApiPath(path: string): boolean {
  return path === '/v1/admin' || path.startsWith('/v1/admin/')
}

/** Whether the cookie must be `Secure`: the server is reachable beyond loopback, or clients reach it over https. */
export function adminCookieSecure(bindHost: string, publicUrl: string | undefined): boolean {
  return !isLoopbackHost(bindHost) || (publicUrl !== undefined && publicUrl.toLowerCase().startsWith('https:'))
}

/** The cookie's name: `__Host-` (Secure, Path=/, no Domain: bound to this host) wherever it is Secure. */
export function adminCookieName(secure: boolean): string {
  return secure ? '__Host-waiaas_admin' : 'waiaas_admin'
}

export function setCookieHeader(id: string, secure: boolean): string {
  return stringifySetCookie(adminCookieName(secure), id, { path: '/', httpOnly: true, sameSite: 'strict', secure })
}

export function clearCookieHeader(secure: boolean): string {
  return stringifySetCookie(adminCookieName(secure), '', { path: '/', httpOnly: true, sameSite: 'strict', secure, maxAge: 0 })
}

/** The admin cookie a request carries: whether it has one, and the live session it names. */
export function adminCookie(ctx: DaemonContext, headers: IncomingHttpHeaders, secure: boolean): { present: boolean; session?: AdminSession } {
  const header = headers.cookie
  if (header === undefined || header === '') return { present: false }
  const id = parseCookie(header)[adminCookieName(secure)]
  if (id === undefined) return { present: false }
  const session = adminSessionsOf(ctx).find(id)
  return session === undefined ? { present: true } : { present: true, session }
}

function sessionInvalid(): WaiaasError {
  return new WaiaasError('ADMIN_SESSION_INVALID', 'The admin session is not valid (ended, expired or unknown); log in again', { details: {} })
}

function csrfHeader(headers: IncomingHttpHeaders): string | undefined {
  const v = headers['x-csrf-token']
  return typeof v === 'string' ? v : undefined
}

/**
 * The admin session a request is authenticated by, or undefined when its other credentials decide: a Bearer token
 * (judged alone: a cookie never raises an agent's rights), no admin cookie, or a stale cookie beside the master
 * password. A stale cookie alone is ADMIN_SESSION_INVALID.
 */
function cookieSession(ctx: DaemonContext, headers: IncomingHttpHeaders, auth: WireAuth, secure: boolean): AdminSession | undefined {
  if (auth.token !== undefined) return undefined
  const cookie = adminCookie(ctx, headers, secure)
  if (!cookie.present) return undefined
  if (cookie.session === undefined && auth.password === undefined) throw sessionInvalid()
  return cookie.session
}

/**
 * The credential of a read-only HTTP endpoint outside the contract's routes (the event stream): the same rules as
 * `restCredential` for a GET. `admin: true` means a live admin cookie made the caller the operator (and was used now).
 */
export function readCredential(ctx: DaemonContext, headers: IncomingHttpHeaders, auth: WireAuth, secure: boolean): { auth: WireAuth; admin: boolean } {
  const session = cookieSession(ctx, headers, auth, secure)
  if (session === undefined) return { auth, admin: false }
  adminSessionsOf(ctx).touch(session)
  return auth.password !== undefined ? { auth, admin: false } : { auth: {}, admin: true }
}

/**
 * How a REST call is authenticated, given the credentials of its headers (`auth`): unchanged without an admin
 * cookie or with a Bearer token; `admin: true` for the operator by cookie; the password alone for a `reauth` act.
 * Throws ADMIN_SESSION_INVALID, ADMIN_CSRF_INVALID, ADMIN_CLI_ONLY or AUTH_PASSWORD_REQUIRED before anything is done.
 */
export function restCredential(
  ctx: DaemonContext,
  headers: IncomingHttpHeaders,
  auth: WireAuth,
  method: MethodName,
  verb: 'GET' | 'POST',
  secure: boolean,
): { auth: WireAuth; admin: boolean } {
  const session = cookieSession(ctx, headers, auth, secure)
  if (session === undefined) return { auth, admin: false }
  const store = adminSessionsOf(ctx)
  if (verb === 'POST' && !store.csrfMatches(session, csrfHeader(headers))) {
    throw new WaiaasError('ADMIN_CSRF_INVALID', `${method} through the admin session needs its CSRF token in X-CSRF-Token`, {
      details: { method, header: 'x-csrf-token', given: csrfHeader(headers) !== undefined },
    })
  }
  const def: MethodDef = contract[method]
  if (def.cliOnly === true) {
    const command = `waiaas ${method.replace('.', ' ')}`
    throw new WaiaasError('ADMIN_CLI_ONLY', `${method} is not available in the admin UI: keys are never typed into or shown in a browser`, {
      details: { method, command },
      hint: `Use the CLI on the daemon's machine: \`${command}\`.`,
    })
  }
  store.touch(session)
  if (def.reauth === true) {
    if (auth.password === undefined) {
      throw new WaiaasError('AUTH_PASSWORD_REQUIRED', `${method} asks for the master password again`, { details: { method, header: 'x-master-password' } })
    }
    return { auth: { password: auth.password }, admin: false }
  }
  return auth.password !== undefined ? { auth, admin: false } : { auth: {}, admin: true }
}

export interface AdminApiRequest {
  path: string
  verb: string
  headers: IncomingHttpHeaders
  auth: WireAuth
  peer: string | undefined
  secure: boolean
  readBody(): Promise<unknown>
}

/** What a handled admin route answers: the data, and the Set-Cookie header when the cookie changes. */
export interface AdminApiResponse {
  data: AdminSessionView | { loggedOut: true } | null
  setCookie?: string
}

function loginPassword(body: unknown): string {
  const pw = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).password : undefined
  const extra = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body).filter((k) => k !== 'password') : []
  if (typeof pw !== 'string' || pw.length === 0 || pw.length > 1024 || extra.length > 0) {
    throw new WaiaasError('INPUT_INVALID', 'Log in with {"password": "<the master password>"}', {
      details: { issues: [{ path: extra.length > 0 ? (extra[0] ?? '').slice(0, 64) : 'password', message: extra.length > 0 ? 'unknown field' : 'must be the master password (1-1024 characters)' }] },
    })
  }
  return pw
}

/**
 * Serves `/v1/admin/*`; every failure is thrown as a WaiaasError for the server to answer (it clears the cookie with
 * ADMIN_SESSION_INVALID). A Bearer token is refused on every admin route.
 */
export async function handleAdminApi(ctx: DaemonContext, req: AdminApiRequest): Promise<AdminApiResponse> {
  const verb = ADMIN_ROUTES[req.path]
  if (verb === undefined || !Object.hasOwn(ADMIN_ROUTES, req.path)) {
    throw new WaiaasError('HTTP_ROUTE_NOT_FOUND', `No route ${JSON.stringify(req.path.slice(0, 128))}`, { details: { path: req.path.slice(0, 128) } })
  }
  if (req.verb !== verb) {
    throw new WaiaasError('HTTP_METHOD_NOT_ALLOWED', `This route takes ${verb}, not ${req.verb.slice(0, 16)}`, { details: { allowed: [verb] } })
  }
  if (req.auth.token !== undefined) {
    throw new WaiaasError('SESSION_SCOPE', 'An agent session token may not use the admin routes', {
      details: { route: req.path },
      hint: 'The admin UI is the operator\'s: log in with the master password at /admin/. Agents use their session token on the contract routes.',
    })
  }
  const store = adminSessionsOf(ctx)
  if (req.path === ADMIN_LOGIN_PATH) {
    const password = loginPassword(await req.readBody())
    const source = httpSource(req.peer)
    const grant = await ctx.keyring.authorize(password, 'operator', 'admin.login', source)
    grant.release()
    if (ctx.keyring.locked) {
      throw new WaiaasError('KEYSTORE_LOCKED', 'The daemon is locked: unlock it before logging in to the admin UI', { details: {}, hint: 'Unlock the daemon with `waiaas unlock`, then log in again.' })
    }
    const { id, view } = store.create()
    appendAudit(ctx.db, { actor: 'operator', action: 'admin.login', outcome: 'ok', details: { source, secure: req.secure } }, new Date(ctx.now()))
    return { data: view, setCookie: setCookieHeader(id, req.secure) }
  }
  const cookie = adminCookie(ctx, req.headers, req.secure)
  const session = cookie.session
  if (req.path === ADMIN_SESSION_PATH) {
    // The page asks this on every load, before it knows whether it is logged in: no live session is an answer (null),
    // not an error a browser would log on every visit to the login form. A stale cookie is dropped.
    const view = session === undefined ? undefined : store.touch(session)
    if (view !== undefined) return { data: view }
    return cookie.present ? { data: null, setCookie: clearCookieHeader(req.secure) } : { data: null }
  }
  if (session === undefined) throw sessionInvalid()
  if (req.path === ADMIN_LOGOUT_PATH) {
    if (!store.csrfMatches(session, csrfHeader(req.headers))) {
      throw new WaiaasError('ADMIN_CSRF_INVALID', 'Logging out needs the session\'s CSRF token in X-CSRF-Token', { details: { header: 'x-csrf-token', given: csrfHeader(req.headers) !== undefined } })
    }
    store.end(session)
    appendAudit(ctx.db, { actor: 'operator', action: 'admin.logout', outcome: 'ok', details: { source: httpSource(req.peer) } }, new Date(ctx.now()))
    return { data: { loggedOut: true }, setCookie: clearCookieHeader(req.secure) }
  }
  throw new WaiaasError('HTTP_ROUTE_NOT_FOUND', `No route ${JSON.stringify(req.path.slice(0, 128))}`, { details: { path: req.path.slice(0, 128) } })
}

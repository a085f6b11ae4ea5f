/**
 * The admin web UI's routes in the OpenAPI document (see admin.ts): log in with the master password, log out, and
 * the current session; with the cookie and CSRF security schemes the contract's routes accept too.
 */
import { STATUS_CODES } from 'node:http'
import { ERROR_CODES, type ErrorCode } from '../../lib/errors.js'
import { ADMIN_LOGIN_PATH, ADMIN_LOGOUT_PATH, ADMIN_SESSION_PATH } from './admin.js'

type Json = Record<string, unknown>
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })

export const ADMIN_SECURITY_SCHEMES: Record<string, Json> = {
  adminCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'waiaas_admin',
    description:
      'The admin UI\'s session (POST /v1/admin/login): HttpOnly, SameSite=Strict; named __Host-waiaas_admin and Secure when the server is not on loopback or rest.publicUrl is https. It makes the caller the operator.',
  },
  csrfToken: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The admin session\'s CSRF token (from the login or GET /v1/admin/session): every POST made with the cookie carries it' },
}

export const ADMIN_SCHEMAS: Record<string, Json> = {
  AdminLoginInput: {
    type: 'object',
    required: ['password'],
    properties: { password: { type: 'string', minLength: 1, maxLength: 1024, description: 'The master password' } },
    additionalProperties: false,
  },
  AdminSession: {
    type: 'object',
    required: ['csrfToken', 'expiresAt', 'idleExpiresAt'],
    properties: {
      csrfToken: { type: 'string', description: 'Send it as X-CSRF-Token with every POST; keep it in memory only' },
      expiresAt: { type: 'string', format: 'date-time', description: 'When the session ends whatever happens (12 h after the login)' },
      idleExpiresAt: { type: 'string', format: 'date-time', description: 'When it ends unless used before (15 min of idleness)' },
    },
    additionalProperties: false,
  },
  AdminLogoutResult: { type: 'object', required: ['loggedOut'], properties: { loggedOut: { type: 'boolean', const: true } }, additionalProperties: false },
}

function failures(codes: readonly ErrorCode[]): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of codes) byStatus.set(ERROR_CODES[code].http, [...(byStatus.get(ERROR_CODES[code].http) ?? []), code])
  const out: Record<string, Json> = {}
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    out[String(status)] = {
      description: `${STATUS_CODES[status] ?? 'Error'}: ${(byStatus.get(status) ?? []).join(', ')}`,
      content: { 'application/json': { schema: ref('ErrorEnvelope') } },
    }
  }
  return out
}

function ok(schema: string, setsCookie: boolean, nullable = false): Json {
  const data = nullable ? { oneOf: [ref(schema), { type: 'null' }] } : ref(schema)
  return {
    description: nullable ? 'The result (null: no live session)' : 'The result',
    ...(setsCookie ? { headers: { 'Set-Cookie': { description: 'The admin session cookie (set, or cleared with Max-Age=0)', schema: { type: 'string' } } } } : {}),
    content: { 'application/json': { schema: { type: 'object', required: ['ok', 'data'], properties: { ok: { type: 'boolean', const: true }, data } } } },
  }
}

const COMMON: readonly ErrorCode[] = ['SESSION_SCOPE', 'HTTP_ORIGIN_REFUSED', 'HTTP_ROUTE_NOT_FOUND', 'INTERNAL']

/** The paths of the admin routes. */
export function adminPaths(): Record<string, Json> {
  return {
    [ADMIN_LOGIN_PATH]: {
      post: {
        operationId: 'adminLogin',
        summary: 'Log in to the admin UI with the master password (throttled per source): sets the session cookie and answers its CSRF token.',
        tags: ['admin'],
        security: [],
        requestBody: { required: true, content: { 'application/json': { schema: ref('AdminLoginInput') } } },
        responses: {
          '200': ok('AdminSession', true),
          ...failures(['INPUT_INVALID', 'AUTH_BAD_PASSWORD', 'AUTH_THROTTLED', 'KEYSTORE_LOCKED', 'HTTP_INVALID_JSON', 'HTTP_BODY_TOO_LARGE', 'HTTP_UNSUPPORTED_MEDIA_TYPE', ...COMMON]),
        },
      },
    },
    [ADMIN_LOGOUT_PATH]: {
      post: {
        operationId: 'adminLogout',
        summary: 'End the admin session and clear its cookie.',
        tags: ['admin'],
        security: [{ adminCookie: [], csrfToken: [] }],
        responses: { '200': ok('AdminLogoutResult', true), ...failures(['ADMIN_SESSION_INVALID', 'ADMIN_CSRF_INVALID', ...COMMON]) },
      },
    },
    [ADMIN_SESSION_PATH]: {
      get: {
        operationId: 'adminSession',
        summary: 'The admin session of the cookie (after a reload): its CSRF token and when it ends; null without a live session (a stale cookie is cleared).',
        tags: ['admin'],
        security: [{ adminCookie: [] }, {}],
        responses: { '200': ok('AdminSession', true, true), ...failures(COMMON) },
      },
    },
  }
}

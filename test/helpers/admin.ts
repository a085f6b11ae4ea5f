/** The admin UI's session seen from a test: log in over HTTP, then call routes with the cookie and the CSRF token. */
import { parseSetCookie } from 'cookie'
import { http, type HttpResult } from './http.js'

export interface AdminLogin {
  /** The `Cookie` header value to send back (`name=value`). */
  cookie: string
  csrf: string
  /** The Set-Cookie header the login answered, as sent. */
  setCookie: string
  res: HttpResult
}

/** Logs in; throws unless the login succeeded. */
export async function adminLogin(base: string, password: string): Promise<AdminLogin> {
  const res = await http(base, '/v1/admin/login', { body: { password } })
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${res.text}`)
  const header = res.headers['set-cookie']
  const setCookie = Array.isArray(header) ? (header[0] ?? '') : (header ?? '')
  const parsed = parseSetCookie(setCookie)
  return { cookie: `${parsed.name}=${parsed.value ?? ''}`, csrf: res.json.data.csrfToken as string, setCookie, res }
}

/** One request with the session's cookie, and its CSRF token on a POST unless `csrf` says otherwise (null: none). */
export function adminHttp(
  base: string,
  path: string,
  s: Pick<AdminLogin, 'cookie' | 'csrf'>,
  opts: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string>; password?: string; token?: string; csrf?: string | null } = {},
): Promise<HttpResult> {
  const method = opts.method ?? (opts.body === undefined && opts.raw === undefined ? 'GET' : 'POST')
  const csrf = opts.csrf === undefined ? s.csrf : opts.csrf
  const headers: Record<string, string> = { cookie: s.cookie, ...(method === 'POST' && csrf !== null ? { 'x-csrf-token': csrf } : {}), ...opts.headers }
  const { csrf: _c, headers: _h, ...rest } = opts
  return http(base, path, { ...rest, method, headers })
}

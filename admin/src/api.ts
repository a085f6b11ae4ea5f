/**
 * The admin UI's only way to the daemon: the REST routes derived from the contract (`POST /v1/<topic>/<verb>`), typed
 * from the contract itself (type-only imports: nothing of zod or the daemon reaches the bundle), plus the admin
 * session routes (`/v1/admin/login|logout|session`) and the event stream (`/v1/events`).
 *
 * Credentials: the admin session is an HttpOnly cookie the page cannot read; the CSRF token that must go with every
 * POST is held here, in memory only (after a reload, `restore()` asks the server for it again). The password is sent
 * once to log in (and again for the few acts that ask for it, e.g. turning the kill switch off) and never stored:
 * not in web storage, not in a URL, not in this module.
 */
import type { AuditEntryOut, Input, MethodName, Output } from '../../src/lib/contract/index.js'

export type { AuditEntryOut, Input, MethodName, Output }

/** A daemon error as the REST plugin returns it: `{ ok: false, error: { code, message, details, hint } }`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: Record<string, unknown> = {},
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }

  /** Field-level problems of an INPUT_INVALID / POLICY_RULES_INVALID answer, by dotted path (`rules.instant_max`). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    const issues = this.details.issues
    if (Array.isArray(issues)) {
      for (const i of issues as { path?: unknown; message?: unknown }[]) {
        if (typeof i.path === 'string' && typeof i.message === 'string' && out[i.path] === undefined) out[i.path] = i.message
      }
    }
    return out
  }
}

/** What the server says about the current admin session. */
export interface AdminSession {
  csrfToken: string
  /** ISO time at which the session ends whatever happens. */
  expiresAt: string
  /** ISO time at which it ends unless used before. */
  idleExpiresAt: string
}

let csrfToken: string | undefined
const listeners = new Set<(loggedIn: boolean) => void>()

/** Called with false when the server says the session is gone (expired, logged out elsewhere, daemon restarted). */
export function onSessionChange(fn: (loggedIn: boolean) => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

function setSession(s: AdminSession | undefined): void {
  const was = csrfToken !== undefined
  csrfToken = s?.csrfToken
  if (was !== (csrfToken !== undefined)) for (const l of listeners) l(csrfToken !== undefined)
}

async function request<T>(verb: 'GET' | 'POST', path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...extra }
  if (verb === 'POST') {
    headers['content-type'] = 'application/json'
    if (csrfToken !== undefined) headers['x-csrf-token'] = csrfToken
  }
  let res: Response
  try {
    res = await fetch(path, { method: verb, headers, credentials: 'same-origin', cache: 'no-store', ...(verb === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}) })
  } catch {
    throw new ApiError('DAEMON_UNREACHABLE', 'The daemon did not answer; is it still running?', 0)
  }
  let payload: { ok?: boolean; data?: unknown; error?: { code?: string; message?: string; details?: Record<string, unknown>; hint?: string } }
  try {
    payload = (await res.json()) as typeof payload
  } catch {
    throw new ApiError('HTTP_INVALID_RESPONSE', `The daemon answered ${res.status} without JSON`, res.status)
  }
  if (payload.ok === true) return payload.data as T
  const e = payload.error ?? {}
  const err = new ApiError(e.code ?? 'INTERNAL', e.message ?? `HTTP ${res.status}`, res.status, e.details ?? {}, e.hint)
  if (err.code === 'ADMIN_SESSION_INVALID') setSession(undefined)
  throw err
}

/** The REST path of a contract method: `tx.list` → `/v1/tx/list`. */
export const methodPath = (method: MethodName): string => `/v1/${method.replaceAll('.', '/')}`

/**
 * Calls a contract method as the logged-in operator. `password` is for the acts the daemon asks it again for
 * (AUTH_PASSWORD_REQUIRED), sent in the `X-Master-Password` header of this one request.
 */
export function call<M extends MethodName>(method: M, params: Input<M>, opts: { password?: string } = {}): Promise<Output<M>> {
  const extra: Record<string, string> = opts.password === undefined ? {} : { 'x-master-password': opts.password }
  return request<Output<M>>('POST', methodPath(method), params, extra)
}

/** Logs in with the master password; the server sets the session cookie. */
export async function login(password: string): Promise<AdminSession> {
  const s = await request<AdminSession>('POST', '/v1/admin/login', { password })
  setSession(s)
  return s
}

/** Ends the session on the server and forgets the CSRF token. */
export async function logout(): Promise<void> {
  try {
    await request('POST', '/v1/admin/logout', {})
  } finally {
    setSession(undefined)
  }
}

/** After a reload: the session the cookie still holds, or null (then show the login form). */
export async function restore(): Promise<AdminSession | null> {
  const s = await request<AdminSession | null>('GET', '/v1/admin/session')
  setSession(s ?? undefined)
  return s
}

/**
 * Follows the daemon's event stream: every audit entry recorded after `afterSeq` (requests created and decided, state
 * changes, incoming transfers, kill switch, …), as they are written. The browser reconnects by itself and resumes from
 * the last entry seen (Last-Event-ID). Returns a function that stops following.
 */
export function events(onEntry: (e: AuditEntryOut) => void, afterSeq?: number, onState?: (open: boolean) => void): () => void {
  const url = afterSeq === undefined ? '/v1/events' : `/v1/events?after=${afterSeq}`
  const source = new EventSource(url, { withCredentials: true })
  source.addEventListener('audit', (ev) => {
    try {
      onEntry(JSON.parse((ev as MessageEvent<string>).data) as AuditEntryOut)
    } catch {
      // A malformed event is skipped; the next list refresh shows the truth.
    }
  })
  source.onopen = () => onState?.(true)
  source.onerror = () => onState?.(false)
  return () => source.close()
}

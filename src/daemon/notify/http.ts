/**
 * Outgoing HTTP for notifications, through undici: one POST with a hard deadline, no redirects followed, the
 * response read (bounded) and classified. The caller scrubs secrets from anything it keeps; this module never logs.
 */
import { LazyAgent } from '../http-agent.js'

/** One request to send: everything a channel builds. `url` may hold a secret (a bot token, a webhook path). */
export interface Outgoing {
  url: string
  headers: Record<string, string>
  body: string
}

export interface HttpResult {
  /** HTTP status, or null when no response came (connection refused, timeout, aborted). */
  status: number | null
  /** The response body as text (first 64 KiB), '' when none. */
  body: string
  /** What went wrong, without the URL: a status line or a network error code. Null on 2xx. */
  error: string | null
  /** From Retry-After on 429/503, in ms. */
  retryAfterMs: number | null
}

const MAX_BODY = 64 * 1024

/** A dispatcher of its own, so notification traffic has its own timeouts and connection pool. */
export function notifyAgent(timeoutMs: number): LazyAgent {
  return new LazyAgent({ connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 4_000, connections: 8 })
}

/** POSTs `out`; never throws (a network failure is a result with status null). */
export async function post(out: Outgoing, opts: { agent: LazyAgent; timeoutMs: number; signal?: AbortSignal }): Promise<HttpResult> {
  const signals = [AbortSignal.timeout(opts.timeoutMs), ...(opts.signal === undefined ? [] : [opts.signal])]
  try {
    const res = await opts.agent.request(out.url, { method: 'POST', headers: out.headers, body: out.body, signal: AbortSignal.any(signals) })
    let body = ''
    for await (const chunk of res.body) {
      if (body.length < MAX_BODY) body += (chunk as Buffer).toString('utf8')
    }
    body = body.slice(0, MAX_BODY)
    const ok = res.statusCode >= 200 && res.statusCode < 300
    return { status: res.statusCode, body, error: ok ? null : `HTTP ${res.statusCode}`, retryAfterMs: retryAfter(res.headers['retry-after']) }
  } catch (err) {
    return { status: null, body: '', error: networkError(err), retryAfterMs: null }
  }
}

/** Retry-After as ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfter(value: string | string[] | undefined): number | null {
  const v = Array.isArray(value) ? value[0] : value
  if (v === undefined) return null
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now())
}

/** A short description of a network failure: its code and name, never its message (which may quote the URL). */
function networkError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'request failed'
  const e = err as { name?: unknown; code?: unknown; cause?: unknown }
  if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' || e.code === 'UND_ERR_CONNECT_TIMEOUT') return 'timed out'
  if (e.name === 'AbortError') return 'aborted'
  const cause = e.cause as { code?: unknown } | undefined
  const code = typeof e.code === 'string' ? e.code : typeof cause?.code === 'string' ? cause.code : undefined
  return code !== undefined ? `request failed (${code})` : `request failed (${typeof e.name === 'string' ? e.name : 'error'})`
}

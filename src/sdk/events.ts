/**
 * The daemon's event stream (`GET /v1/events`, server-sent events) as an async iterator of audit entries: request
 * state changes, policy changes, incoming transfers, all as the audit log records them. Served by the REST plugin to
 * the operator only today (an agent session's token is refused with AUTH_FORBIDDEN until the stream learns to scope
 * entries to a session). Parsing is eventsource-parser's (loaded on the first call, not with the SDK); breaking out of the loop closes the connection.
 */
import type { AuditEntryOut } from '../lib/contract/index.js'
import { WaiaasError, type ErrorPayload } from '../lib/errors.js'
import type { WireAuth } from '../lib/wire.js'

export interface EventsOptions {
  /** Start after this audit seq (entries recorded later are sent, the older ones first); absent: only what comes next. */
  after?: number
  /** Ends the stream. */
  signal?: AbortSignal
}

export async function* followEvents(base: string, auth: WireAuth, opts: EventsOptions = {}): AsyncGenerator<AuditEntryOut, void, undefined> {
  const url = new URL('/v1/events', `${base}/`)
  if (opts.after !== undefined) url.searchParams.set('after', String(opts.after))
  const headers: Record<string, string> = { accept: 'text/event-stream' }
  if (auth.token !== undefined) headers.authorization = `Bearer ${auth.token}`
  else if (auth.password !== undefined) headers['x-master-password'] = auth.password
  let res: Response
  try {
    res = await fetch(url, { headers, ...(opts.signal !== undefined ? { signal: opts.signal } : {}) })
  } catch (err) {
    if (opts.signal?.aborted === true) return
    throw new WaiaasError('DAEMON_UNREACHABLE', `Cannot reach the daemon at ${base}`, { details: { url: base }, cause: err })
  }
  if (!res.ok || res.body === null) {
    let payload: { error?: Partial<ErrorPayload> } = {}
    try {
      payload = (await res.json()) as typeof payload
    } catch {
      // not JSON: the status says enough
    }
    throw WaiaasError.fromPayload(payload.error ?? { message: `HTTP ${res.status}` })
  }
  const { EventSourceParserStream } = await import('eventsource-parser/stream')
  const reader = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader()
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>
      try {
        next = await reader.read()
      } catch (err) {
        if (opts.signal?.aborted === true) return
        throw new WaiaasError('DAEMON_UNREACHABLE', 'The event stream broke off', { details: { url: base }, cause: err })
      }
      if (next.done) return
      if (next.value.event === 'audit') yield JSON.parse(next.value.data) as AuditEntryOut
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
}

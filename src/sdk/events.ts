/**
 * The daemon's event stream as an async iterator of `EventEntry`: the operator sees every audit entry; an agent
 * session sees its own wallets' request state changes and incoming transfers (the daemon scopes them). Over the
 * socket, `event.wait` called again and again on a connection of its own (so it holds up no other call); over REST,
 * `GET /v1/events` (server-sent events, parsed by eventsource-parser, loaded on first use). Breaking out of the loop,
 * or aborting `signal`, closes that connection. A session that is revoked or expires ends the loop with its error
 * (SESSION_REVOKED, SESSION_EXPIRED).
 */
import type { EventEntry } from '../lib/contract/index.js'
import { WaiaasError, type ErrorPayload } from '../lib/errors.js'
import type { WireAuth } from '../lib/wire.js'
import type { SocketTransport } from './transports.js'

export interface EventsOptions {
  /** Start after this audit seq (entries recorded later are sent, the older ones first); absent: only what comes next. */
  after?: number
  /** Ends the stream: the loop returns. */
  signal?: AbortSignal
  /** Socket: how long each `event.wait` call waits on the daemon before asking again (ms, at most 30000). */
  waitMs?: number
}

const aborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true

/** The stream over the socket: `event.wait` in a loop, the cursor carried from one answer to the next call. */
export async function* socketEvents(transport: SocketTransport, opts: EventsOptions = {}): AsyncGenerator<EventEntry, void, undefined> {
  if (aborted(opts.signal)) return
  const conn = await transport.dedicated()
  const onAbort = (): void => conn.release()
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  let after = opts.after
  try {
    for (;;) {
      const params: { after?: number; waitMs?: number } = {}
      if (after !== undefined) params.after = after
      if (opts.waitMs !== undefined) params.waitMs = opts.waitMs
      let page: { events: EventEntry[]; cursor: number }
      try {
        page = (await conn.client.call('event.wait', params, conn.auth)) as typeof page
      } catch (err) {
        if (aborted(opts.signal)) return
        throw err
      }
      after = page.cursor
      for (const e of page.events) yield e
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
    conn.release()
  }
}

/** The stream over the REST plugin: `GET /v1/events` as server-sent events. */
export async function* restEvents(base: string, auth: WireAuth, opts: EventsOptions = {}): AsyncGenerator<EventEntry, void, undefined> {
  const url = new URL('/v1/events', `${base}/`)
  if (opts.after !== undefined) url.searchParams.set('after', String(opts.after))
  const headers: Record<string, string> = { accept: 'text/event-stream' }
  if (auth.token !== undefined) headers.authorization = `Bearer ${auth.token}`
  else if (auth.password !== undefined) headers['x-master-password'] = auth.password
  let res: Response
  try {
    res = await fetch(url, { headers, ...(opts.signal !== undefined ? { signal: opts.signal } : {}) })
  } catch (err) {
    if (aborted(opts.signal)) return
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
        if (aborted(opts.signal)) return
        throw new WaiaasError('DAEMON_UNREACHABLE', 'The event stream broke off', { details: { url: base }, cause: err })
      }
      if (next.done) return
      if (next.value.event === 'audit') yield JSON.parse(next.value.data) as EventEntry
      // The session ended (revoked, expired) or the kill switch went on: the daemon's last frame says which.
      else if (next.value.event === 'error') throw WaiaasError.fromPayload(JSON.parse(next.value.data) as Partial<ErrorPayload>)
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
}

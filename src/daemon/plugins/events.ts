/**
 * `GET /v1/events`: the audit log as server-sent events, for the admin UI and the SDKs. Every entry the caller may see
 * (all of them for the operator; an agent session's own wallets' events, scoped as `event.wait` scopes them, by
 * src/daemon/events/scope.ts) recorded after a starting point is sent in seq order as `id: <seq>` / `event: audit` /
 * `data: <Event JSON>`, then new ones as they are written. A session's stream is checked again at every poll: when
 * the session is revoked or expires (or the kill switch goes on) it gets one `event: error` frame with the error
 * payload (SESSION_REVOKED…) and ends. The start is the `Last-Event-ID` header (a browser's EventSource reconnecting),
 * else `?after=<seq>`, else the newest entry now (only what comes next).
 *
 * One shared timer reads the newest seq every POLL_MS; only a stream behind it reads its next page. The daemon has one
 * SQLite connection and its transactions are synchronous, so a read between two callbacks sees committed rows only:
 * nothing is sent that could still roll back. A stream whose client reads slowly waits for `drain` before its next
 * page, so a catch-up of a long log never piles up in memory. Audit details never hold a secret (appendAudit's rule),
 * so what is sent needs no redaction.
 *
 * Streams end when the HTTP server closes (its close() must not wait for them) and when the REST plugin is disabled
 * while the server stays up for MCP; the browser then reconnects and is refused or served again.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { contract, type EventEntry } from '../../lib/contract/index.js'
import { toWaiaasError, WaiaasError } from '../../lib/errors.js'
import { httpSource } from '../auth-throttle.js'
import type { WireAuth } from '../../lib/wire.js'
import type { DaemonContext } from '../context.js'
import { recheckViewer, requestWallets, scopeEntries, viewerOf, type EventViewer } from '../events/scope.js'
import { checkSessionMethod, sessionCaller } from '../session-auth.js'
import { latestAuditSeq, listAudit } from '../store/audit.js'

export const EVENTS_PATH = '/v1/events'

const POLL_MS = 250
const HEARTBEAT_MS = 15_000
const MAX_STREAMS = 16
/** Entries read per query while a stream catches up. */
const PAGE = 200
/** What EventSource waits before reconnecting (the `retry:` field). */
const RETRY_MS = 2000

export interface EventStreamOptions {
  /** Whether the REST plugin is enabled right now; read on every poll. */
  serving(): boolean
  /** The credential of a request (headers and admin cookie, as http.ts reads them for every route). */
  credential(req: IncomingMessage): StreamCredential
  pollMs?: number
  heartbeatMs?: number
  maxStreams?: number
}

export interface EventStreams {
  /** Serves one request to EVENTS_PATH; resolves when its stream ends. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>
  /** Ends every open stream and refuses new ones: the server is closing. */
  closeAll(): void
  /** Streams open now. */
  readonly open: number
}

/** The credential a request presents, as the HTTP server reads it (the admin cookie already checked). */
export interface StreamCredential {
  auth: WireAuth
  /** A live admin session cookie made the caller the operator. */
  admin: boolean
}

/**
 * Who follows the stream: the operator, by the master password (`X-Master-Password`, as a script would) or by the
 * admin session cookie (a browser's EventSource can send no header of its own), sees every entry; an agent session
 * (`Authorization: Bearer`) with the read permission sees its own wallets' events, as `event.wait` shows them.
 */
export async function authenticateStream(ctx: DaemonContext, req: IncomingMessage, cred: StreamCredential): Promise<EventViewer> {
  if (cred.admin) return { kind: 'all' }
  const password = cred.auth.password
  if (password !== undefined) {
    ;(await ctx.keyring.authorize(password, 'operator', 'events.stream', httpSource(req.socket.remoteAddress))).release()
    return { kind: 'all' }
  }
  if (cred.auth.token !== undefined) {
    const caller = sessionCaller(ctx, cred.auth.token)
    if (caller.session !== undefined) checkSessionMethod(ctx, 'event.wait', contract['event.wait'], caller.session)
    return viewerOf(caller)
  }
  throw new WaiaasError('AUTH_REQUIRED', 'The event stream needs a session token (Authorization: Bearer), the admin session or the master password (X-Master-Password)', {
    details: { route: EVENTS_PATH },
  })
}

/** The seq to start after: `Last-Event-ID` (a reconnect), else `?after=`, else undefined (from now). */
export function startAfter(req: IncomingMessage): number | undefined {
  const header = req.headers['last-event-id']
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams.getAll('after')
  const [field, value] = typeof header === 'string' && header !== '' ? ['Last-Event-ID', header] : ['after', query.length > 1 ? '' : query[0]]
  if (value === undefined) return undefined
  if (!/^\d{1,15}$/.test(value)) {
    throw new WaiaasError('INPUT_INVALID', `${field} must be an audit seq: a whole number from 0`, {
      details: { issues: [{ path: field, message: 'expected a whole number from 0' }] },
    })
  }
  return Number(value)
}

function frame(e: EventEntry): string {
  return `id: ${e.seq}\nevent: audit\ndata: ${JSON.stringify(e)}\n\n`
}

/** The last frame of a stream whose session ended: its error, as the SDKs rebuild it. */
function errorFrame(err: WaiaasError): string {
  return `event: error\ndata: ${JSON.stringify(err.toPayload())}\n\n`
}

interface Stream {
  res: ServerResponse
  /** Whose events it carries. */
  viewer: EventViewer
  /** The newest seq sent. */
  cursor: number
  /** Waiting for the socket to drain. */
  blocked: boolean
}

/** The streams of one HTTP server, and the timers that feed them while any is open. */
export function eventStreams(ctx: DaemonContext, opts: EventStreamOptions): EventStreams {
  const log = ctx.log.child('events')
  const pollMs = opts.pollMs ?? POLL_MS
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS
  const max = opts.maxStreams ?? MAX_STREAMS
  const streams = new Set<Stream>()
  let poll: NodeJS.Timeout | undefined
  let heartbeat: NodeJS.Timeout | undefined

  /** Writes pages until the stream is at `head` or its socket is full. */
  const pump = (s: Stream, head: number): void => {
    while (!s.blocked && s.cursor < head && !s.res.writableEnded) {
      const page = listAudit(ctx.db, { afterSeq: s.cursor, beforeSeq: head + 1, limit: PAGE })
      if (page.length === 0) return
      let room = true
      const walletOf = requestWallets(ctx)
      for (const e of page) {
        for (const seen of scopeEntries(ctx, s.viewer, [e], walletOf)) room = s.res.write(frame(seen))
        s.cursor = e.seq
      }
      if (!room) {
        s.blocked = true
        s.res.once('drain', () => {
          s.blocked = false
          feed(s)
        })
      }
    }
  }

  const feed = (s: Stream): void => {
    try {
      pump(s, latestAuditSeq(ctx.db))
    } catch (err) {
      log.error('event stream failed', { error: err instanceof Error ? err.message : String(err) })
      s.res.end()
    }
  }

  const tick = (): void => {
    if (!opts.serving()) return endAll()
    let head: number
    try {
      head = latestAuditSeq(ctx.db)
    } catch (err) {
      log.error('event stream poll failed', { error: err instanceof Error ? err.message : String(err) })
      return
    }
    for (const s of streams) {
      if (s.viewer.kind === 'session' && !recheck(s)) continue
      if (s.cursor < head) pump(s, head)
    }
  }

  /** Whether a session's stream may go on; when not, it gets the error and ends. */
  const recheck = (s: Stream): boolean => {
    try {
      s.viewer = recheckViewer(ctx, s.viewer)
      return true
    } catch (err) {
      const e = toWaiaasError(err)
      if (!s.res.writableEnded) s.res.end(errorFrame(e))
      return false
    }
  }

  const beat = (): void => {
    for (const s of streams) if (!s.blocked) s.res.write(': keep-alive\n\n')
  }

  let closed = false
  // Even a stream whose client stopped reading ends at once: its response is finished once handed to the socket, and
  // the server's close() then cuts the connection (EventSource resumes after the last whole event it received).
  const endAll = (): void => {
    for (const s of streams) s.res.end()
  }
  const closeAll = (): void => {
    closed = true
    endAll()
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Listening from the start: a client that leaves while its password is checked must not hold a slot for ever.
    let gone = false
    const ended = new Promise<void>((resolve) =>
      res.once('close', () => {
        gone = true
        resolve()
      }),
    )
    const verb = req.method ?? 'GET'
    if (verb !== 'GET') throw new WaiaasError('HTTP_METHOD_NOT_ALLOWED', `This route takes GET, not ${verb.slice(0, 16)}`, { details: { allowed: ['GET'] } })
    const viewer = await authenticateStream(ctx, req, opts.credential(req))
    const after = startAfter(req)
    if (gone) return
    if (closed) throw new WaiaasError('HTTP_ROUTE_NOT_FOUND', 'The HTTP server is closing', { details: { path: EVENTS_PATH } })
    if (streams.size >= max) {
      throw new WaiaasError('EVENTS_TOO_MANY_STREAMS', `${max} event streams are open already`, { details: { max } })
    }
    const s: Stream = { res, viewer, cursor: after ?? latestAuditSeq(ctx.db), blocked: false }
    req.socket.setNoDelay(true)
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Proxies that buffer responses (nginx) would hold the events back.
      'x-accel-buffering': 'no',
    })
    res.write(`retry: ${RETRY_MS}\n\n`)
    streams.add(s)
    poll ??= setInterval(tick, pollMs).unref()
    heartbeat ??= setInterval(beat, heartbeatMs).unref()
    res.on('error', () => res.destroy())
    feed(s)
    await ended
    streams.delete(s)
    if (streams.size === 0) {
      clearInterval(poll)
      clearInterval(heartbeat)
      poll = heartbeat = undefined
    }
  }

  return {
    handle,
    closeAll,
    get open() {
      return streams.size
    },
  }
}

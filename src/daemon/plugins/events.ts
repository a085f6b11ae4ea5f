/**
 * `GET /v1/events`: the audit log as server-sent events, for the admin UI (and, with issue 17, the SDKs). Every entry
 * recorded after a starting point is sent in seq order as `id: <seq>` / `event: audit` / `data: <AuditEntry JSON>`,
 * then new ones as they are written. The start is the `Last-Event-ID` header (a browser's EventSource reconnecting),
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
import { WaiaasError } from '../../lib/errors.js'
import { httpSource } from '../auth-throttle.js'
import type { WireAuth } from '../../lib/wire.js'
import type { DaemonContext } from '../context.js'
import { sessionCaller } from '../session-auth.js'
import { latestAuditSeq, listAudit, type AuditEntry } from '../store/audit.js'

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
 * Who may follow the stream: the operator, by the master password (`X-Master-Password`, as a script would) or by the
 * admin session cookie (a browser's EventSource can send no header of its own).
 */
export async function authenticateStream(ctx: DaemonContext, req: IncomingMessage, cred: StreamCredential): Promise<{ actor: string }> {
  if (cred.admin) return { actor: 'operator' }
  const password = cred.auth.password
  if (password !== undefined) {
    ;(await ctx.keyring.authorize(password, 'operator', 'events.stream', httpSource(req.socket.remoteAddress))).release()
    return { actor: 'operator' }
  }
  if (cred.auth.token !== undefined) {
    // A valid session is still refused: which entries an agent may see is issue 17's scope.
    const caller = sessionCaller(ctx, cred.auth.token)
    throw new WaiaasError('AUTH_FORBIDDEN', 'The event stream is for the operator; an agent session may not follow it yet', {
      details: { route: EVENTS_PATH, actor: caller.actor },
    })
  }
  throw new WaiaasError('AUTH_REQUIRED', 'The event stream needs the admin session or the master password (X-Master-Password)', { details: { route: EVENTS_PATH } })
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

/** An entry as `audit.list` shows it (without the previous hash). */
function frame(e: AuditEntry): string {
  const data = { seq: e.seq, ts: e.ts, actor: e.actor, action: e.action, target: e.target, outcome: e.outcome, details: e.details, hash: e.hash }
  return `id: ${e.seq}\nevent: audit\ndata: ${JSON.stringify(data)}\n\n`
}

interface Stream {
  res: ServerResponse
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
      for (const e of page) {
        room = s.res.write(frame(e))
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
    for (const s of streams) if (s.cursor < head) pump(s, head)
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
    await authenticateStream(ctx, req, opts.credential(req))
    const after = startAfter(req)
    if (gone) return
    if (closed) throw new WaiaasError('HTTP_ROUTE_NOT_FOUND', 'The HTTP server is closing', { details: { path: EVENTS_PATH } })
    if (streams.size >= max) {
      throw new WaiaasError('EVENTS_TOO_MANY_STREAMS', `${max} event streams are open already`, { details: { max } })
    }
    const s: Stream = { res, cursor: after ?? latestAuditSeq(ctx.db), blocked: false }
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

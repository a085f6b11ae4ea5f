/**
 * `event.wait`: read the next entries a viewer may see after a cursor; when there are none, wait until an audit entry
 * is appended (store/audit.ts wakes the waiter; nothing polls), the wait is over, the session ends or the call is
 * abandoned (its client left, or the server is closing: `signal`), then read again. One call reads at most SCAN_MAX
 * entries, so a session catching up on a long log of other wallets' entries gets an empty answer with its cursor moved
 * on, and calls again, rather than holding the daemon's one thread.
 */
import type { EventEntry } from '../../lib/contract/index.js'
import type { DaemonContext } from '../context.js'
import { latestAuditSeq, listAudit, onAuditAppend } from '../store/audit.js'
import type { Db } from '../ports.js'
import { recheckViewer, requestWallets, scopeEntries, type EventViewer } from './scope.js'

/** Entries read per query. */
const PAGE = 200
/** Entries one read looks at, at most. */
const SCAN_MAX = 2000

export interface EventRead {
  events: EventEntry[]
  cursor: number
}

/** The next entries after `after` (at most `limit`) that `viewer` may see, without waiting. */
export function readEvents(ctx: DaemonContext, viewer: EventViewer, after: number, limit: number): EventRead {
  const head = latestAuditSeq(ctx.db)
  const walletOf = requestWallets(ctx)
  const events: EventEntry[] = []
  let cursor = after
  let scanned = 0
  while (events.length < limit && cursor < head && scanned < SCAN_MAX) {
    const want = viewer.kind === 'all' ? limit - events.length : PAGE
    const page = listAudit(ctx.db, { afterSeq: cursor, beforeSeq: head + 1, limit: Math.min(want, PAGE) })
    if (page.length === 0) break
    for (const e of page) {
      scanned++
      cursor = e.seq
      events.push(...scopeEntries(ctx, viewer, [e], walletOf))
      if (events.length >= limit) break
    }
  }
  return { events, cursor }
}

/**
 * Waits for the next entries after `after` (absent: the newest now) for up to `waitMs` of real time. Answers with no
 * events and the cursor moved on when the time is up, when `signal` aborts, or when the read looked at SCAN_MAX entries
 * and found none to show. SESSION_REVOKED / SESSION_EXPIRED / KILL_SWITCH_ON end a session's wait.
 */
export async function waitEvents(
  ctx: DaemonContext,
  viewer: EventViewer,
  p: { after?: number | undefined; limit: number; waitMs: number },
  signal?: AbortSignal,
): Promise<EventRead> {
  const deadline = Date.now() + p.waitMs
  const aborted = (): boolean => signal?.aborted === true
  let cursor = p.after ?? latestAuditSeq(ctx.db)
  for (;;) {
    viewer = recheckViewer(ctx, viewer)
    const read = readEvents(ctx, viewer, cursor, p.limit)
    cursor = read.cursor
    if (read.events.length > 0 || cursor < latestAuditSeq(ctx.db)) return read
    let left = deadline - Date.now()
    // A session's wait ends when it expires (by the daemon's clock), so the next look refuses it.
    if (viewer.kind === 'session') left = Math.min(left, Math.max(viewer.expiresAt - ctx.now(), 0) + 1)
    if (left <= 0 || aborted()) return read
    await appended(ctx.db, left, signal)
    if (aborted() || Date.now() >= deadline) {
      // One last look: what woke us may be the entry the caller waits for (or the end of its session).
      viewer = recheckViewer(ctx, viewer)
      return readEvents(ctx, viewer, cursor, p.limit)
    }
  }
}

/** Resolves when an audit entry is appended to `db`, after `ms`, or when `signal` aborts, whichever comes first. */
function appended(db: Db, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      off()
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    const off = onAuditAppend(db, done)
    signal?.addEventListener('abort', done, { once: true })
  })
}

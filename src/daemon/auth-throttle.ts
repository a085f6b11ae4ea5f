/**
 * The throttle on failed master-password attempts, kept per source, and the audit trail of those failures.
 *
 * Sources: the owner-only Unix socket is one source (`socket`: only the owner's OS user can connect; the daemon's own
 * unlock at start and its scheduled backups count as it too). Each TCP client of the HTTP plugins is keyed by its
 * address, never its port (a client opens as many connections as it likes): an IPv4 address, an IPv6 /64 (what one
 * host usually holds), and all of loopback as one source `http:loopback` (every local process looks the same there).
 * So a flood of wrong `X-Master-Password` headers throttles that source only; the owner's password on the socket
 * still works. At most MAX_SOURCES addresses are tracked; beyond that new ones share `http:overflow`.
 *
 * Audit: the first FREE_FAILURES failures of a run are written one by one, as before (they are the typos an owner
 * makes, and the third raises the `auth.failures` notification). After that, failures and throttled attempts of a
 * source are counted into one window of WINDOW_MS, persisted with the throttle, and written as one `auth.failures`
 * entry (how many, from which source, first and last time) when the window closes: at the next attempt after it
 * ends, when the source succeeds, or when the daemon stops. So N attempts add a bounded number of rows, every one of
 * them is counted, and the summary is in the hash chain like any entry.
 *
 * State lives in meta `auth_throttle` (it replaces the global `auth_failures`, read once as the socket's state), so
 * it survives restarts; time comes from the injected clock. This module is its only writer, and only one daemon opens a
 * data directory (its lock), so the state is kept in memory per database connection: every password check reads it,
 * and reading it from SQLite four times per request cost ~4% of a signature's CPU. A change is made on a copy and
 * becomes the kept state only once its transaction has committed.
 */
import { isIPv4, isIPv6 } from 'node:net'
import type { Logger } from './log.js'
import { appendAudit } from './store/audit.js'
import type { Db } from './store/db.js'
import { deleteMeta, getMeta, setMeta } from './store/meta.js'

/** The source of the owner-only socket (and of the daemon's own unlocks). */
export const SOCKET_SOURCE = 'socket'
/** Failed attempts allowed before each further attempt must wait; also how many are audited one by one. */
export const FREE_FAILURES = 3
const MAX_BACKOFF_MS = 5 * 60_000
/** How long failures of one source are gathered into one audit entry. */
export const WINDOW_MS = 60_000
const MAX_SOURCES = 256
const OVERFLOW_SOURCE = 'http:overflow'
const META_KEY = 'auth_throttle'
const LEGACY_KEY = 'auth_failures'

/** Attempts of a source gathered for one audit entry. */
interface Window {
  firstAt: number
  lastAt: number
  /** Wrong passwords checked. */
  failures: number
  /** Attempts refused without a check, because the source was throttled or too many of its attempts were waiting. */
  throttled: number
  actor: string
  action: string
}

interface SourceState {
  /** Consecutive failures (reset by a success). */
  count: number
  lastAt: number
  window?: Window
}

interface Stored {
  sources: Record<string, SourceState>
}

/** The throttle key of an HTTP client at `address` (the socket's remote address as Node reports it). */
export function httpSource(address: string | undefined): string {
  if (address === undefined || address === '') return 'http:unknown'
  const a = address.replace(/%.*$/, '').toLowerCase()
  const v4 = a.startsWith('::ffff:') && isIPv4(a.slice(7)) ? a.slice(7) : a
  if (isIPv4(v4)) return v4.startsWith('127.') ? 'http:loopback' : `http:${v4}`
  if (!isIPv6(a)) return 'http:unknown'
  if (a === '::1') return 'http:loopback'
  return `http:${ipv6Prefix64(a)}`
}

/** The first four groups of an IPv6 address (its /64), without leading zeros, e.g. `2001:db8:0:1::/64`. */
function ipv6Prefix64(a: string): string {
  const [head = '', tail] = a.split('::')
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':').flatMap((g) => (isIPv4(g) ? ['0', '0'] : [g])))
  const h = groups(head)
  const t = tail === undefined ? [] : groups(tail)
  const all = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t]
  return `${all.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`
}

/** Milliseconds until another attempt is allowed: none for the first failures, then doubling from 1 s to 5 min. */
export function retryAfter(state: { count: number; lastAt: number }, now: number): number {
  if (state.count < FREE_FAILURES) return 0
  const backoff = Math.min(1000 * 2 ** (state.count - FREE_FAILURES), MAX_BACKOFF_MS)
  return Math.max(0, state.lastAt + backoff - now)
}

/** The committed state of each connection, read from meta on first use. Never mutated: changes go through `change`. */
const committed = new WeakMap<Db, Stored>()

const kindOf = (source: string): 'socket' | 'http' => (source === SOCKET_SOURCE ? 'socket' : 'http')

export class AuthThrottle {
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** The key attempts from `source` are counted under (a new HTTP address past MAX_SOURCES shares the overflow key). */
  keyOf(source: string): string {
    const { sources } = this.current()
    if (sources[source] !== undefined || source === SOCKET_SOURCE) return source
    const http = Object.keys(sources).filter((s) => s !== SOCKET_SOURCE).length
    return http >= MAX_SOURCES ? OVERFLOW_SOURCE : source
  }

  /** Milliseconds `source` must wait before its next attempt is checked (0: now). */
  wait(source: string): number {
    const s = this.current().sources[source]
    return s === undefined ? 0 : retryAfter(s, this.now())
  }

  /** Consecutive failures of `source`. */
  failures(source: string): number {
    return this.current().sources[source]?.count ?? 0
  }

  /** Counts an attempt refused without a check (throttled, or too many waiting) into the source's audit window. */
  refused(source: string, actor: string, action: string): void {
    this.change((stored) => {
      this.closeDue(stored)
      const s = stored.sources[source] ?? { count: 0, lastAt: 0 }
      s.window = this.gather(s.window, actor, action, { throttled: 1 })
      stored.sources[source] = s
    })
  }

  /** Records a wrong password from `source`; returns the source's consecutive failures. */
  failed(source: string, actor: string, action: string): number {
    const count = this.change((stored) => {
      this.closeDue(stored)
      const prev = stored.sources[source] ?? { count: 0, lastAt: 0 }
      const s: SourceState = { ...prev, count: prev.count + 1, lastAt: this.now() }
      if (s.count <= FREE_FAILURES) {
        appendAudit(this.db, { actor, action, outcome: 'denied', details: { reason: 'bad-password', failures: s.count, source } })
      } else {
        s.window = this.gather(s.window, actor, action, { failures: 1 })
      }
      stored.sources[source] = s
      return s.count
    })
    this.log.warn('failed password attempt', { action, source, failures: count })
    return count
  }

  /** A right password from `source`: its count starts over, and its open window is written out. */
  succeeded(source: string): void {
    if (this.current().sources[source] === undefined) return
    this.change((stored) => {
      const s = stored.sources[source]
      if (s?.window !== undefined) this.writeWindow(source, s, s.window)
      delete stored.sources[source]
      this.closeDue(stored)
    })
  }

  /** Writes out every open window (due or not): at shutdown, so the log is complete when the daemon stops. */
  flushAll(): void {
    if (!Object.values(this.current().sources).some((s) => s.window !== undefined)) return
    this.change((stored) => {
      for (const [source, s] of Object.entries(stored.sources)) {
        if (s.window !== undefined) this.writeWindow(source, s, s.window)
        delete s.window
      }
    })
  }

  /** Writes out the windows whose time is up (anyone's attempt, or the timer, closes them). */
  flushDue(): void {
    const due = Object.values(this.current().sources).some((s) => s.window !== undefined && this.now() >= s.window.firstAt + WINDOW_MS)
    if (due) this.change((stored) => void this.closeDue(stored))
  }

  /** Stops the timer that closes windows (the caller flushes). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  private gather(w: Window | undefined, actor: string, action: string, add: { failures?: number; throttled?: number }): Window {
    const now = this.now()
    if (w === undefined) this.arm()
    const base = w ?? { firstAt: now, lastAt: now, failures: 0, throttled: 0, actor, action }
    return { ...base, lastAt: now, failures: base.failures + (add.failures ?? 0), throttled: base.throttled + (add.throttled ?? 0), actor, action }
  }

  /** A real-time timer, so a window also closes when no further attempt comes (the clock decides whether it is due). */
  private arm(): void {
    if (this.timer !== undefined) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      try {
        this.flushDue()
      } catch (err) {
        this.log.error('could not write the failed-password summary', { error: err instanceof Error ? err.message : String(err) })
      }
    }, WINDOW_MS)
    this.timer.unref()
  }

  private closeDue(stored: Stored): void {
    const now = this.now()
    for (const [source, s] of Object.entries(stored.sources)) {
      if (s.window !== undefined && now >= s.window.firstAt + WINDOW_MS) {
        this.writeWindow(source, s, s.window)
        delete s.window
      }
    }
  }

  private writeWindow(source: string, s: SourceState, w: Window): void {
    appendAudit(this.db, {
      actor: w.actor,
      action: 'auth.failures',
      outcome: 'denied',
      details: {
        reason: 'repeated-failures',
        source,
        sourceKind: kindOf(source),
        failures: w.failures,
        throttled: w.throttled,
        firstAt: new Date(w.firstAt).toISOString(),
        lastAt: new Date(w.lastAt).toISOString(),
        streak: s.count,
        lastAction: w.action,
      },
    })
  }

  /** The committed state (read-only). */
  private current(): Stored {
    let stored = committed.get(this.db)
    if (stored === undefined) committed.set(this.db, (stored = this.load()))
    return stored
  }

  /**
   * Runs `edit` on a copy of the state and stores the copy, in one transaction with the audit entries `edit` writes;
   * the copy becomes the cached state only when that transaction has committed.
   */
  private change<T>(edit: (stored: Stored) => T): T {
    const draft = structuredClone(this.current())
    const out = this.db.transaction(() => {
      const r = edit(draft)
      this.save(draft)
      return r
    })()
    committed.set(this.db, draft)
    return out
  }

  private load(): Stored {
    const stored = getMeta<Stored>(this.db, META_KEY)
    if (stored !== undefined && typeof stored.sources === 'object' && stored.sources !== null) return stored
    // The global counter of older versions: every failure it counted is held against the socket.
    const legacy = getMeta<{ count: number; lastAt: number }>(this.db, LEGACY_KEY)
    return { sources: legacy !== undefined && legacy.count > 0 ? { [SOCKET_SOURCE]: { count: legacy.count, lastAt: legacy.lastAt } } : {} }
  }

  private save(stored: Stored): void {
    for (const [source, s] of Object.entries(stored.sources)) if (s.count === 0 && s.window === undefined) delete stored.sources[source]
    if (Object.keys(stored.sources).length === 0) deleteMeta(this.db, META_KEY)
    else setMeta(this.db, META_KEY, stored)
    deleteMeta(this.db, LEGACY_KEY)
  }
}

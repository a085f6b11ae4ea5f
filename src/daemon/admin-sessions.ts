/**
 * The admin web UI's sessions: server-side, in memory only, so they die with the daemon. Logging in with the master
 * password makes one; its id travels only in an HttpOnly cookie and is kept here only as its SHA-256, and its CSRF
 * token must come back in `X-CSRF-Token` with every POST. A session ends when it is logged out, when it has not been
 * used for ADMIN_IDLE_MS, ADMIN_MAX_AGE_MS after the login whatever happens, when the vault is locked (or unlocked
 * again) and when the master password changes. At most MAX_ADMIN_SESSIONS live at once; a new login evicts the oldest.
 * Time is the daemon's clock (`ctx.now`), so tests move it instead of sleeping.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Clock } from '../lib/clock.js'
import type { DaemonContext } from './context.js'
import type { KeyringPort } from './ports.js'

/** A session not used for this long ends. */
export const ADMIN_IDLE_MS = 15 * 60_000
/** A session ends this long after its login, used or not. */
export const ADMIN_MAX_AGE_MS = 12 * 60 * 60_000
/** Live sessions kept at most; a login beyond this ends the oldest. */
export const MAX_ADMIN_SESSIONS = 32

/** What the login and `GET /v1/admin/session` answer (admin/src/api.ts `AdminSession`). */
export interface AdminSessionView {
  csrfToken: string
  /** When the session ends whatever happens (ISO). */
  expiresAt: string
  /** When it ends unless used before (ISO). */
  idleExpiresAt: string
}

interface Entry {
  /** SHA-256 of the id, hex: the map's key. */
  key: string
  csrf: Buffer
  createdAt: number
  lastUsedAt: number
  /** The keyring's epochs at login: a lock, an unlock or a new password ends the session. */
  epoch: number
  passwordEpoch: number
}

/** A live session, as found by its cookie. */
export interface AdminSession {
  readonly key: string
}

const hashOf = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex')

export class AdminSessions {
  /** By hashed id, in login order (a Map keeps insertion order): the first is the oldest. */
  private readonly sessions = new Map<string, Entry>()

  constructor(
    private readonly keyring: Pick<KeyringPort, 'locked' | 'epoch' | 'passwordEpoch'>,
    private readonly now: Clock,
  ) {}

  /** How many sessions are live now. */
  get size(): number {
    this.prune()
    return this.sessions.size
  }

  /** A new session; the id is for the cookie only and is not kept. */
  create(): { id: string; view: AdminSessionView } {
    this.prune()
    while (this.sessions.size >= MAX_ADMIN_SESSIONS) {
      const oldest = this.sessions.keys().next().value
      if (oldest === undefined) break
      this.sessions.delete(oldest)
    }
    const id = randomBytes(32).toString('base64url')
    const t = this.now()
    const entry: Entry = { key: hashOf(id), csrf: randomBytes(32), createdAt: t, lastUsedAt: t, epoch: this.keyring.epoch, passwordEpoch: this.keyring.passwordEpoch }
    this.sessions.set(entry.key, entry)
    return { id, view: this.view(entry) }
  }

  /** The live session of a cookie's id, or undefined (unknown, ended or expired: an ended one is forgotten). */
  find(id: string | undefined): AdminSession | undefined {
    if (id === undefined || id === '' || id.length > 128) return undefined
    const key = hashOf(id)
    const entry = this.sessions.get(key)
    if (entry === undefined) return undefined
    if (!this.live(entry, this.now())) {
      this.sessions.delete(key)
      return undefined
    }
    return { key }
  }

  /** Marks a session used now (its idle time starts again) and answers its view. */
  touch(s: AdminSession): AdminSessionView | undefined {
    const entry = this.sessions.get(s.key)
    if (entry === undefined) return undefined
    entry.lastUsedAt = Math.max(entry.lastUsedAt, this.now())
    return this.view(entry)
  }

  /** Whether `token` is the session's CSRF token (compared in constant time). */
  csrfMatches(s: AdminSession, token: string | undefined): boolean {
    const entry = this.sessions.get(s.key)
    if (entry === undefined || token === undefined) return false
    const given = Buffer.from(token, 'utf8')
    const expected = Buffer.from(entry.csrf.toString('base64url'), 'utf8')
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  end(s: AdminSession): void {
    this.sessions.delete(s.key)
  }

  endAll(): void {
    this.sessions.clear()
  }

  private live(e: Entry, t: number): boolean {
    return (
      !this.keyring.locked &&
      e.epoch === this.keyring.epoch &&
      e.passwordEpoch === this.keyring.passwordEpoch &&
      t < e.createdAt + ADMIN_MAX_AGE_MS &&
      t < e.lastUsedAt + ADMIN_IDLE_MS
    )
  }

  private prune(): void {
    const t = this.now()
    for (const [key, e] of this.sessions) if (!this.live(e, t)) this.sessions.delete(key)
  }

  private view(e: Entry): AdminSessionView {
    const expiresAt = e.createdAt + ADMIN_MAX_AGE_MS
    return {
      csrfToken: e.csrf.toString('base64url'),
      expiresAt: new Date(expiresAt).toISOString(),
      idleExpiresAt: new Date(Math.min(expiresAt, e.lastUsedAt + ADMIN_IDLE_MS)).toISOString(),
    }
  }
}

const stores = new WeakMap<DaemonContext, AdminSessions>()

/** The admin sessions of this daemon (one store per daemon context, whatever HTTP server restarts meanwhile). */
export function adminSessionsOf(ctx: DaemonContext): AdminSessions {
  let store = stores.get(ctx)
  if (store === undefined) {
    store = new AdminSessions(ctx.keyring, ctx.now)
    stores.set(ctx, store)
  }
  return store
}

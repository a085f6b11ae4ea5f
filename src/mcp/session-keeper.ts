/**
 * Keeps `waiaas mcp`'s agent session alive: once less than a quarter of its TTL is left, it renews the session with
 * the session's own token (a session may renew itself, within the renewals the operator gave it), checked before
 * every tool call and on a timer, so an idle agent's session is renewed too. When it cannot (no renewals left, the
 * renewal failed, the session is gone), it says so in a notice that `waiaas mcp` adds to every tool result from then
 * on, with the expiry, so the agent can tell its user before the tools stop working.
 *
 * Time comes from a Clock (src/lib/clock.ts), the same one the daemon measures sessions by, so tests move it.
 * Before renewing it asks the daemon again (session.whoami): the agent (session_renew) or the operator may have
 * renewed the session meanwhile, and a renewal made on stale knowledge would spend one for nothing.
 */
import type { SessionView } from '../lib/contract/index.js'
import type { Clock } from '../lib/clock.js'
import { toWaiaasError } from '../lib/errors.js'
import type { McpCall } from './tools.js'

/** Renew once less than this share of the TTL is left. */
export const RENEW_WHEN_LEFT = 0.25
/** The timer's period: often enough for the shortest TTL's window (1 min → 15 s), at most once a minute. */
const MAX_CHECK_EVERY_MS = 60_000
const MIN_CHECK_EVERY_MS = 1000
/** While it cannot renew, the daemon is asked again at most this often (by the clock). */
const RECHECK_MS = 60_000

type Session = Pick<SessionView, 'id' | 'expiresAt' | 'ttlSeconds' | 'renewals' | 'maxRenewals'>

export interface SessionKeeperOptions {
  call: McpCall
  now: Clock
  /** One line per renewal or failure, for the operator (stderr): never the token. */
  log: (line: string) => void
  /** The timer's period; by default an eighth of the TTL, between 1 s and 1 min. */
  checkEveryMs?: number
}

export class SessionKeeper {
  private session: Session
  private notice: string | null = null
  /** When (by the clock) the daemon was last asked while renewal was impossible. */
  private blockedAt: number | null = null
  private checking: Promise<string | null> | null = null
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly opts: SessionKeeperOptions,
    initial: Session,
  ) {
    this.session = initial
  }

  /** Checks now, then on a timer as well as before each tool call. Idempotent. */
  start(): void {
    if (this.timer !== undefined) return
    void this.check()
    const every = this.opts.checkEveryMs ?? Math.min(MAX_CHECK_EVERY_MS, Math.max(MIN_CHECK_EVERY_MS, (this.session.ttlSeconds * 1000) / 8))
    this.timer = setInterval(() => void this.check(), every)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** The session as last seen. */
  current(): Readonly<Session> {
    return this.session
  }

  /** Renews the session when it is due; resolves to the notice for the agent, or null while all is well. Never throws. */
  check(): Promise<string | null> {
    this.checking ??= this.run().finally(() => (this.checking = null))
    return this.checking
  }

  private due(now: number): boolean {
    return Date.parse(this.session.expiresAt) - now <= this.session.ttlSeconds * 1000 * RENEW_WHEN_LEFT
  }

  private async run(): Promise<string | null> {
    const now = this.opts.now()
    if (!this.due(now)) return (this.notice = null)
    // Known to be stuck and asked recently: keep saying so without asking again at every call.
    if (this.blockedAt !== null && now - this.blockedAt < RECHECK_MS) return this.notice
    try {
      this.session = (await this.opts.call('session.whoami', {})) as SessionView
      if (!this.due(this.opts.now())) return (this.notice = this.blockedAt = null)
      if (this.session.renewals >= this.session.maxRenewals) {
        this.blockedAt = now
        return (this.notice = this.noRenewalsLeft())
      }
      this.session = (await this.opts.call('session.renew', {})) as SessionView
      this.opts.log(`renewed session ${this.session.id} until ${this.session.expiresAt} (${this.session.renewals} of ${this.session.maxRenewals} renewals used)`)
      return (this.notice = this.blockedAt = null)
    } catch (err) {
      const e = toWaiaasError(err)
      this.opts.log(`could not renew session ${this.session.id}: ${e.code}`)
      this.blockedAt = now
      if (e.code === 'SESSION_EXPIRED') {
        return (this.notice =
          `Notice: this agent session expired at ${this.session.expiresAt}; every tool fails with SESSION_EXPIRED until the ` +
          'operator gives the agent a new session (`waiaas mcp setup` again).')
      }
      return (this.notice =
        `Notice: this agent session expires at ${this.session.expiresAt} and renewing it failed (${e.code}: ${e.message}). ` +
        'waiaas mcp tries again at the next tool call; if it keeps failing, ask the operator for a new session (`waiaas mcp setup`).')
    }
  }

  private noRenewalsLeft(): string {
    const s = this.session
    const used = s.maxRenewals === 0 ? 'it was created without renewals' : `it has used all ${s.maxRenewals} of its renewals`
    return (
      `Notice: this agent session expires at ${s.expiresAt} and cannot be renewed (${used}). After that every tool fails ` +
      'with SESSION_EXPIRED; ask the operator for a new session (`waiaas mcp setup` again).'
    )
  }
}

/**
 * What the engine's SESSION_CAP rule needs (src/daemon/policy/session-cap.ts): the acting session's daily USD cap
 * and, read only when asked, what the session's counted requests reserved or spent in the last 24 h. Read inside the
 * decision's transaction.
 */
import type { SessionCap } from '../policy/types.js'
import type { Db } from '../store/db.js'
import { findSession, sessionSpendSince } from '../store/sessions.js'

const DAY_MS = 86_400_000

/** The cap of the session `actor` (`session:<id>`); undefined for other actors and for sessions without a cap. */
export function sessionCap(db: Db, actor: string, now: number): SessionCap | undefined {
  if (!actor.startsWith('session:')) return undefined
  const session = findSession(db, actor.slice('session:'.length))
  const cap = session?.limitUsdPerDayMicros ?? null
  if (session === undefined || cap === null) return undefined
  return { sessionId: session.id, capUsdMicros: cap, spentUsdMicros: () => sessionSpendSince(db, actor, now - DAY_MS).micros }
}

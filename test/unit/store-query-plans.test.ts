/**
 * Every query the store runs on `requests` finds its rows through an index (migration 8 dropped three indexes and
 * narrowed one, so each request writes fewer pages): no full scan of the table, and no temporary sort that the
 * schema before migration 8 did not need as well.
 */
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { applyMigrations } from '../../src/daemon/store/db.js'
import { migrations } from '../../src/daemon/store/migrations.js'
import * as requests from '../../src/daemon/store/requests.js'
import { sessionSpendSince } from '../../src/daemon/store/sessions.js'
import { ensureSpendHours, spendHoursSince } from '../../src/daemon/store/spend-hours.js'
import { useTempDb } from '../helpers/db.js'

const t = useTempDb()

/** New sorts that only ever see few rows, and why. */
const SMALL_SORTS: Record<string, string> = {
  dueDelays: "one open state: only requests waiting out a delay are 'queued'",
}

/**
 * tx.list pages whose filters no index serves (tier, kind, a time window; network with no cursor): a walk of the table
 * newest first, in rowid order (no sort), that stops once the page is full. An index per column would cost every
 * insert; these columns have few values, and a time window is usually recent. Measured with 100,000 requests: a
 * page is under 35 ms even when the walk must read every row (a network no request is on, a window before them all).
 */
const NEWEST_FIRST_WALKS: Record<string, string> = {
  'listRequests tier+kind': 'few tiers and kinds: a page fills within a short walk unless the value is rare',
  'listRequests time': 'a recent window is found at once; an old one walks the newer rows (rowids only)',
}

/** The SQL the store prepares while `fn` runs. */
function sqlOf(fn: () => unknown): string[] {
  const db = t.db
  const seen: string[] = []
  const orig = db.prepare.bind(db)
  db.prepare = ((sql: string) => {
    seen.push(sql)
    return orig(sql)
  }) as typeof db.prepare
  try {
    fn()
  } finally {
    db.prepare = orig as typeof db.prepare
  }
  return seen
}

function plan(db: Database.Database, sql: string): string {
  const params = (sql.match(/\?/g) ?? []).map(() => 1)
  return db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params)
    .map((r) => (r as { detail: string }).detail)
    .join('; ')
}

describe('query plans on requests', () => {
  it('every store query on requests uses an index', () => {
    const db = t.db
    const w = 'w1'
    const calls: [string, () => unknown][] = [
      ['findRequest', () => requests.findRequest(db, 'r')],
      ['findByIdempotencyKey', () => requests.findByIdempotencyKey(db, w, 'k')],
      ['listRequests wallet', () => requests.listRequests(db, { walletId: w, limit: 20 })],
      ['listRequests wallet+state', () => requests.listRequests(db, { walletId: w, state: 'signed', limit: 20 })],
      ['listRequests wallets', () => requests.listRequests(db, { walletIds: [w, 'w2'], limit: 20, before: 'r' })],
      ['listRequests page', () => requests.listRequests(db, { limit: 51, before: 'r' })],
      ['listRequests states', () => requests.listRequests(db, { state: ['awaiting_approval', 'queued'], limit: 51 })],
      ['listRequests wallet+states+time', () => requests.listRequests(db, { walletId: w, state: ['confirmed', 'failed'], since: 1, until: 2, limit: 51 })],
      ['listRequests network', () => requests.listRequests(db, { network: 'eip155:1', limit: 51, before: 'r' })],
      ['listRequests tier+kind', () => requests.listRequests(db, { tier: 'APPROVAL', kind: 'native-transfer', limit: 51 })],
      ['listRequests time', () => requests.listRequests(db, { since: 1, until: 2, limit: 51 })],
      ['requestsInState', () => requests.requestsInState(db, 'pending')],
      ['requestsInState sentOnly', () => requests.requestsInState(db, 'signed', 500, { sentOnly: true })],
      ['dueDelays', () => requests.dueDelays(db, 1)],
      ['dueExpiries', () => requests.dueExpiries(db, 1)],
      ['countAcceptedSince', () => requests.countAcceptedSince(db, w, 1)],
      ['countOpen', () => requests.countOpen(db, w)],
      ['acceptedTimesSince', () => requests.acceptedTimesSince(db, w, 1)],
      ['hasPaid', () => requests.hasPaid(db, w, '0xabc')],
      ['transition', () => requests.transition(db, 'r', ['pending'], 'approved', { counted: true, acceptedAt: 1 })],
      ['sessionSpendSince', () => sessionSpendSince(db, 'session:s', 1)],
      ['spendHoursSince', () => spendHoursSince(db, w, 1)],
    ]
    ensureSpendHours(db)
    // The same statements on the schema before migration 8, for comparison.
    const before = new Database(':memory:')
    applyMigrations(before, migrations.filter((m) => m.version < 8))
    const plans: Record<string, { now: string; before: string | null }[]> = {}
    for (const [name, fn] of calls) {
      const sqls = sqlOf(fn).filter((s) => /\b(requests|spend_hours)\b/.test(s) && !/^\s*INSERT/i.test(s))
      plans[name] = sqls.map((s) => ({ now: plan(db, s), before: /spend_hours/.test(s) ? null : plan(before, s.replace(/INDEXED BY \w+/g, '')) }))
    }
    before.close()
    if (process.env.PLANS !== undefined) console.log(JSON.stringify(plans, null, 1))
    for (const [name, ps] of Object.entries(plans)) {
      expect(ps.length, `${name}: no SQL on requests seen`).toBeGreaterThan(0)
      for (const p of ps) {
        if (NEWEST_FIRST_WALKS[name] !== undefined) expect(p.now, `${name}: a walk in rowid order, never sorted`).not.toMatch(/TEMP B-TREE/)
        else expect(p.now, name).not.toMatch(/SCAN (requests|spend_hours)(?! USING (COVERING )?INDEX)/)
        if (/TEMP B-TREE/.test(p.now) && SMALL_SORTS[name] === undefined) expect(p.before ?? '', `${name}: a sort the old schema did not need`).toMatch(/TEMP B-TREE/)
      }
    }
  })
})

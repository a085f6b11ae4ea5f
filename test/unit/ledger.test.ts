/**
 * The spend ledger mirrors the requests table: its rolling sums may only err on the strict side (whole hours,
 * rounded up), its rate counts are exact, and a ledger rebuilt from SQLite (a restart) agrees with one kept live.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SpendLedger } from '../../src/daemon/pipeline/ledger.js'
import { insertPending, transition } from '../../src/daemon/store/requests.js'
import { useTempDb } from '../helpers/db.js'

const t = useTempDb()
const HOUR = 3_600_000
const NET = 'eip155:1'
const NOW = Date.UTC(2026, 10, 25, 12, 30)

interface Op {
  agoMinutes: number
  amount: bigint
  usd: bigint
  release: boolean
}

function record(db: typeof t.db, ledger: SpendLedger, i: number, op: Op): void {
  const at = NOW - op.agoMinutes * 60_000
  const amounts = [{ asset: 'native', amount: op.amount }]
  insertPending(db, {
    id: `r${i}`,
    walletId: 'w',
    network: NET,
    kind: 'native-transfer',
    idempotencyKey: null,
    contentHash: 'h',
    payload: {},
    summary: { to: null, amount: null, token: null, symbol: null },
    actions: [],
    amounts,
    recipient: null,
    actor: 't',
    createdAt: at,
  })
  transition(db, `r${i}`, ['pending'], 'approved', { counted: true, acceptedAt: at, usdMicros: op.usd }, at)
  ledger.reserve('w', { acceptedAt: at, network: NET, usdMicros: op.usd, amounts })
  if (op.release) {
    transition(db, `r${i}`, ['approved'], 'cancelled', { counted: false })
    ledger.release('w', { acceptedAt: at, network: NET, usdMicros: op.usd, amounts })
  }
}

function exact(db: typeof t.db, fromMs: number): { native: bigint; usd: bigint; accepted: number } {
  const rows = db.prepare('SELECT amounts, CAST(usd_micros AS TEXT) AS usd, counted FROM requests WHERE wallet_id = ? AND accepted_at >= ?').all('w', fromMs) as {
    amounts: string
    usd: string
    counted: number
  }[]
  let native = 0n
  let usd = 0n
  for (const r of rows) {
    if (r.counted !== 1) continue
    usd += BigInt(r.usd)
    for (const a of JSON.parse(r.amounts) as { amount: { $n: string } }[]) native += BigInt(a.amount.$n)
  }
  return { native, usd, accepted: rows.length }
}

const ops = fc.array(
  fc.record({ agoMinutes: fc.integer({ min: 0, max: 40 * 24 * 60 }), amount: fc.bigInt({ min: 1n, max: 10n ** 20n }), usd: fc.bigInt({ min: 0n, max: 10n ** 9n }), release: fc.boolean() }),
  { maxLength: 60 },
)

describe('SpendLedger', () => {
  it('sums never under-count a window and over-count by at most one hour; counts are exact; a rebuild agrees', () => {
    fc.assert(
      fc.property(ops, fc.integer({ min: 1, max: 30 * 86_400 }), (list, rateSeconds) => {
        t.db.exec('DELETE FROM requests')
        const live = new SpendLedger(t.db)
        live.spent('w', NET, NOW) // loaded before the writes, so it is kept up to date by them
        list.forEach((op, i) => record(t.db, live, i, op))
        const rebuilt = new SpendLedger(t.db)
        for (const [name, seconds] of [['day', 86_400], ['week', 7 * 86_400], ['month', 30 * 86_400]] as const) {
          const lo = exact(t.db, NOW - seconds * 1000)
          const hi = exact(t.db, (Math.floor((NOW - seconds * 1000) / HOUR) - 1) * HOUR)
          for (const l of [live, rebuilt]) {
            const s = l.spent('w', NET, NOW)[name]
            expect(s.native >= lo.native && s.native <= hi.native, `${name} native`).toBe(true)
            expect(s.usdMicros >= lo.usd && s.usdMicros <= hi.usd, `${name} usd`).toBe(true)
          }
          expect(rebuilt.spent('w', NET, NOW)[name]).toEqual(live.spent('w', NET, NOW)[name])
        }
        const want = exact(t.db, NOW - rateSeconds * 1000).accepted
        expect(live.countSince('w', NOW, rateSeconds)).toBe(want)
        expect(rebuilt.countSince('w', NOW, rateSeconds)).toBe(want)
      }),
      { numRuns: 150 },
    )
  })
  it('load() reads a wallet from SQLite at once, so its first read needs no rebuild', () => {
    t.db.exec('DELETE FROM requests')
    record(t.db, new SpendLedger(t.db), 0, { agoMinutes: 10, amount: 5n, usd: 7n, release: false })
    const loaded = new SpendLedger(t.db)
    loaded.load('w', NOW)
    const lazy = new SpendLedger(t.db)
    // A row written behind the ledgers' backs: only a ledger that reads SQLite after it was written can see it.
    record(t.db, new SpendLedger(t.db), 1, { agoMinutes: 5, amount: 100n, usd: 1000n, release: false })
    expect(loaded.spent('w', NET, NOW).day).toMatchObject({ native: 5n, usdMicros: 7n })
    expect(lazy.spent('w', NET, NOW).day).toMatchObject({ native: 105n, usdMicros: 1007n })
  })
})

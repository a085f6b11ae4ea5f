/**
 * The hourly spend totals requests.ts keeps in the transactions that change requests are exactly what a rebuild from
 * the requests table gives, whatever the order of decisions, settlements and releases; deleting requests behind the
 * store's back makes the next read rebuild them.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { insertPending, transition } from '../../src/daemon/store/requests.js'
import { ensureSpendHours, spendHoursSince } from '../../src/daemon/store/spend-hours.js'
import { useTempDb } from '../helpers/db.js'

const t = useTempDb()
const NOW = Date.UTC(2026, 10, 25, 12, 30)
const NETS = ['eip155:1', 'eip155:8453']

function snapshot(): Record<string, string> {
  return Object.fromEntries(
    ['w1', 'w2'].flatMap((w) => spendHoursSince(t.db, w, 0).flatMap((h) => [...h.sums].filter(([, v]) => v !== 0n).map(([k, v]) => [`${w}/${h.hour}/${k}`, v.toString()]))),
  )
}

const op = fc.record({
  wallet: fc.constantFrom('w1', 'w2'),
  net: fc.constantFrom(...NETS),
  agoMinutes: fc.integer({ min: 0, max: 6 * 60 }),
  amount: fc.bigInt({ min: 0n, max: 10n ** 30n }),
  usd: fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n })),
  then: fc.constantFrom('keep', 'release', 'settle', 'deny'),
  settled: fc.bigInt({ min: 0n, max: 10n ** 30n }),
})

describe('spend_hours', () => {
  it('kept totals equal a rebuild from requests', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        t.db.exec("DELETE FROM requests; DELETE FROM spend_hours; DELETE FROM meta WHERE key = 'spend_hours'")
        ensureSpendHours(t.db)
        ops.forEach((o, i) => {
          const at = NOW - o.agoMinutes * 60_000
          const amounts = [{ asset: 'native', amount: o.amount }]
          const base = { walletId: o.wallet, network: o.net, kind: 'native-transfer' as const, idempotencyKey: null, contentHash: 'h', payload: {}, actions: [], recipient: null, actor: 't', createdAt: at }
          insertPending(t.db, { ...base, id: `r${i}`, summary: { to: null, amount: null, token: null, symbol: null }, amounts })
          if (o.then === 'deny') {
            transition(t.db, `r${i}`, ['pending'], 'denied', { counted: false, acceptedAt: null })
            return
          }
          transition(t.db, `r${i}`, ['pending'], 'approved', { counted: true, acceptedAt: at, usdMicros: o.usd, amounts })
          if (o.then === 'release') transition(t.db, `r${i}`, ['approved'], 'cancelled', { counted: false })
          if (o.then === 'settle') transition(t.db, `r${i}`, ['approved'], 'confirmed', { amounts: [{ asset: 'native', amount: o.settled }], usdMicros: o.usd === null ? null : o.usd / 2n })
        })
        const kept = snapshot()
        t.db.exec("DELETE FROM meta WHERE key = 'spend_hours'")
        expect(snapshot()).toEqual(kept)
      }),
      { numRuns: 40 },
    )
  })

  it('deleting a counted request behind the store makes the next read rebuild', () => {
    const amounts = [{ asset: 'native', amount: 5n }]
    insertPending(t.db, { id: 'a', walletId: 'w1', network: NETS[0] ?? '', kind: 'native-transfer', idempotencyKey: null, contentHash: 'h', payload: {}, summary: { to: null, amount: null, token: null, symbol: null }, actions: [], amounts, recipient: null, actor: 't', createdAt: NOW })
    transition(t.db, 'a', ['pending'], 'approved', { counted: true, acceptedAt: NOW, usdMicros: 7n, amounts })
    ensureSpendHours(t.db)
    expect(snapshot()).toEqual({ [`w1/${Math.floor(NOW / 3_600_000)}/eip155:1|native`]: '5', [`w1/${Math.floor(NOW / 3_600_000)}/usd`]: '7' })
    t.db.exec("DELETE FROM requests WHERE id = 'a'")
    expect(snapshot()).toEqual({})
  })
})

/** The requests table: compare-and-set transitions, and sweeps that sign-only requests cannot crowd out. */
import { describe, expect, it } from 'vitest'
import { insertPending, requestsInState, transition, type NewRequest } from '../../src/daemon/store/requests.js'
import { useTempDb } from '../helpers/db.js'

const t = useTempDb()

const req = (id: string, kind: NewRequest['kind']): NewRequest => ({
  id,
  walletId: 'w',
  network: 'eip155:1',
  kind,
  idempotencyKey: null,
  contentHash: 'h',
  payload: { n: 10n ** 30n },
  summary: { to: null, amount: null, token: null, symbol: null },
  actions: [],
  amounts: [{ asset: 'native', amount: 123456789012345678901234567890n }],
  recipient: null,
  actor: 't',
  createdAt: 1,
})

describe('requests store', () => {
  it('moves a request only from the states given, once', () => {
    insertPending(t.db, req('a', 'native-transfer'))
    expect(transition(t.db, 'a', ['queued'], 'approved')).toBe(false)
    expect(transition(t.db, 'a', ['pending'], 'approved')).toBe(true)
    expect(transition(t.db, 'a', ['pending'], 'denied')).toBe(false)
    const [row] = requestsInState(t.db, 'approved')
    expect(row?.amounts[0]?.amount).toBe(123456789012345678901234567890n)
    expect(row?.payload).toEqual({ n: 10n ** 30n })
  })

  it('a transfer waiting in `signed` is found behind any number of finished sign-only requests', () => {
    for (let i = 0; i < 600; i++) {
      insertPending(t.db, req(`m${i}`, 'sign-message'))
      transition(t.db, `m${i}`, ['pending'], 'signed')
    }
    insertPending(t.db, req('tx', 'native-transfer'))
    transition(t.db, 'tx', ['pending'], 'signed')
    expect(requestsInState(t.db, 'signed', 500).map((r) => r.id)).not.toContain('tx')
    expect(requestsInState(t.db, 'signed', 500, { sentOnly: true }).map((r) => r.id)).toEqual(['tx'])
  })
})

/**
 * The two pure pieces behind deciding on effects and counting fees: which simulated effects the decoded actions do
 * not already account for (so they are judged, or refuse a later signing), and how a fee reservation settles to what
 * a mined transaction paid.
 */
import { describe, expect, it } from 'vitest'
import { uncovered, withEffects } from '../../src/daemon/pipeline/effects.js'
import { settle, withFee } from '../../src/daemon/pipeline/settle.js'
import type { Action } from '../../src/daemon/policy/types.js'

const native = (to: string, amount: bigint): Action => ({ kind: 'native-transfer', to, amount })
const token = (t: string, to: string, amount: bigint): Action => ({ kind: 'token-transfer', token: t, to, amount })
const approve = (t: string, spender: string, amount: bigint, unlimited = false): Action => ({ kind: 'token-approve', token: t, spender, amount, unlimited })
const call = (contract: string, value = 0n): Action => ({ kind: 'contract-call', contract, selector: '0x12345678', value })

describe('effects beyond the decoded actions', () => {
  it('adds what the decoder did not account for, as the excess only, and nothing twice', () => {
    // A padded transfer the decoder read (100 to R) and its effect (100 to R): nothing more.
    expect(withEffects([token('T', 'r', 100n)], [token('T', 'r', 100n)])).toEqual([token('T', 'r', 100n)])
    // A call that also pulls 40 of T to S through an allowance: that transfer is added.
    expect(withEffects([call('c')], [token('T', 's', 40n)])).toEqual([call('c'), token('T', 's', 40n)])
    // The effect moves 150 to R where the decoder saw 100: the extra 50 is added.
    expect(withEffects([token('T', 'r', 100n)], [token('T', 'r', 150n)])).toEqual([token('T', 'r', 100n), token('T', 'r', 50n)])
    // Several effects to one recipient add up.
    expect(withEffects([], [token('T', 'r', 1n), token('T', 'r', 2n)])).toEqual([token('T', 'r', 3n)])
  })

  it("counts a call's value once, wherever the chain shows it went", () => {
    expect(withEffects([call('c', 5n)], [native('c', 5n)])).toEqual([call('c', 5n)])
    // On Solana an account creation's lamports arrive at the new account, not at the System program.
    expect(withEffects([call('11111111111111111111111111111111', 2039280n)], [native('newAccount', 2039280n)])).toEqual([call('11111111111111111111111111111111', 2039280n)])
    // More value than the call carries is new value leaving the wallet.
    expect(withEffects([call('c', 5n)], [native('c', 5n), native('x', 3n)])).toEqual([call('c', 5n), native('x', 3n)])
  })

  it('an allowance is covered by an equal or larger decided one; an authority change never is', () => {
    expect(withEffects([approve('T', 's', 10n)], [approve('T', 's', 10n)])).toEqual([approve('T', 's', 10n)])
    expect(uncovered([approve('T', 's', 10n)], [approve('T', 's', 11n)])).toEqual([approve('T', 's', 11n)])
    expect(uncovered([approve('T', 's', 0n, true)], [approve('T', 's', 1n << 255n, true)])).toEqual([])
    const handover: Action = { kind: 'authority-change', account: 'acct', what: 'owner changes' }
    expect(uncovered([call('c')], [handover])).toEqual([handover])
    expect(withEffects([call('c')], [handover])).toEqual([call('c'), handover])
  })

  it('a later simulation is covered by what was decided, or says what is new', () => {
    const decided = withEffects([call('c')], [token('T', 's', 40n)])
    expect(uncovered(decided, [token('T', 's', 40n)])).toEqual([])
    expect(uncovered(decided, [token('T', 's', 30n)])).toEqual([])
    expect(uncovered(decided, [token('T', 's', 90n)])).toEqual([token('T', 's', 50n)])
    expect(uncovered(decided, [token('T', 'other', 1n)])).toEqual([token('T', 'other', 1n)])
  })
})

describe('fee reservations', () => {
  it('reserve the value plus the maximum fee; settle to the value plus the fee paid', () => {
    const reserved = withFee([{ asset: 'native', amount: 1000n }], 300n, 30n)
    expect(reserved).toEqual([{ asset: 'native', amount: 1000n }, { asset: 'native', amount: 300n, fee: { usdMicros: 30n } }])
    const s = settle(reserved, 130n, 100n, true)
    // USD of the fee scales with what was paid, rounded up: 30 * 100 / 300 = 10.
    expect(s).toEqual({ amounts: [{ asset: 'native', amount: 1000n }, { asset: 'native', amount: 100n, fee: { usdMicros: 10n } }], usdMicros: 110n })
  })

  it('a transaction that reverted on chain counts only the fee it paid; rows without a fee entry keep their amounts', () => {
    const reserved = withFee([{ asset: 'T', amount: 5n }], 300n, null)
    expect(settle(reserved, null, 299n, false)).toEqual({ amounts: [{ asset: 'native', amount: 299n, fee: { usdMicros: null } }], usdMicros: null })
    expect(settle([{ asset: 'native', amount: 1n }], 1n, 5n, true)).toBeNull()
    expect(withFee([{ asset: 'native', amount: 1n }], null, null)).toEqual([{ asset: 'native', amount: 1n }])
  })
})

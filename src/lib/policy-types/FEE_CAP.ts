/**
 * FEE_CAP: a ceiling on a transaction's fee, judged on the fee the decision sees; the pipeline holds a fee that is
 * set later (a transaction prepared again after a delay or an approval, a speed-up, a cancellation) to the same
 * ceiling through `feeAbove`. Without one, a fee the caller chose (`sign tx`) is held to FEE_BOUND_FACTOR times
 * what the network suggests.
 */
import { formatAmount } from '../amounts.js'
import { delaySeconds, tierOr } from './fields.js'
import { Dec, delayOf, nativeText, str, suggestAdd, tierOf, withDelay } from './helpers.js'
import type { Tier } from './model.js'
import { definePolicyType, type Entry } from './module.js'

/**
 * Without a FEE_CAP, a fee the caller chose (`sign tx`) may be at most this many times the fee the network suggests
 * now for the same transaction (the gas it uses at today's max fee per gas; on Solana the signature fees and the
 * usual priority fee); more is denied, and a FEE_CAP policy replaces this bound. Generous for gas limits with a wide
 * margin and for fee spikes, and still 5,000 times below a fee that drains a wallet in one transaction.
 */
export const FEE_BOUND_FACTOR = 10n

export interface Compiled {
  maxFee: Dec
  tier: Tier
  delay: number
}

/** The FEE_CAPs of `list` that `fee` (native minor units) exceeds, each with its cap in minor units. */
export function feeAbove(list: Entry<Compiled>[], fee: bigint, nativeDecimals: number): { entry: Entry<Compiled>; cap: bigint }[] {
  const out: { entry: Entry<Compiled>; cap: bigint }[] = []
  for (const entry of list) {
    const cap = entry.c.maxFee.at(nativeDecimals)
    if (fee > cap) out.push({ entry, cap })
  }
  return out
}

export const FEE_CAP = definePolicyType({
  type: 'FEE_CAP',
  doc: 'A ceiling on the fee of a transaction.',
  fields: {
    max_fee: { kind: 'amount', required: true, doc: 'The most a transaction\'s fee may be (native unit)' },
    tier: tierOr(['NOTIFY', 'DELAY', 'APPROVAL', 'DENY'], 'DENY', 'Above it'),
    delay_seconds: delaySeconds,
  },
  restricting: true,
  normalise: (r) => withDelay('FEE_CAP', r.tier, r.delay_seconds, { max_fee: r.max_fee, tier: r.tier }),
  compile: (r): Compiled => ({ maxFee: new Dec(str(r, 'max_fee')!), tier: tierOf(r, 'tier'), delay: delayOf(r) }),
  checks: {
    request(e, list) {
      const { req } = e
      if (req.maxFee === null) return
      const fmt = (x: bigint): string => nativeText(x, req.nativeDecimals, req.network)
      for (const { entry, cap } of feeAbove(list, req.maxFee, req.nativeDecimals)) {
        const { p, c } = entry
        e.hit(p, 'max_fee', c.tier, c.delay, `The fee of up to ${fmt(req.maxFee)} is above max_fee (${fmt(cap)})`, `fee ≤ ${fmt(cap)}`)
      }
      if (!e.offline && list.length === 0 && req.feeBound !== undefined && req.feeBound !== null && req.maxFee > req.feeBound) {
        e.deny(
          null,
          null,
          `The fee of up to ${fmt(req.maxFee)} is more than ${FEE_BOUND_FACTOR} times what the network suggests now (at most ${fmt(req.feeBound)} without a FEE_CAP policy)`,
          `fee ≤ ${fmt(req.feeBound)}, or a FEE_CAP policy that allows more: ${suggestAdd(req.walletId, 'FEE_CAP', `{"max_fee":"${formatAmount(req.maxFee, req.nativeDecimals)}"}`)}`,
        )
      }
    },
  },
})

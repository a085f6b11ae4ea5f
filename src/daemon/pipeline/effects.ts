/**
 * Deciding on the simulated effect: the decoded actions of a transaction say what its bytes claim; a simulation says
 * what they did to the wallet at one moment. The policy judges both: every effect that the decoded actions do not
 * already account for is added as an action of its own (so a call that pulls tokens through an old allowance is a
 * token transfer to whoever received them, judged by ALLOWED_TOKENS, recipient lists and limits), and an authority
 * change is always there to be denied. Just before signing, the pipeline simulates again and signs only when the
 * effect is still covered by what was decided.
 *
 * Amounts are keyed by what they move: native value per recipient (a call's value counts as sent to the contract),
 * a token per token and recipient, an allowance per token and spender.
 */
import type { Action } from '../policy/types.js'

type Keyed = Map<string, bigint>

function key(a: Action): { key: string; amount: bigint } | null {
  switch (a.kind) {
    case 'native-transfer':
      return { key: `native|${a.to}`, amount: a.amount }
    case 'contract-call':
      return a.value > 0n ? { key: `native|${a.contract}`, amount: a.value } : null
    case 'token-transfer':
      return { key: `token|${a.token}|${a.to}`, amount: a.amount }
    case 'token-approve':
      return { key: `approve|${a.token}|${a.spender}`, amount: a.unlimited ? 1n << 256n : a.amount }
    default:
      return null
  }
}

/** Per key, the most the actions account for (transfers add up; an allowance is its largest value). */
function accounted(actions: readonly Action[]): Keyed {
  const out: Keyed = new Map()
  for (const a of actions) {
    const k = key(a)
    if (k === null) continue
    const had = out.get(k.key) ?? 0n
    out.set(k.key, a.kind === 'token-approve' ? (k.amount > had ? k.amount : had) : had + k.amount)
  }
  return out
}

/** The effect actions (summed per key, authority changes as they are). */
function effectTotals(effects: readonly Action[]): { totals: Keyed; first: Map<string, Action>; other: Action[] } {
  const totals: Keyed = new Map()
  const first = new Map<string, Action>()
  const other: Action[] = []
  for (const a of effects) {
    const k = key(a)
    if (k === null) {
      other.push(a)
      continue
    }
    const had = totals.get(k.key) ?? 0n
    totals.set(k.key, a.kind === 'token-approve' ? (k.amount > had ? k.amount : had) : had + k.amount)
    if (!first.has(k.key)) first.set(k.key, a)
  }
  return { totals, first, other }
}

/** `a` with its amount replaced (for an approval: the allowance it grants). */
function withAmount(a: Action, amount: bigint): Action {
  switch (a.kind) {
    case 'native-transfer':
    case 'token-transfer':
      return { ...a, amount }
    case 'token-approve':
      return a
    default:
      return a
  }
}

/**
 * The actions a decision judges: the decoded ones, plus each simulated effect beyond what they account for (the
 * excess, as an action of its own), plus every authority change.
 */
export function withEffects(decoded: readonly Action[], effects: readonly Action[]): Action[] {
  const have = accounted(decoded)
  const { totals, first, other } = effectTotals(effects)
  const out = [...decoded]
  for (const [k, total] of totals) {
    const excess = total - (have.get(k) ?? 0n)
    const sample = first.get(k)
    if (excess > 0n && sample !== undefined) out.push(sample.kind === 'token-approve' ? sample : withAmount(sample, excess))
  }
  out.push(...other.filter((a) => a.kind === 'authority-change'))
  return out
}

/** The simulated effects that the decided actions do not cover (empty: the transaction does nothing more). */
export function uncovered(decided: readonly Action[], effects: readonly Action[]): Action[] {
  const have = accounted(decided)
  const { totals, first, other } = effectTotals(effects)
  const out: Action[] = other.filter((a) => a.kind === 'authority-change')
  for (const [k, total] of totals) {
    const sample = first.get(k)
    if (total > (have.get(k) ?? 0n) && sample !== undefined) out.push(sample)
  }
  return out
}

/**
 * Deciding on the simulated effect: the decoded actions of a transaction say what its bytes claim; a simulation says
 * what they did to the wallet at one moment. The policy judges both: every effect that the decoded actions do not
 * already account for is added as an action of its own (so a call that pulls tokens through an old allowance is a
 * token transfer to whoever received them, judged by ALLOWED_TOKENS, recipient lists and limits), and an authority
 * change is always there to be denied. Just before a later signing, the pipeline simulates again and signs only when
 * the effect is still covered by what was decided.
 *
 * How effects are matched to actions: a token transfer by token and recipient; an allowance by token and spender (the
 * largest one granted); native value by recipient, and then by the value of the decoded calls (a call's value goes
 * wherever its program sends it: to a contract on EVM, to a new account on Solana), so value is never counted twice.
 * A native transfer paid through a batcher (`via`) is matched where the wallet's value goes: to the batcher.
 */
import type { Action } from '../policy/types.js'

type Keyed = Map<string, bigint>

interface Budget {
  /** Native and token transfers per `native|to` / `token|token|to`. */
  exact: Keyed
  /** Native value of decoded contract calls: covers native effects to any recipient. */
  callValue: bigint
  /** Allowances per `approve|token|spender`; unlimited is 2^256. */
  approvals: Keyed
}

const UNLIMITED = 1n << 256n

function add(m: Keyed, k: string, v: bigint): void {
  m.set(k, (m.get(k) ?? 0n) + v)
}

function max(m: Keyed, k: string, v: bigint): void {
  if (v > (m.get(k) ?? 0n)) m.set(k, v)
}

function budgetOf(actions: readonly Action[]): Budget {
  const b: Budget = { exact: new Map(), callValue: 0n, approvals: new Map() }
  for (const a of actions) {
    if (a.kind === 'native-transfer') add(b.exact, `native|${a.via ?? a.to}`, a.amount)
    else if (a.kind === 'token-transfer') add(b.exact, `token|${a.token}|${a.to}`, a.amount)
    else if (a.kind === 'contract-call') b.callValue += a.value
    else if (a.kind === 'token-approve') max(b.approvals, `approve|${a.token}|${a.spender}`, a.unlimited ? UNLIMITED : a.amount)
  }
  return b
}

/** The effects beyond what `decided` accounts for: transfers with the excess amount, wider allowances, authority changes. */
function excess(decided: readonly Action[], effects: readonly Action[]): Action[] {
  const b = budgetOf(decided)
  const totals: Keyed = new Map()
  const granted: Keyed = new Map()
  const sample = new Map<string, Action>()
  const out: Action[] = []
  for (const a of effects) {
    if (a.kind === 'native-transfer' || a.kind === 'token-transfer') {
      const k = a.kind === 'native-transfer' ? `native|${a.to}` : `token|${a.token}|${a.to}`
      add(totals, k, a.amount)
      if (!sample.has(k)) sample.set(k, a)
    } else if (a.kind === 'token-approve') {
      const k = `approve|${a.token}|${a.spender}`
      max(granted, k, a.unlimited ? UNLIMITED : a.amount)
      const had = sample.get(k)
      if (had === undefined || (had.kind === 'token-approve' && (a.unlimited || a.amount > had.amount))) sample.set(k, a)
    } else if (a.kind === 'authority-change') {
      out.push(a)
    }
  }
  let pool = b.callValue
  for (const [k, total] of totals) {
    let left = total - (b.exact.get(k) ?? 0n)
    if (left > 0n && k.startsWith('native|')) {
      const take = left < pool ? left : pool
      pool -= take
      left -= take
    }
    const a = sample.get(k)
    if (left > 0n && a !== undefined && (a.kind === 'native-transfer' || a.kind === 'token-transfer')) out.push({ ...a, amount: left })
  }
  for (const [k, amount] of granted) {
    const a = sample.get(k)
    if (amount > (b.approvals.get(k) ?? 0n) && a !== undefined) out.push(a)
  }
  return out
}

/** The actions a decision judges: the decoded ones, plus every simulated effect beyond what they account for. */
export function withEffects(decoded: readonly Action[], effects: readonly Action[]): Action[] {
  return [...decoded, ...excess(decoded, effects)]
}

/** The simulated effects that the decided actions do not cover (empty: the transaction does nothing more). */
export function uncovered(decided: readonly Action[], effects: readonly Action[]): Action[] {
  return excess(decided, effects)
}

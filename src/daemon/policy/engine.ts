/**
 * The policy engine: which policies apply to a request, in which order their checks run, and the one decision they
 * reach. Pure and synchronous; the pipeline reads the facts and reserves spend in the same SQLite transaction
 * around `evaluate`. What each type checks lives in its module (src/lib/policy-types/<TYPE>.ts).
 *
 * Every rule yields verdicts; the strictest tier wins (TIER_RANK), so adding a restriction or tightening one can
 * never loosen a decision. Default deny: value moves only under a SPENDING_LIMIT, a token only if ALLOWED_TOKENS
 * lists it, a call only to a CONTRACT_ALLOWLIST contract, an approval only for an APPROVED_SPENDERS spender, and
 * signing only as SIGNING_RULES allow. Several policies of one type all apply, so allowlists intersect.
 *
 * Rules are compiled once per policy id and version (by the type's module: amounts to bigint, lists to sets).
 * Money is never a JS number here.
 *
 * Evaluation order, which breaks ties between equally strict verdicts: stored rules that no longer validate, a
 * request with no action, then the stages of `Checks` (module.ts), each over the types in index order — screen
 * (ALLOWED_NETWORKS, RECIPIENT_DENYLIST), moves (SPENDING_LIMIT present), per action (a change of authority, then
 * ALLOWED_TOKENS, RECIPIENT_ALLOWLIST, CONTRACT_ALLOWLIST, METHOD_ALLOWLIST, APPROVED_SPENDERS, APPROVE_AMOUNT_LIMIT,
 * SIGNING_RULES), value (SPENDING_LIMIT tiers, coverage and rolling limits; then calls no simulation explained),
 * recipients (NEW_RECIPIENT_TIER), request (RATE_LIMIT, TIME_WINDOW, MAX_PENDING, FEE_CAP) — and last the acting
 * session's own cap (SESSION_CAP). Within a type, policies keep the order they were given in.
 *
 * Choices:
 * - A request with no actions is denied. Spending limits are checked only when value moves (a native transfer, a
 *   token transfer, a call with value) or a fee does; sign-only requests, approvals and calls without value need none.
 * - RECIPIENT_DENYLIST also denies approvals to a listed spender and calls to a listed contract; the allowlist and
 *   NEW_RECIPIENT_TIER look at native and token transfer recipients only.
 * - RATE_LIMIT, TIME_WINDOW and MAX_PENDING apply to every request, sign-only ones included.
 * - `approvalTimeoutSeconds` is the shortest `approval_timeout_seconds` of the applicable SPENDING_LIMITs.
 */
import { POLICY_TYPE_MODULE, ANY_POLICY_TYPE_MODULES } from '../../lib/policy-types/index.js'
import { feeAbove } from '../../lib/policy-types/FEE_CAP.js'
import type { Checks, Entry, Judge, PolicyTypeModule } from '../../lib/policy-types/module.js'
import { validateRules } from './rules.js'
import { sessionCapVerdict } from './session-cap.js'
import {
  POLICY_TYPES,
  TIER_RANK,
  type Action,
  type Decision,
  type Policy,
  type PolicyFacts,
  type PolicyRequest,
  type PolicyType,
  type RuleRef,
  type SessionCap,
  type Tier,
  type Verdict,
} from './types.js'

export { FEE_BOUND_FACTOR } from '../../lib/policy-types/FEE_CAP.js'

// ---------------------------------------------------------------------------------------------------------------
// Scope.

function scopeRank(p: Policy, walletId: string, network: string): number {
  if (!p.enabled) return -1
  if (p.walletId !== null && p.walletId !== walletId) return -1
  if (p.network !== null && p.network !== network) return -1
  return (p.walletId === null ? 0 : 2) + (p.network === null ? 0 : 1)
}

/**
 * The enabled policies that apply to `walletId` on `network` (a CAIP-2 id). Per type, only the most specific scope
 * holding any policy of that type counts (wallet + network over wallet over global; a global row with a network,
 * which the store does not write, would rank between global and wallet); all policies of that type at that scope
 * apply. Keeps the given order.
 */
export function applicablePolicies(all: Policy[], walletId: string, network: string): Policy[] {
  const best = new Map<PolicyType, number>()
  const ranks = all.map((p) => {
    const r = scopeRank(p, walletId, network)
    if (r >= 0 && r > (best.get(p.type) ?? -1)) best.set(p.type, r)
    return r
  })
  return all.filter((p, i) => ranks[i]! >= 0 && ranks[i] === best.get(p.type))
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled rules.

type Compiled = { ok: true; value: unknown } | { ok: false; message: string }

interface CacheEntry {
  version: number
  type: PolicyType
  compiled: Compiled
}

/** Compiled rules by policy id; an entry is replaced when the policy's version (or type) changes. */
const CACHE = new Map<string, CacheEntry>()
const CACHE_MAX = 10_000

function moduleOf(type: PolicyType): PolicyTypeModule {
  return POLICY_TYPE_MODULE[type] as PolicyTypeModule
}

function compiled(p: Policy): Compiled {
  const hit = CACHE.get(p.id)
  if (hit !== undefined && hit.version === p.version && hit.type === p.type) return hit.compiled
  let c: Compiled
  try {
    if (!(POLICY_TYPES as readonly string[]).includes(p.type)) throw new Error(`unknown type ${String(p.type).slice(0, 40)}`)
    // Stored rules are validated again: what no longer validates denies.
    c = { ok: true, value: moduleOf(p.type).compile(validateRules(p.type, p.rules)) }
  } catch (err) {
    c = { ok: false, message: err instanceof Error ? err.message : String(err) }
  }
  if (CACHE.size >= CACHE_MAX) CACHE.clear()
  CACHE.set(p.id, { version: p.version, type: p.type, compiled: c })
  return c
}

/** The tier of a contract call whose effect no simulation showed (see `unexplainedCalls`). */
export const UNEXPLAINED_CALL_TIER: Tier = 'APPROVAL'

export interface EvaluateOptions {
  /**
   * Decide only what needs no chain data (networks, recipients, tokens, contracts, methods, spenders, signing rules,
   * rate, time window, pending count), before any RPC call: amounts may be placeholders and are not judged. Only a
   * DENY from this pass is final; anything else is decided again with the chain's data.
   */
  offline?: boolean
  /** The acting session's own daily cap (SESSION_CAP), judged after every policy; not in the offline pass. */
  session?: SessionCap | undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation.

/** Types whose INSTANT verdict may decide a request nothing escalates. */
const ALLOWING = new Set<string>(ANY_POLICY_TYPE_MODULES.filter((m) => m.allows === true).map((m) => m.type))

class Evaluation implements Judge {
  readonly above: Verdict[] = []
  /** The first INSTANT verdict of an allowing type (SPENDING_LIMIT, SIGNING_RULES), and of anything else. */
  allow: Verdict | null = null
  other: Verdict | null = null
  moves = false
  nativeMoves = false
  tokens: Map<string, bigint> | null = null
  private known: Map<string, boolean> | null = null

  constructor(
    readonly req: PolicyRequest,
    readonly facts: PolicyFacts,
    readonly offline: boolean,
  ) {
    for (const a of req.actions) {
      if (a.kind === 'native-transfer' || (a.kind === 'contract-call' && a.value > 0n)) this.moves = this.nativeMoves = true
      else if (a.kind === 'token-transfer') {
        this.moves = true
        this.tokens ??= new Map()
        this.tokens.set(a.token, (this.tokens.get(a.token) ?? 0n) + a.amount)
      }
    }
  }

  hit(p: Policy | null, field: string | null, tier: Tier, delay: number, reason: string, wouldPass?: string): void {
    const v: Verdict = { tier, rule: p === null ? null : ref(p, field), reason }
    if (tier === 'DELAY') v.delaySeconds = delay
    if (wouldPass !== undefined) v.wouldPass = wouldPass
    this.add(v, p !== null && ALLOWING.has(p.type))
  }

  /** Records a verdict; an INSTANT one is kept as the fallback decisive verdict. */
  add(v: Verdict, allowing = false): void {
    if (v.tier !== 'INSTANT') this.above.push(v)
    else if (allowing) this.allow ??= v
    else this.other ??= v
  }

  deny(p: Policy | null, field: string | null, reason: string, wouldPass?: string): void {
    this.hit(p, field, 'DENY', 0, reason, wouldPass)
  }

  pass(p: Policy, field: string | null, reason: () => string): void {
    if (this.other === null) this.other = { tier: 'INSTANT', rule: ref(p, field), reason: reason() }
  }

  isKnown(to: string): boolean {
    this.known ??= new Map()
    let k = this.known.get(to)
    if (k === undefined) {
      k = this.facts.knownRecipient(to)
      this.known.set(to, k)
    }
    return k
  }
}

function ref(p: Policy, field: string | null): RuleRef {
  return { policyId: p.id, type: p.type, version: p.version, field }
}

type Stage = keyof Checks<unknown>
type Lists = Map<PolicyType, Entry<unknown>[]>
const NONE: Entry<unknown>[] = []

/** Per stage, the modules that check in it, in index order (computed once: `evaluate` is on every request's path). */
const AT = Object.fromEntries(
  (['screen', 'moves', 'action', 'value', 'recipients', 'request'] as const).map((s) => [s, ANY_POLICY_TYPE_MODULES.filter((m) => m.checks[s] !== undefined)]),
) as unknown as Record<Stage, readonly PolicyTypeModule[]>
const WITH_TIMEOUT = ANY_POLICY_TYPE_MODULES.filter((m) => m.approvalTimeout !== undefined)

/** Runs one stage: every type's check of that stage, in index order, with the policies of that type. */
function stage(e: Evaluation, name: Exclude<Stage, 'action'>, lists: Lists): void {
  for (const m of AT[name]) m.checks[name]!(e, lists.get(m.type as PolicyType) ?? NONE)
}

/**
 * The decision of `policies` (already the applicable ones, see `applicablePolicies`) on `req`, given `facts`.
 * Pure and synchronous; never throws for policy content (stored rules that no longer validate deny).
 */
export function evaluate(req: PolicyRequest, policies: Policy[], facts: PolicyFacts, opts: EvaluateOptions = {}): Decision {
  const offline = opts.offline === true
  const e = new Evaluation(req, facts, offline)
  const lists: Lists = new Map()
  for (const p of policies) {
    if (!p.enabled) continue
    const c = compiled(p)
    if (!c.ok) {
      e.deny(p, null, `Policy ${p.id} (${String(p.type)}) has stored rules that are no longer valid: ${c.message.slice(0, 200)}`, `fix it with \`waiaas policy update\` or remove it`)
      continue
    }
    const list = lists.get(p.type)
    if (list === undefined) lists.set(p.type, [{ p, c: c.value }])
    else list.push({ p, c: c.value })
  }

  // Offline, actions that need the node to be read are left out, so an empty list there proves nothing.
  if (req.actions.length === 0 && !offline) e.deny(null, null, 'The request has no action that a policy could allow')
  stage(e, 'screen', lists)
  stage(e, 'moves', lists)
  for (const a of req.actions) {
    if (a.kind === 'authority-change') {
      e.deny(null, null, `The transaction changes who controls ${a.account}: ${a.what}`, 'a transaction that leaves every owner, delegate and authority of the wallet\'s accounts as it is')
      continue
    }
    for (const m of AT.action) m.checks.action!(e, a, lists.get(m.type as PolicyType) ?? NONE)
  }
  if (!offline) {
    stage(e, 'value', lists)
    unexplainedCalls(e)
  }
  stage(e, 'recipients', lists)
  stage(e, 'request', lists)
  if (!offline && opts.session !== undefined) {
    const v = sessionCapVerdict(req, opts.session)
    if (v !== undefined) e.add(v)
  }
  return decide(e, lists)
}

/**
 * A contract call that the decoder reads as nothing lighter, on a transaction whose effect no simulation showed (the
 * node cannot simulate, or the simulation reverted), is never signed on trust: it waits for approval.
 */
function unexplainedCalls(e: Evaluation): void {
  const how = e.req.effects
  if (how !== 'unavailable' && how !== 'reverted') return
  const call = e.req.actions.find((a): a is Extract<Action, { kind: 'contract-call' }> => a.kind === 'contract-call')
  if (call === undefined) return
  const why = how === 'unavailable' ? `the node of ${e.req.network} cannot simulate transactions` : 'its simulation reverted, so it showed no effect'
  e.hit(null, null, UNEXPLAINED_CALL_TIER, 0, `What the call to ${call.contract} would do cannot be checked: ${why}`, 'a transaction the decoder can read in full, or a network whose node simulates (eth_simulateV1)')
}

function decide(e: Evaluation, lists: Lists): Decision {
  const above = e.above
  if (above.length > 1) above.sort((x, y) => TIER_RANK[y.tier] - TIER_RANK[x.tier])
  const top = above[0]
  const tier: Tier = top?.tier ?? 'INSTANT'
  let delaySeconds = 0
  if (tier === 'DELAY') for (const v of above) if (v.tier === 'DELAY' && (v.delaySeconds ?? 0) > delaySeconds) delaySeconds = v.delaySeconds ?? 0
  const decisive: Verdict = top ?? e.allow ?? e.other ?? { tier: 'INSTANT', rule: null, reason: 'no rule escalated this request' }
  const decision: Decision = { tier, delaySeconds, decisive, verdicts: above }
  if (tier === 'APPROVAL') {
    let timeout: number | null = null
    for (const m of WITH_TIMEOUT) {
      const t = m.approvalTimeout!(lists.get(m.type as PolicyType) ?? NONE)
      if (t !== null && (timeout === null || t < timeout)) timeout = t
    }
    if (timeout !== null) decision.approvalTimeoutSeconds = timeout
  }
  return decision
}

/**
 * The first of `policies` (the applicable ones) whose FEE_CAP a fee of `fee` native minor units exceeds, with that
 * cap: the one FEE_CAP check (src/lib/policy-types/FEE_CAP.ts) applied to a fee set after the decision (a
 * transaction prepared again when it is signed, a speed-up, a cancellation). Stored rules that no longer validate
 * are skipped here; the decision denied them.
 */
export function feeAboveCap(policies: Policy[], fee: bigint, nativeDecimals: number): { policy: Policy; cap: bigint } | undefined {
  const list: Entry<never>[] = []
  for (const p of policies) {
    if (!p.enabled || p.type !== 'FEE_CAP') continue
    const c = compiled(p)
    if (c.ok) list.push({ p, c: c.value as never })
  }
  const first = feeAbove(list, fee, nativeDecimals)[0]
  return first === undefined ? undefined : { policy: first.entry.p, cap: first.cap }
}

/**
 * Policies: add, list, show, update, remove (operator writes, audited, each bumping the policy revision) and
 * `policy test`, which runs the pipeline's own evaluation without recording or reserving anything.
 */
import { formatAmount } from '../../lib/amounts.js'
import type { PolicyView } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { canonicalPolicyType, policyTypeNames } from '../../lib/policy-fields.js'
import type { DaemonContext, Handler } from '../context.js'
import { effectiveNetwork } from '../networks.js'
import type { SubmitInput } from '../pipeline/plan.js'
import { usdText } from '../pipeline/view.js'
import { RESTRICTING_TYPES, validateRules } from '../policy/rules.js'
import type { PolicyType, Verdict } from '../policy/types.js'
import { appendAudit } from '../store/audit.js'
import { allPolicies, dropPolicyCache, getPolicy, insertPolicy, policyHistory, policyRevision, removePolicy, updatePolicy, type PolicyRow } from '../store/policies.js'
import { inTransaction } from '../store/statements.js'
import { walletSummary } from '../store/wallet-summary.js'
import { findWallet } from '../store/wallets.js'

function toView(ctx: DaemonContext, p: PolicyRow): PolicyView {
  const name = p.walletId === null ? null : (walletSummary(ctx.db, p.walletId)?.name ?? null)
  return {
    id: p.id,
    scope: p.walletId === null ? 'global' : p.network === null ? 'wallet' : 'wallet-network',
    walletId: p.walletId,
    walletName: name,
    network: p.network,
    type: p.type,
    rules: p.rules,
    version: p.version,
    enabled: p.enabled,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  }
}

/** Our name of a type given as ours (any case) or as one of the seed article's aliases; POLICY_INVALID otherwise. */
function policyType(type: string): PolicyType {
  const t = canonicalPolicyType(type)
  if (t === undefined) {
    throw new WaiaasError('POLICY_INVALID', `Unknown policy type "${type.slice(0, 64)}"; types are: ${policyTypeNames()}`, {
      details: { field: 'type', issue: 'unknown-type' },
      hint: '`waiaas policy create --help` lists every type and its fields.',
    })
  }
  return t
}

/** Runs a policy write with its audit entry in one transaction; the cache is dropped whatever happens. */
function writing<T>(ctx: DaemonContext, fn: () => T): T {
  try {
    return inTransaction(ctx.db, fn)
  } finally {
    dropPolicyCache(ctx.db)
  }
}

/**
 * An agent session may add a policy only when it can only tighten: a restricting type, for one of its wallets
 * (not global), at a scope that hides no enabled policy of the same type. Per type only the most specific scope
 * that has one counts, so a wallet-scope policy where only a global one exists would replace the global one.
 */
function assertOnlyTightens(ctx: DaemonContext, type: PolicyType, global: boolean, walletId: string | null, network: string | null): void {
  const refuse = (why: string, details: Record<string, unknown>): WaiaasError =>
    new WaiaasError('POLICY_NOT_STRICTER', `An agent session may add only policies that restrict: ${why}`, { details: { type, ...details } })
  if (global || walletId === null) throw refuse('a global policy would apply to wallets outside this session', { field: 'global' })
  if (!RESTRICTING_TYPES.includes(type)) {
    throw refuse(`${type} can allow what is now denied (its first policy lifts a default deny, or it covers a new asset)`, {
      field: 'type',
      restrictingTypes: RESTRICTING_TYPES,
    })
  }
  const same = [...allPolicies(ctx.db)].filter((q) => q.enabled && q.type === type)
  const atWallet = same.some((q) => q.walletId === walletId && q.network === null)
  const atWalletNetwork = network !== null && same.some((q) => q.walletId === walletId && q.network === network)
  const global_ = same.some((q) => q.walletId === null)
  const hides = network === null ? global_ && !atWallet : !atWalletNetwork && (atWallet || global_)
  if (hides) {
    throw refuse(`a ${network === null ? 'wallet' : 'wallet-and-network'} ${type} would replace the less specific ${type} that applies now; add it at that scope`, {
      field: network === null ? 'wallet' : 'network',
    })
  }
}

export const add: Handler<'policy.add'> = (ctx, p, caller) => {
  const type = policyType(p.type)
  if (caller.session !== undefined) {
    const walletId = p.global ? null : p.wallet === undefined ? null : findWallet(ctx.db, p.wallet).id
    const network = p.network === undefined ? null : effectiveNetwork(ctx.db, p.network).id
    assertOnlyTightens(ctx, type, p.global, walletId, network)
  }
  if (p.global === (p.wallet !== undefined)) {
    throw new WaiaasError('INPUT_INVALID', 'Give either `wallet` (optionally with `network`) or `global`', { details: { field: p.global ? 'global' : 'wallet' } })
  }
  if (p.global && p.network !== undefined) {
    throw new WaiaasError('INPUT_INVALID', 'A network scope needs a wallet: global policies apply to every network', { details: { field: 'network' } })
  }
  const walletId = p.wallet === undefined ? null : findWallet(ctx.db, p.wallet).id
  const network = p.network === undefined ? null : effectiveNetwork(ctx.db, p.network).id
  const rules = validateRules(type, p.rules)
  return writing(ctx, () => {
    const { policy, revision } = insertPolicy(ctx.db, caller.actor, { walletId, network, type, rules })
    appendAudit(ctx.db, { actor: caller.actor, action: 'policy.add', target: policy.id, outcome: 'ok', details: { type, walletId, network, rules, revision } })
    return { policy: toView(ctx, policy), revision }
  })
}

export const list: Handler<'policy.list'> = (ctx, p, caller) => {
  let rows = [...allPolicies(ctx.db)]
  // A session sees the global policies and those of its own wallets.
  const mine = caller.session?.walletIds
  if (mine !== undefined) rows = rows.filter((r) => r.walletId === null || mine.includes(r.walletId))
  if (p.wallet !== undefined) {
    const id = findWallet(ctx.db, p.wallet).id
    rows = rows.filter((r) => r.walletId === null || r.walletId === id)
  }
  if (p.type !== undefined) {
    const type = policyType(p.type)
    rows = rows.filter((r) => r.type === type)
  }
  return { policies: rows.map((r) => toView(ctx, r)), revision: policyRevision(ctx.db) }
}

export const show: Handler<'policy.show'> = (ctx, p) => {
  const policy = getPolicy(ctx.db, p.id)
  return { policy: toView(ctx, policy), history: policyHistory(ctx.db, p.id).map(({ removed: _r, ...h }) => h) }
}

export const update: Handler<'policy.update'> = (ctx, p, caller) => {
  const old = getPolicy(ctx.db, p.id)
  if (p.rules === undefined && p.enabled === undefined) {
    throw new WaiaasError('INPUT_INVALID', 'Nothing to update: give `rules` and/or `enabled`', { details: { field: 'rules' } })
  }
  const change: { rules?: Record<string, unknown>; enabled?: boolean } = {}
  if (p.rules !== undefined) change.rules = validateRules(old.type, p.rules)
  if (p.enabled !== undefined) change.enabled = p.enabled
  return writing(ctx, () => {
    const { policy, revision } = updatePolicy(ctx.db, caller.actor, p.id, change)
    appendAudit(ctx.db, { actor: caller.actor, action: 'policy.update', target: p.id, outcome: 'ok', details: { type: old.type, version: policy.version, ...change, revision } })
    return { policy: toView(ctx, policy), revision }
  })
}

export const remove: Handler<'policy.remove'> = (ctx, p, caller) =>
  writing(ctx, () => {
    const { policy, revision } = removePolicy(ctx.db, caller.actor, p.id)
    appendAudit(ctx.db, { actor: caller.actor, action: 'policy.remove', target: p.id, outcome: 'ok', details: { type: policy.type, revision } })
    return { removed: toView(ctx, policy), revision }
  })

const verdictView = (v: Verdict): { tier: Verdict['tier']; delaySeconds: number | null; rule: Verdict['rule']; reason: string; wouldPass: string | null } => ({
  tier: v.tier,
  delaySeconds: v.tier === 'DELAY' ? (v.delaySeconds ?? null) : null,
  rule: v.rule,
  reason: v.reason,
  wouldPass: v.wouldPass ?? null,
})

export const test: Handler<'policy.test'> = async (ctx, p, caller) => {
  let input: SubmitInput
  if (p.message !== undefined) input = { kind: 'sign-message', wallet: p.wallet, network: p.network, message: p.message, encoding: 'utf8' }
  else if (p.typedData !== undefined) input = { kind: 'sign-typed-data', wallet: p.wallet, network: p.network, typedData: p.typedData }
  else if (p.spender !== undefined) input = { kind: 'approve', wallet: p.wallet, network: p.network, token: p.token ?? '', spender: p.spender, amount: p.amount ?? '' }
  else if (p.data !== undefined || p.function !== undefined) {
    input = { kind: 'call', wallet: p.wallet, network: p.network, to: p.to ?? '', data: p.data, function: p.function, args: p.args, amount: p.amount }
  } else input = { kind: 'transfer', wallet: p.wallet, network: p.network, to: p.to ?? '', amount: p.amount ?? '', token: p.token }
  const r = await ctx.pipeline.test(input, caller.actor)
  return {
    tier: r.decision.tier,
    delaySeconds: r.decision.tier === 'DELAY' ? r.decision.delaySeconds : null,
    decisive: verdictView(r.decision.decisive),
    verdicts: r.decision.verdicts.map(verdictView),
    policyRevision: r.revision,
    usd: usdText(r.usdMicros),
    maxFee: r.maxFee === null ? null : formatAmount(r.maxFee, r.nativeDecimals),
    policies: r.policies,
  }
}

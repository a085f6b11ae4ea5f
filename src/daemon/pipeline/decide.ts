/**
 * Policy + reservation: the synchronous decision on a gathered request, shared by submit (recorded and reserved) and
 * `policy test` (nothing recorded). Evaluation reads the spend ledger and the row is reserved before any other request
 * can be evaluated, so cumulative limits cannot be raced. FEE_CAP at signing time and the session's cap live here too.
 */
import type { RequestKind, TxState } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import type { EffectiveNetwork } from '../networks.js'
import { applicablePolicies, evaluate, feeAboveCap } from '../policy/engine.js'
import type { PolicyFacts, PolicyRequest } from '../policy/types.js'
import { appendAudit } from '../store/audit.js'
import { allPolicies, policyRevision } from '../store/policies.js'
import { countOpen, getRequest, hasPaid, transition, type RequestPatch, type RequestRow, type StoredDecision } from '../store/requests.js'
import { inTransaction } from '../store/statements.js'
import type { PipelineCtx } from './context.js'
import type { Gathered } from './gather.js'
import type { Plan } from './plan.js'
import { sessionCap } from './session-cap.js'

/** Kinds that need the chain to be decided: for them, the rules that need no chain data are checked first, offline. */
export const OFFLINE_FIRST: readonly RequestKind[] = ['native-transfer', 'token-transfer', 'contract-call', 'token-approve', 'sign-tx']

/** A request as the offline pass sees it: no fee, no USD value, amounts that may be placeholders. */
export function offlineRequest(plan: Plan): PolicyRequest {
  return {
    walletId: plan.wallet.id,
    chain: plan.wallet.chain,
    network: plan.net.id,
    actions: plan.actions,
    maxFee: null,
    usdMicros: 0n,
    nativeValue: plan.nativeValue,
    nativeDecimals: plan.net.nativeDecimals,
    tokenDecimals: {},
  }
}

/** What the rules may ask about a wallet: spend so far (from the ledger), recent counts, open requests, past payees. */
export function facts(ctx: PipelineCtx, walletId: string, network: string, now: number): PolicyFacts {
  const db = ctx.env.db
  return {
    now,
    spent: ctx.ledger.spent(walletId, network, now),
    countSince: (seconds) => ctx.ledger.countSince(walletId, now, seconds),
    // Read only when a MAX_PENDING policy asks.
    get pending() {
      return countOpen(db, walletId)
    },
    knownRecipient: (to) => hasPaid(db, walletId, to),
  }
}

/**
 * Policy + reservation, inside the caller's transaction: evaluation, the row's new state, its audit entry and the
 * ledger's reservation happen in one synchronous block, before anything else can run. The ledger is updated at
 * once, so the next decision in the same transaction sees it; if that transaction fails, forget the ledger.
 */
export function decideWithin(
  ctx: PipelineCtx,
  id: string,
  gathered: Pick<Gathered, 'request' | 'patch'>,
  known?: RequestRow,
  persist: (state: TxState, patch: RequestPatch, now: number) => boolean = (state, patch, now) => transition(ctx.env.db, id, ['pending'], state, patch, now),
  opts: { offline?: boolean } = {},
): RequestRow | undefined {
  const { request } = gathered
  const db = ctx.env.db
  const result = ((): { counted: boolean; now: number; row: RequestRow } | undefined => {
    const row = known ?? getRequest(db, id)
    if (row.state !== 'pending') return undefined
    const now = ctx.now()
    const revision = policyRevision(db)
    const session = opts.offline === true ? undefined : sessionCap(db, row.actor, now)
    const decision = evaluate(request, applicablePolicies([...allPolicies(db)], row.walletId, row.network), facts(ctx, row.walletId, row.network, now), { ...opts, session })
    // The offline pass only ever denies; anything else waits for the decision with the chain's data.
    if (opts.offline === true && decision.tier !== 'DENY') return undefined
    const stored: StoredDecision = {
      tier: decision.tier,
      delaySeconds: decision.delaySeconds,
      reason: decision.decisive.reason,
      rule: decision.decisive.rule,
      wouldPass: decision.decisive.wouldPass ?? null,
      verdicts: decision.verdicts.map((v) => ({ tier: v.tier, reason: v.reason, rule: v.rule })),
      policyRevision: revision,
    }
    const counted = decision.tier !== 'DENY'
    const state: TxState =
      decision.tier === 'DENY' ? 'denied' : decision.tier === 'APPROVAL' ? 'awaiting_approval' : decision.tier === 'DELAY' ? 'queued' : 'approved'
    const ttl = decision.approvalTimeoutSeconds !== undefined ? decision.approvalTimeoutSeconds * 1000 : ctx.opts.approvalTtlMs
    const patch = {
      ...gathered.patch,
      tier: decision.tier,
      counted,
      usdMicros: request.usdMicros,
      decision: stored,
      policyRevision: revision,
      acceptedAt: counted ? now : null,
      delayUntil: decision.tier === 'DELAY' ? now + decision.delaySeconds * 1000 : null,
      expiresAt: decision.tier === 'APPROVAL' ? now + ttl : null,
    }
    // Not the transition helper: the row may not exist yet (`persist` then inserts nothing; the caller writes it whole).
    if (!persist(state, patch, now)) return undefined
    const decided: RequestRow = { ...row, ...patch, state, updatedAt: now }
    appendAudit(db, {
      actor: row.actor,
      action: 'tx.decision',
      target: id,
      outcome: counted ? 'ok' : 'denied',
      details: {
        kind: row.kind,
        network: row.network,
        tier: decision.tier,
        delaySeconds: decision.tier === 'DELAY' ? decision.delaySeconds : null,
        rule: stored.rule,
        reason: stored.reason,
        policyRevision: revision,
        to: row.summary.to,
        amount: row.summary.amount,
        token: row.summary.token,
        usdMicros: request.usdMicros?.toString() ?? null,
        contentHash: row.contentHash,
      },
    })
    return { counted, now, row: decided }
  })()
  if (result?.counted === true) {
    ctx.ledger.reserve(result.row.walletId, { acceptedAt: result.now, network: result.row.network, usdMicros: request.usdMicros, amounts: gathered.patch.amounts })
  }
  return result?.row
}

/** Policy + reservation as a transaction of its own. */
export function decide(ctx: PipelineCtx, id: string, gathered: Gathered): void {
  try {
    inTransaction(ctx.env.db, () => decideWithin(ctx, id, gathered))
  } catch (err) {
    ctx.ledger.forget()
    throw err
  }
  ctx.waiters.notify(id)
  ctx.crashHook('decided')
}

/** CHAIN_FEE_TOO_HIGH when `maxFee` (a fee known only now: signing later, a replacement) is above an applicable FEE_CAP. */
export function assertFeeCap(ctx: PipelineCtx, row: RequestRow, net: EffectiveNetwork, maxFee: bigint): void {
  const above = feeAboveCap(applicablePolicies([...allPolicies(ctx.env.db)], row.walletId, row.network), maxFee, net.nativeDecimals)
  if (above !== undefined) {
    const p = above.policy
    throw new WaiaasError('CHAIN_FEE_TOO_HIGH', `The fee now (${maxFee} minor units) is above FEE_CAP ${p.id} (${String(p.rules.max_fee)} ${net.nativeSymbol})`, {
      details: { policyId: p.id, maxFee: maxFee.toString() },
    })
  }
}

/** `policy test`: the same evaluation on the same facts as a submission, with nothing recorded or reserved. */
import { WaiaasError } from '../../lib/errors.js'
import { applicablePolicies, evaluate } from '../policy/engine.js'
import type { Decision, PolicyRequest } from '../policy/types.js'
import { allPolicies, policyRevision } from '../store/policies.js'
import type { Payload, PipelineCtx } from './context.js'
import { facts, offlineRequest, OFFLINE_FIRST } from './decide.js'
import { gather, type Judged } from './gather.js'
import type { SubmitInput, TestResult } from './facade-types.js'
import { buildPlan } from './plan.js'
import { sessionCap } from './session-cap.js'

/** What `policy test` reports. */
export type { TestResult } from './facade-types.js'

export async function policyTest(ctx: PipelineCtx, input: SubmitInput, actor: string): Promise<TestResult> {
  const db = ctx.env.db
  const draft = await buildPlan(ctx.env, input, { offline: true })
  if (OFFLINE_FIRST.includes(draft.kind)) {
    // What needs no chain data is answered offline: a denial here needs no node.
    const policies = applicablePolicies([...allPolicies(db)], draft.wallet.id, draft.net.id)
    const decision = evaluate(offlineRequest(draft), policies, facts(ctx, draft.wallet.id, draft.net.id, ctx.now()), { offline: true })
    if (decision.tier === 'DENY') return { decision, revision: policyRevision(db), usdMicros: null, maxFee: null, nativeDecimals: draft.net.nativeDecimals, policies: policies.map((p) => p.id) }
  }
  const plan = draft.complete ? draft : await buildPlan(ctx.env, input)
  const payload: Payload = { body: plan.body, tokens: plan.tokens, maxFee: plan.maxFee }
  const row: Judged = { kind: plan.kind, amounts: plan.amounts, actions: plan.actions, payload }
  let request: PolicyRequest
  try {
    request = (await gather(ctx, row, plan.wallet, plan.net, plan)).request
  } catch (err) {
    // A transaction the node would refuse (no funds, a revert) can still be judged by policy; its fee is unknown.
    if (!(err instanceof WaiaasError) || !['CHAIN_INSUFFICIENT_FUNDS', 'CHAIN_REVERTED', 'CHAIN_ERROR'].includes(err.code)) throw err
    request = (await gather(ctx, row, plan.wallet, plan.net, plan, { chain: false })).request
  }
  const policies = applicablePolicies([...allPolicies(db)], plan.wallet.id, plan.net.id)
  const now = ctx.now()
  const decision = evaluate(request, policies, facts(ctx, plan.wallet.id, plan.net.id, now), { session: sessionCap(db, actor, now) })
  return { decision, revision: policyRevision(db), usdMicros: request.usdMicros, maxFee: request.maxFee, nativeDecimals: plan.net.nativeDecimals, policies: policies.map((p) => p.id) }
}

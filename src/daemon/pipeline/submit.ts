/**
 * Submit: validate, record, decide and — when allowed at once — sign and broadcast. What needs no chain data is
 * decided first, offline; sign-only requests are recorded, decided and signed in one group-commit job.
 */
import { randomBytes } from 'node:crypto'
import { WaiaasError } from '../../lib/errors.js'
import { contentHash } from '../approval/owner.js'
import type { PreparedTx } from '../chains/types.js'
import { effectiveNetwork } from '../networks.js'
import { appendAudit } from '../store/audit.js'
import { findByIdempotencyKey, getRequest, insertPending, insertRequest, SIGN_ONLY_KINDS, type NewRequest, type RequestRow } from '../store/requests.js'
import { findWallet } from '../store/wallets.js'
import type { Payload, PipelineCtx } from './context.js'
import { decide, decideWithin, offlineRequest, OFFLINE_FIRST } from './decide.js'
import { execute } from './execute.js'
import { failUnlessTransient, finishFailed } from './fail.js'
import { gather, type Judged } from './gather.js'
import { signOnly } from './keys.js'
import { assertKillSwitchOff, killSwitch } from './killswitch.js'
import { buildPlan, type Plan, type SubmitInput } from './plan.js'

/** Validates, records, decides and (when allowed at once) signs and broadcasts. POLICY_DENIED for a denial. */
export async function submit(ctx: PipelineCtx, input: SubmitInput, actor: string): Promise<RequestRow> {
  const db = ctx.env.db
  assertKillSwitchOff(ctx, actor, input.kind)
  const key = 'idempotencyKey' in input ? (input.idempotencyKey ?? null) : null
  // What needs no chain data is decided before any RPC call: a network, recipient or contract the policies refuse
  // is denied at once, even when that network's node is down.
  const draft = await buildPlan(ctx.env, input, { offline: true })
  if (OFFLINE_FIRST.includes(draft.kind)) {
    const denied = await denyOffline(ctx, draft, key, actor)
    if (denied !== undefined) return denied
  }
  const plan = draft.complete ? draft : await buildPlan(ctx.env, input)
  const payload: Payload = { body: plan.body, tokens: plan.tokens, maxFee: plan.maxFee }
  const hash = contentHash({ walletId: plan.wallet.id, network: plan.net.id, kind: plan.kind, body: plan.body })
  if (key !== null) {
    const existing = findByIdempotencyKey(db, plan.wallet.id, key)
    if (existing !== undefined) return replay(existing, hash, key)
  }
  if (SIGN_ONLY_KINDS.includes(plan.kind)) return submitSignOnly(ctx, plan, payload, hash, key, actor)
  const id = newId()
  const inserted = insertPending(db, newRequest(ctx, id, plan, payload, hash, key, actor))
  if (!inserted && key !== null) {
    const existing = findByIdempotencyKey(db, plan.wallet.id, key)
    if (existing !== undefined) return replay(existing, hash, key)
  }
  ctx.waiters.notify(id)
  let hint: PreparedTx | undefined
  const work = (async () => {
    try {
      const gathered = await gather(ctx, getRequest(db, id), plan.wallet, plan.net, plan)
      hint = gathered.prepared
      decide(ctx, id, gathered)
    } catch (err) {
      // Nothing was reserved yet; the row records why it went no further and the caller gets the error.
      const e = err instanceof WaiaasError ? err : new WaiaasError('INTERNAL', 'Internal error', { cause: err })
      finishFailed(ctx, getRequest(db, id), ['pending'], { code: e.code, reason: e.message })
      throw err
    }
  })()
  await ctx.work.track(`d:${id}`, () => work)
  let row = getRequest(db, id)
  if (row.state === 'denied') throw denial(row)
  if (row.state === 'approved') {
    await execute(ctx, id, hint)
    row = getRequest(db, id)
  }
  if (row.state === 'failed' && row.error !== null && !SIGN_ONLY_KINDS.includes(row.kind)) {
    // Failed before it reached the chain (e.g. insufficient funds): the caller learns why, the row stays.
    throw new WaiaasError(row.error.code as never, row.error.reason, { details: { id: row.id, state: row.state } })
  }
  return row
}

/** After a restart (or a sweep): a request that was recorded but not decided is decided now. */
export async function redecide(ctx: PipelineCtx, row: RequestRow): Promise<void> {
  try {
    const wallet = findWallet(ctx.env.db, row.walletId)
    const net = effectiveNetwork(ctx.env.db, row.network)
    decide(ctx, row.id, await gather(ctx, row, wallet, net))
    if (getRequest(ctx.env.db, row.id).state === 'approved') await execute(ctx, row.id)
  } catch (err) {
    failUnlessTransient(ctx, row.id, ['pending'], err)
  }
}

const newId = (): string => `req_${randomBytes(10).toString('hex')}`

/**
 * Sign-only requests (messages, typed data, caller-built transactions) need nothing from a node, so they are
 * recorded, decided and — when allowed at once — signed in one job of the group commit: one transaction, one
 * fsync shared with the other requests of the same moment. The signature leaves the daemon only after the commit.
 */
async function submitSignOnly(ctx: PipelineCtx, plan: Plan, payload: Payload, hash: string, key: string | null, actor: string): Promise<RequestRow> {
  const db = ctx.env.db
  const signer = await ctx.env.chains.offlineSigner(plan.net.family)
  const id = newId()
  const skeleton: Judged = { kind: plan.kind, amounts: plan.amounts, actions: plan.actions, payload }
  const gathered = await gather(ctx, skeleton, plan.wallet, plan.net, plan)
  const out = await ctx.commits.run((): { row: RequestRow; replayed: boolean } => {
    if (key !== null) {
      const existing = findByIdempotencyKey(db, plan.wallet.id, key)
      if (existing !== undefined) return { row: existing, replayed: true }
    }
    const pending = pendingRow(ctx, id, plan, payload, hash, key, actor)
    // The row is written once, in the state it ends this transaction in (pending never shows: nothing here waits).
    let row = decideWithin(ctx, id, gathered, pending, () => true)
    if (row === undefined) throw new WaiaasError('INTERNAL', 'a sign-only request was not decided')
    let signed = false
    if (row.state === 'approved' && !killSwitch(ctx).on && !ctx.env.keyring.locked) {
      const { signature, raw } = signOnly(ctx, row, plan.wallet, signer)
      row = { ...row, state: 'signed', signature, raw, updatedAt: ctx.now() }
      signed = true
    }
    // Written whole rather than moved (the transition helper): this transaction creates the row in its final state.
    insertRequest(db, row)
    if (signed) appendAudit(db, { actor: 'daemon', action: 'tx.signed', target: id, outcome: 'ok', details: { kind: row.kind, network: row.network, txHash: null } }, new Date(row.updatedAt))
    return { row, replayed: false }
  })
  if (out.replayed) return replay(out.row, hash, key ?? '')
  ctx.waiters.notify(id)
  if (out.row.state === 'denied') throw denial(out.row)
  return out.row
}

/**
 * The offline pass of a request that needs the chain (see `submit`): when a rule that needs no chain data denies
 * it, the request is recorded as denied (with its idempotency key) and POLICY_DENIED is thrown, before any RPC call.
 * Undefined when nothing denied it offline, or when its idempotency key is taken (the full path replays that).
 */
async function denyOffline(ctx: PipelineCtx, plan: Plan, key: string | null, actor: string): Promise<RequestRow | undefined> {
  const db = ctx.env.db
  const payload: Payload = { body: plan.body, tokens: plan.tokens, maxFee: plan.maxFee }
  const hash = contentHash({ walletId: plan.wallet.id, network: plan.net.id, kind: plan.kind, body: plan.body })
  const id = newId()
  const gathered = { request: offlineRequest(plan), patch: { actions: plan.actions, amounts: [], payload } }
  const row = await ctx.commits.run((): RequestRow | undefined => {
    if (key !== null && findByIdempotencyKey(db, plan.wallet.id, key) !== undefined) return undefined
    const denied = decideWithin(ctx, id, gathered, pendingRow(ctx, id, plan, payload, hash, key, actor), () => true, { offline: true })
    if (denied !== undefined) insertRequest(db, denied)
    return denied
  })
  if (row === undefined) return undefined
  ctx.waiters.notify(id)
  throw denial(row)
}

/** The whole row of a request that is written only once decided (sign-only requests, offline denials). */
function pendingRow(ctx: PipelineCtx, id: string, plan: Plan, payload: Payload, hash: string, key: string | null, actor: string): RequestRow {
  const fresh = newRequest(ctx, id, plan, payload, hash, key, actor)
  return {
    ...fresh,
    state: 'pending',
    tier: null,
    usdMicros: null,
    counted: false,
    decision: null,
    policyRevision: null,
    delayUntil: null,
    expiresAt: null,
    prepared: null,
    raw: null,
    txHash: null,
    hashes: [],
    signature: null,
    error: null,
    acceptedAt: null,
    updatedAt: fresh.createdAt,
  }
}

/** The row a plan becomes. */
function newRequest(ctx: PipelineCtx, id: string, plan: Plan, payload: Payload, hash: string, key: string | null, actor: string): NewRequest {
  return {
    id,
    walletId: plan.wallet.id,
    network: plan.net.id,
    kind: plan.kind,
    idempotencyKey: key,
    contentHash: hash,
    payload,
    summary: plan.summary,
    actions: plan.actions,
    amounts: plan.amounts,
    recipient: plan.recipient,
    actor,
    createdAt: ctx.now(),
  }
}

/** The same idempotency key again: the same request, or IDEMPOTENCY_CONFLICT when it asked for something else. */
function replay(existing: RequestRow, hash: string, key: string): RequestRow {
  if (existing.contentHash !== hash) {
    throw new WaiaasError('IDEMPOTENCY_CONFLICT', `Idempotency key "${key}" was used for a different request (${existing.id})`, {
      details: { id: existing.id, idempotencyKey: key },
    })
  }
  if (existing.state === 'denied') throw denial(existing)
  return existing
}

function denial(row: RequestRow): WaiaasError {
  const d = row.decision
  return new WaiaasError('POLICY_DENIED', d?.reason ?? 'Denied by policy', {
    details: { id: row.id, tier: 'DENY', rule: d?.rule ?? null, reason: d?.reason ?? null, wouldPass: d?.wouldPass ?? null, policyRevision: d?.policyRevision ?? null },
    ...(d?.wouldPass ? { hint: `${d.wouldPass}. See \`waiaas policy test\` for every rule that applies.` } : {}),
  })
}

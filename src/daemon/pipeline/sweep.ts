/**
 * The sweep, and the resume after a restart: every request is taken on from its stored state — pending ones decided,
 * approved ones signed, signed ones (re)broadcast (the same bytes, so never twice), submitted ones followed.
 */
import { allNonceLanes } from '../store/nonce-lanes.js'
import { dueDelays, dueExpiries, requestsInState } from '../store/requests.js'
import { listWallets } from '../store/wallets.js'
import { preparedOf, type PipelineCtx } from './context.js'
import { execute } from './execute.js'
import { follow } from './follow.js'
import { killSwitch } from './killswitch.js'
import { expireIfDue } from './operator.js'
import { redecide } from './submit.js'
import { move } from './transition.js'

/** After a restart: the spend ledger loaded, nonces reconciled, and every request recorded but not decided taken on. */
export async function resume(ctx: PipelineCtx): Promise<void> {
  const t0 = Date.now()
  for (const w of listWallets(ctx.env.db)) ctx.ledger.load(w.id, ctx.now())
  if (Date.now() - t0 > 200) ctx.env.log.info('spend ledger loaded', { ms: Date.now() - t0 })
  await reconcileNonces(ctx)
  for (const row of requestsInState(ctx.env.db, 'pending', 10_000)) void ctx.work.track(`d:${row.id}`, () => redecide(ctx, row)).catch(() => undefined)
}

/**
 * An EVM nonce handed out just before a crash, but never recorded with its request, would leave a gap that blocks
 * every later transaction of the account. Every recent nonce that no stored request holds is given back; the nonce
 * manager drops those the chain has already used when the account's lane starts.
 */
async function reconcileNonces(ctx: PipelineCtx): Promise<void> {
  const db = ctx.env.db
  const lanes = allNonceLanes(db)
  if (lanes.length === 0) return
  const held = new Set<string>()
  for (const state of ['approved', 'signed', 'submitted'] as const) {
    for (const row of requestsInState(db, state, 100_000, { sentOnly: true })) {
      const tx = preparedOf(row)
      const u = tx?.unsigned
      if (typeof u?.chainId === 'string' && typeof u.nonce === 'string' && /^\d+$/.test(u.nonce) && typeof tx?.from === 'string') {
        held.add(`${u.chainId}:${tx.from.toLowerCase()}:${u.nonce}`)
      }
    }
  }
  const nonces = await ctx.env.chains.nonceManager()
  for (const lane of lanes) {
    for (let n = Math.max(0, lane.next_nonce - 256); n < lane.next_nonce; n++) {
      if (!held.has(`${lane.chain_id}:${lane.address}:${n}`)) await nonces.release(lane.chain_id, lane.address, BigInt(n))
    }
  }
}

/** One sweep: expiries, due delays, held work, broadcasts to retry and confirmations to read. */
export async function sweep(ctx: PipelineCtx): Promise<void> {
  const db = ctx.env.db
  try {
    const now = ctx.now()
    for (const row of dueExpiries(db, now)) expireIfDue(ctx, row)
    const held = killSwitch(ctx).on
    if (!held) {
      for (const row of dueDelays(db, now)) {
        const moved = move(ctx, row.id, { from: ['queued'], to: 'approved', audit: { actor: 'daemon', action: 'tx.delay-elapsed', outcome: 'ok', details: {} } })
        if (moved) ctx.waiters.notify(row.id)
      }
      for (const row of requestsInState(db, 'pending')) void ctx.work.track(`d:${row.id}`, () => redecide(ctx, row)).catch(() => undefined)
      if (!ctx.env.keyring.locked) for (const row of requestsInState(db, 'approved')) void execute(ctx, row.id)
      for (const row of requestsInState(db, 'signed', 500, { sentOnly: true })) void execute(ctx, row.id)
    }
    const follows = requestsInState(db, 'submitted').map((row) => ctx.work.track(`f:${row.id}`, () => follow(ctx, row)))
    await Promise.allSettled(follows)
  } catch (err) {
    ctx.env.log.error('pipeline sweep failed', { error: err instanceof Error ? err.message : String(err) })
  }
}

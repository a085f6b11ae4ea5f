/**
 * Execute: an approved request is signed, its signed bytes stored, then broadcast from what was stored, so a crash
 * between the two resumes without signing twice. Nonces are taken only here, and recorded before signing.
 */
import { WaiaasError } from '../../lib/errors.js'
import type { ChainAdapter, PreparedTx } from '../chains/types.js'
import { effectiveNetwork } from '../networks.js'
import type { Action } from '../policy/types.js'
import { findWallet, type WalletRow } from '../store/wallets.js'
import { getRequest, patchRequest, SIGN_ONLY_KINDS, type RequestRow } from '../store/requests.js'
import { payloadOf, preparedOf, type PipelineCtx } from './context.js'
import { assertFeeCap } from './decide.js'
import { uncovered } from './effects.js'
import { failUnlessTransient } from './fail.js'
import { callerTx } from './gather.js'
import { signOnly, signWith } from './keys.js'
import { killSwitch } from './killswitch.js'
import { move } from './transition.js'

/** Runs the next stages of an approved or signed request; concurrent calls for one request share one run. */
export function execute(ctx: PipelineCtx, id: string, hint?: PreparedTx): Promise<void> {
  return ctx.work.track(`x:${id}`, () => runExecute(ctx, id, hint))
}

async function runExecute(ctx: PipelineCtx, id: string, hint?: PreparedTx): Promise<void> {
  let row = getRequest(ctx.env.db, id)
  try {
    if (row.state === 'approved') row = await signStage(ctx, row, hint)
    if (row.state === 'signed' && !SIGN_ONLY_KINDS.includes(row.kind)) row = await broadcastStage(ctx, row)
  } catch (err) {
    failUnlessTransient(ctx, id, ['approved', 'signed'], err)
  }
}

async function signStage(ctx: PipelineCtx, row: RequestRow, hint?: PreparedTx): Promise<RequestRow> {
  const db = ctx.env.db
  if (killSwitch(ctx).on) return row
  const dataKey = ctx.env.keyring.heldDataKey()
  const wallet = findWallet(db, row.walletId)
  const net = effectiveNetwork(db, row.network)
  const payload = payloadOf(row)
  if (SIGN_ONLY_KINDS.includes(row.kind)) {
    if (row.kind === 'sign-tx') {
      // Decided a while ago (a delay, an approval): what the transaction does now must still be what was decided.
      await assertEffectCovered(row, wallet, await ctx.env.chains.adapter(net), callerTx(payload.body), payload.maxFee ?? 0n)
    }
    const { signature, raw } = signOnly(ctx, row, wallet, await ctx.env.chains.offlineSigner(net.family))
    return commitSigned(ctx, row, { signature, raw, txHash: null, hashes: [] })
  }
  const adapter = await ctx.env.chains.adapter(net)
  let tx = preparedOf(row) ?? hint
  if (tx === undefined) {
    tx = await adapter.prepareToDecide(wallet.address, payload.body.intent as PreparedTx['intent'])
    assertFeeCap(ctx, row, net, tx.fee.maxFee)
  }
  // Signed at once after its decision (the hint), the transaction is the one just simulated; signed later, it is
  // simulated again, and signed only while its effect stays within what was decided.
  if (hint === undefined && payload.effects === 'simulated') await assertEffectCovered(row, wallet, adapter, tx.unsigned, tx.fee.maxFee)
  if (!adapter.hasNonce(tx)) {
    tx = await adapter.assignNonce(tx)
    ctx.crashHook('nonce')
    // The nonce is recorded before signing, so a crash from here on reuses it instead of leaving a gap.
    if (!patchRequest(db, row.id, 'approved', { prepared: tx }, ctx.now())) {
      await adapter.releaseNonce(tx)
      return getRequest(db, row.id)
    }
  }
  const signed = await signWith(ctx, adapter, wallet, tx, dataKey)
  if (killSwitch(ctx).on) return getRequest(db, row.id)
  const next = commitSigned(ctx, row, { raw: signed.raw, txHash: signed.hash, hashes: [signed.hash], prepared: tx, signature: null })
  // Moved on while it was being signed (cancelled, rejected, failed): its nonce is given back.
  if (next.state === 'cancelled' || next.state === 'rejected' || next.state === 'failed') await adapter.releaseNonce(tx)
  return next
}

/**
 * Simulates `unsigned` again and refuses (POLICY_EFFECT_CHANGED) when it now moves more out of the wallet, grants
 * more, or changes an authority, beyond the actions the decision judged; or when it can no longer be simulated.
 */
async function assertEffectCovered(row: RequestRow, wallet: WalletRow, adapter: ChainAdapter, unsigned: Record<string, unknown>, maxFee: bigint): Promise<void> {
  const report = await adapter.simulateEffects(wallet.address, unsigned, maxFee)
  if (report.status === 'simulated') {
    const extra = uncovered(row.actions, report.actions)
    if (extra.length === 0) return
    throw new WaiaasError('POLICY_EFFECT_CHANGED', `Request ${row.id} was not signed: simulated now, it does more than was decided (${describeExtra(extra)})`, {
      details: { id: row.id, extra: extra.map((a) => ({ ...a, ...('amount' in a ? { amount: a.amount.toString() } : {}), ...('value' in a ? { value: a.value.toString() } : {}) })) },
    })
  }
  if (payloadOf(row).effects !== 'simulated') return
  throw new WaiaasError('POLICY_EFFECT_CHANGED', `Request ${row.id} was not signed: it ${report.status === 'reverted' ? `now reverts in simulation (${report.reason ?? 'reverted'})` : 'can no longer be simulated'}, so its effect cannot be checked`, {
    details: { id: row.id, simulation: report.status },
  })
}

/** approved → signed with the signature or raw bytes and its audit entry, in one transaction. */
function commitSigned(
  ctx: PipelineCtx,
  row: RequestRow,
  s: { raw: string | null; txHash: string | null; hashes: string[]; signature: string | null; prepared?: PreparedTx },
): RequestRow {
  const moved = move(ctx, row.id, {
    from: ['approved'],
    to: 'signed',
    patch: { raw: s.raw, txHash: s.txHash, hashes: s.hashes, signature: s.signature, ...(s.prepared ? { prepared: s.prepared } : {}) },
    audit: { actor: 'daemon', action: 'tx.signed', outcome: 'ok', details: { kind: row.kind, network: row.network, txHash: s.txHash } },
  })
  if (moved) {
    ctx.waiters.notify(row.id)
    ctx.crashHook('signed')
  }
  return getRequest(ctx.env.db, row.id)
}

async function broadcastStage(ctx: PipelineCtx, row: RequestRow): Promise<RequestRow> {
  const db = ctx.env.db
  if (killSwitch(ctx).on || row.raw === null || row.txHash === null) return row
  const adapter = await ctx.env.chains.adapter(effectiveNetwork(db, row.network))
  try {
    await adapter.broadcast({ raw: row.raw, hash: row.txHash })
  } catch (err) {
    const tx = preparedOf(row)
    const reason = await adapter.rebuildReason(err, tx, () => tx?.from ?? findWallet(db, row.walletId).address)
    if (reason === null) throw err
    // These bytes can never land: build and sign again under the same decision.
    move(ctx, row.id, {
      from: ['signed'],
      to: 'approved',
      patch: { raw: null, txHash: null, hashes: [], prepared: null },
      audit: { actor: 'daemon', action: 'tx.rebuild', outcome: 'ok', details: { reason } },
    })
    return getRequest(db, row.id)
  }
  ctx.crashHook('broadcast')
  move(ctx, row.id, { from: ['signed'], to: 'submitted', audit: { actor: 'daemon', action: 'tx.submitted', outcome: 'ok', details: { network: row.network, txHash: row.txHash } } })
  ctx.waiters.notify(row.id)
  ctx.crashHook('submitted')
  return getRequest(db, row.id)
}

/** A short list of effects for a message. */
function describeExtra(actions: Action[]): string {
  return actions
    .slice(0, 3)
    .map((a) => {
      switch (a.kind) {
        case 'native-transfer':
          return `${a.amount} native units to ${a.to}`
        case 'token-transfer':
          return `${a.amount} of token ${a.token} to ${a.to}`
        case 'token-approve':
          return `an allowance of token ${a.token} for ${a.spender}`
        case 'authority-change':
          return a.what
        default:
          return a.kind
      }
    })
    .join('; ')
}

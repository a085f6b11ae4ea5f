/** The kill switch: kept in memory (the pipeline is its only writer) and persisted in meta, with its audit entry. */
import { WaiaasError } from '../../lib/errors.js'
import { appendAudit } from '../store/audit.js'
import { getMeta, setMeta } from '../store/meta.js'
import { inTransaction } from '../store/statements.js'
import type { KillSwitchState, PipelineCtx } from './context.js'

const KILL_KEY = 'killswitch'

export function killSwitch(ctx: PipelineCtx): KillSwitchState {
  ctx.kill ??= getMeta<KillSwitchState>(ctx.env.db, KILL_KEY) ?? { on: false, since: null, actor: null, reason: null }
  return ctx.kill
}

export function setKillSwitch(ctx: PipelineCtx, on: boolean, actor: string, reason: string | null): KillSwitchState {
  const db = ctx.env.db
  const state: KillSwitchState = on ? { on: true, since: new Date(ctx.now()).toISOString(), actor, reason } : { on: false, since: null, actor, reason: null }
  inTransaction(db, () => {
    setMeta(db, KILL_KEY, state)
    appendAudit(db, { actor, action: on ? 'killswitch.on' : 'killswitch.off', outcome: 'ok', details: reason === null ? {} : { reason } })
  })
  ctx.kill = state
  return state
}

/** KILL_SWITCH_ON (audited) when the switch is on: no request is accepted. */
export function assertKillSwitchOff(ctx: PipelineCtx, actor: string, kind: string): void {
  if (!killSwitch(ctx).on) return
  appendAudit(ctx.env.db, { actor, action: 'tx.request', outcome: 'denied', details: { kind, reason: 'kill switch on' } })
  throw new WaiaasError('KILL_SWITCH_ON', 'The kill switch is on: no request is accepted or signed', { details: { kind } })
}

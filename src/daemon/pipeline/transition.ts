/**
 * The one way a request changes state: the compare-and-set of its row and its audit entry, in one transaction (if
 * the audit write fails, the change did not happen). Every stage of the pipeline moves a request through here.
 */
import type { TxState } from '../../lib/contract/index.js'
import { appendAudit, type AuditInput } from '../store/audit.js'
import { transition, type RequestPatch } from '../store/requests.js'
import { inTransaction } from '../store/statements.js'
import type { PipelineCtx } from './context.js'

export interface Move {
  /** The states the request must still be in (the precondition); `to` equal to its one state only patches the row. */
  from: readonly TxState[]
  to: TxState
  patch?: RequestPatch
  /** The audit entry written when the row moved; its target is the request. */
  audit: Omit<AuditInput, 'target'>
  /** Runs first, in the same transaction (e.g. consuming a single-use nonce); when it throws, nothing moves. */
  inside?: () => void
}

/** Moves request `id` as `m` says, with its audit entry, in one transaction. Returns whether it moved. */
export function move(ctx: PipelineCtx, id: string, m: Move): boolean {
  const db = ctx.env.db
  return inTransaction(db, () => {
    m.inside?.()
    // One clock for the row and its audit entry (the daemon's: the wall clock, or the test clock in tests).
    const now = ctx.now()
    const ok = transition(db, id, m.from, m.to, m.patch ?? {}, now)
    if (ok) appendAudit(db, { ...m.audit, target: id }, new Date(now))
    return ok
  })
}

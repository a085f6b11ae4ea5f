import type { Handler } from '../context.js'
import { listAudit, verifyAudit } from '../store/audit.js'

export const list: Handler<'audit.list'> = (ctx, params) => {
  const opts: { limit: number; beforeSeq?: number; action?: string } = { limit: params.limit }
  if (params.beforeSeq !== undefined) opts.beforeSeq = params.beforeSeq
  if (params.action !== undefined) opts.action = params.action
  return {
    entries: listAudit(ctx.db, opts).map((e) => ({
      seq: e.seq,
      ts: e.ts,
      actor: e.actor,
      action: e.action,
      target: e.target,
      outcome: e.outcome,
      details: e.details,
      hash: e.hash,
    })),
  }
}

export const verify: Handler<'audit.verify'> = (ctx) => verifyAudit(ctx.db)

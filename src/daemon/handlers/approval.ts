import { createApprovalLink } from '../approval/link.js'
import type { Handler } from '../context.js'

export const approvalLink: Handler<'tx.approvalLink'> = (ctx, p, caller) => createApprovalLink(ctx, p.id, caller.actor)

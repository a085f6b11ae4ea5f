/** `sign.*`: signing without broadcasting, through the one pipeline (policy-checked like a send). */
import type { Handler } from '../context.js'
import { auditedRefusal } from '../policy/message-guard.js'
import { submit } from '../request-view.js'

export const message: Handler<'sign.message'> = (ctx, p, caller) => auditedRefusal(ctx.db, caller.actor, () => submit(ctx, { kind: 'sign-message', ...p }, caller.actor))
export const typedData: Handler<'sign.typedData'> = (ctx, p, caller) => submit(ctx, { kind: 'sign-typed-data', ...p }, caller.actor)
export const tx: Handler<'sign.tx'> = (ctx, p, caller) => submit(ctx, { kind: 'sign-tx', ...p }, caller.actor)

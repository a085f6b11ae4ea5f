/** `killswitch.*`: stop all signing at once, resume it, see whether it is on. */
import type { Handler } from '../context.js'

export const on: Handler<'killswitch.on'> = (ctx, p, caller) => ctx.pipeline.setKillSwitch(true, caller.actor, p.reason ?? null)
export const off: Handler<'killswitch.off'> = (ctx, _p, caller) => ctx.pipeline.setKillSwitch(false, caller.actor, null)
export const status: Handler<'killswitch.status'> = (ctx) => ctx.pipeline.killSwitch()

import type { Handler } from '../context.js'

export const list: Handler<'plugin.list'> = (ctx) => ({ plugins: ctx.plugins.list() })

export const enable: Handler<'plugin.enable'> = (ctx, p, caller) =>
  ctx.plugins.enable(p.name, { host: p.host, port: p.port, allowNonLoopback: p.allowNonLoopback }, caller.actor)

export const disable: Handler<'plugin.disable'> = (ctx, p, caller) => ctx.plugins.disable(p.name, caller.actor)

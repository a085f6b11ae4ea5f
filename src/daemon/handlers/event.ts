import type { Handler } from '../context.js'
import { viewerOf } from '../events/scope.js'
import { waitEvents } from '../events/wait.js'

export const wait: Handler<'event.wait'> = (ctx, params, caller) => waitEvents(ctx, viewerOf(caller), params, caller.signal)

/** Callers waiting for a request to become final, woken by every change the pipeline makes to it. */
import { getRequest, isFinal, type RequestRow } from '../store/requests.js'
import type { PipelineCtx } from './context.js'
import { follow } from './follow.js'

export class Waiters {
  private readonly waiting = new Map<string, Set<() => void>>()

  /** Wakes everyone waiting on request `id`. */
  notify(id: string): void {
    const set = this.waiting.get(id)
    if (set !== undefined) for (const fn of [...set]) fn()
  }

  /** Resolves after `ms`, or sooner when request `id` changes. */
  sleep(id: string, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let set = this.waiting.get(id)
      if (set === undefined) this.waiting.set(id, (set = new Set()))
      const done = (): void => {
        clearTimeout(timer)
        set?.delete(done)
        if (set?.size === 0) this.waiting.delete(id)
        resolve()
      }
      const timer = setTimeout(done, ms)
      set.add(done)
    })
  }
}

/** Resolves when request `id` is final or `timeoutMs` passed. */
export async function wait(ctx: PipelineCtx, id: string, timeoutMs: number): Promise<RequestRow> {
  const deadline = Date.now() + timeoutMs
  // While submitted, look again soon and then less often: a local chain confirms in milliseconds, others in seconds.
  let poll = 5
  for (;;) {
    let row = getRequest(ctx.env.db, id)
    if (row.state === 'submitted') {
      // Someone is waiting: look now rather than at the next sweep.
      const submitted = row
      await ctx.work.track(`f:${id}`, () => follow(ctx, submitted))
      row = getRequest(ctx.env.db, id)
    }
    const left = deadline - Date.now()
    if (isFinal(row.kind, row.state) || left <= 0 || ctx.stopped) return row
    if (row.state === 'submitted') poll = Math.min(poll * 2, 1000)
    await ctx.waiters.sleep(id, Math.min(left, row.state === 'submitted' ? Math.min(poll, ctx.opts.tickMs) : 1000))
  }
}

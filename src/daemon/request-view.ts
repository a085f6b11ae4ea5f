/**
 * A transaction request as the handlers return it: the pipeline's view of its row with its wallet's name and address
 * (a deleted wallet shows as such). Shared by the `tx.*` and `sign.*` handlers, which submit through the one pipeline.
 */
import type { DaemonContext } from './context.js'
import type { SubmitInput } from './pipeline/plan.js'
import { requestView } from './pipeline/view.js'
import type { RequestRow } from './store/requests.js'
import { walletSummary } from './store/wallet-summary.js'

/** The view of a row, with its wallet's name and address (a deleted wallet shows as such). */
export function view(ctx: DaemonContext, row: RequestRow): ReturnType<typeof requestView> {
  const w = walletSummary(ctx.db, row.walletId)
  return requestView(row, w)
}

/** Submits a request to the pipeline as `actor` and returns its view. */
export const submit = async (ctx: DaemonContext, input: SubmitInput, actor: string): Promise<ReturnType<typeof requestView>> => view(ctx, await ctx.pipeline.submit(input, actor))

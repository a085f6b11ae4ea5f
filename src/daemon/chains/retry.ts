import type { WaiaasError } from '../../lib/errors.js'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `fn` (which throws WaiaasErrors), retrying while the node cannot be reached (CHAIN_RPC_UNREACHABLE) after
 * each of `delays` ms; an error the node answered with is never retried. The final error carries
 * `details.attempts`. Shared by both chain adapters; use it for reads only, never for sends.
 */
export async function retryUnreachable<T>(delays: readonly number[], fn: () => Promise<T>): Promise<T> {
  let last: WaiaasError | undefined
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    try {
      return await fn()
    } catch (err) {
      const e = err as WaiaasError
      if (e.code !== 'CHAIN_RPC_UNREACHABLE') throw e
      last = e
      const delay = delays[attempt]
      if (delay !== undefined) await sleep(delay)
    }
  }
  if (last !== undefined) last.details.attempts = delays.length + 1
  throw last ?? new Error('retryUnreachable: no attempt was made')
}

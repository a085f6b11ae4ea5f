/** Work in flight: one run per key at a time (decide `d:`, execute `x:`, follow `f:` of a request). */
import { WaiaasError } from '../../lib/errors.js'
import type { PipelineEnv } from './context.js'

/** Errors after which the same stage is simply tried again on the next sweep. */
export const TRANSIENT = new Set(['CHAIN_RPC_UNREACHABLE', 'CHAIN_RATE_LIMITED', 'KEYSTORE_LOCKED', 'KILL_SWITCH_ON'])

export class InFlight {
  private readonly running = new Map<string, Promise<void>>()

  constructor(private readonly log: PipelineEnv['log']) {}

  /** Runs `fn` once per key at a time; a second caller gets the running promise. Errors are logged, not thrown (but a decision's are). */
  track(key: string, fn: () => Promise<void>): Promise<void> {
    const running = this.running.get(key)
    if (running !== undefined) return running
    const p = fn()
      .catch((err: unknown) => {
        const e = err instanceof WaiaasError ? err : undefined
        if (e === undefined || e.code === 'INTERNAL') this.log.error('pipeline step failed', { key, error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
        else if (!TRANSIENT.has(e.code)) this.log.warn('pipeline step failed', { key, code: e.code })
        if (key.startsWith('d:')) throw err
      })
      .finally(() => this.running.delete(key))
    this.running.set(key, p)
    return p
  }

  /** Whether work under `key` is running now. */
  has(key: string): boolean {
    return this.running.has(key)
  }

  /** Resolves when everything running now has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running.values()])
  }
}

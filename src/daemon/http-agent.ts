/**
 * The daemon's outgoing HTTP (notification channels, the CoinGecko price source) goes through undici. undici is
 * loaded on the first request, not at start-up: it is about 110 files and 150 ms of CPU, and a daemon without a
 * notification channel or a price source never sends a request. Each user keeps its own dispatcher (an `Agent`
 * with its own timeouts and pool), also made on first use.
 */
import type { Agent } from 'undici'

export type Undici = typeof import('undici')

/** undici's request options, less the dispatcher (the agent's own). */
export type RequestOptions = Omit<NonNullable<Parameters<Undici['request']>[1]>, 'dispatcher'>

let loading: Promise<Undici> | undefined

/** undici, imported once per process. */
export function undici(): Promise<Undici> {
  loading ??= import('undici')
  return loading
}

/** A dispatcher made on first use; `close()` closes it if it was ever made. */
export class LazyAgent {
  private agent: Promise<Agent> | undefined

  constructor(private readonly options: Agent.Options) {}

  get(): Promise<Agent> {
    this.agent ??= undici().then(({ Agent: Dispatcher }) => new Dispatcher(this.options))
    return this.agent
  }

  /** undici's `request` through this dispatcher (both made on first use). */
  async request(url: string, options: RequestOptions): ReturnType<Undici['request']> {
    const [{ request }, dispatcher] = await Promise.all([undici(), this.get()])
    return request(url, { ...options, dispatcher })
  }

  async close(): Promise<void> {
    if (this.agent !== undefined) await (await this.agent).close()
  }
}

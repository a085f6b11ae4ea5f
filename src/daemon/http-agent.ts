/**
 * The daemon's outgoing HTTP (notification channels, the CoinGecko price source) goes through undici. undici is
 * loaded on the first request, not at start-up: it is about 110 files and 150 ms of CPU, and a daemon without a
 * notification channel or a price source never sends a request. Each user keeps its own dispatcher (an `Agent`
 * with its own timeouts and pool), also made on first use.
 */
import type { Agent } from 'undici'

export type Undici = typeof import('undici')

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

  async close(): Promise<void> {
    if (this.agent !== undefined) await (await this.agent).close()
  }
}

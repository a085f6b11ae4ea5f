/**
 * One cheap request to each configured network (the operator's or the devnet's RPC URL; a built-in public endpoint
 * is never contacted), through its chain adapter: its credential handling, its error mapping, no retry, a short
 * timeout. `system.doctor` turns the results into checks, `network.status` shows them to the dashboard. Secret-free:
 * networks are named by id and error texts are redacted.
 */
import { WaiaasError } from '../lib/errors.js'
import { resolveNetwork } from '../lib/networks.js'
import type { DaemonContext } from './context.js'
import { redactText } from './log.js'
import { effectiveNetwork } from './networks.js'
import { listNetworkSettings } from './store/network-settings.js'

export const PROBE_TIMEOUT_MS = 3000

export type NetworkProbe = {
  /** CAIP-2 id. */
  network: string
  /** Its first alias (what `waiaas network set` takes). */
  label: string
} & ({ ok: true; ms: number; blockTime: number | null } | { ok: false; code: string; reason: string })

/** `promise`, or a rejection naming the timeout when it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)
    timer.unref()
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/** Probes every network with an RPC URL set, all at once; never throws. */
export function probeNetworks(ctx: Pick<DaemonContext, 'db' | 'chains'>): Promise<NetworkProbe[]> {
  const configured = [...listNetworkSettings(ctx.db).values()].filter((s) => s.rpcUrl !== null)
  return Promise.all(
    configured.map(async (s): Promise<NetworkProbe> => {
      const net = resolveNetwork(s.network)
      const label = net.aliases[0] ?? net.id
      try {
        const started = Date.now()
        const adapter = await ctx.chains.adapter(effectiveNetwork(ctx.db, s.network))
        const blockTime = await within(adapter.latestBlockTime(), PROBE_TIMEOUT_MS)
        return { network: net.id, label, ok: true, ms: Date.now() - started, blockTime }
      } catch (err) {
        const reason = redactText(err instanceof Error ? err.message : String(err)).slice(0, 200)
        return { network: net.id, label, ok: false, code: err instanceof WaiaasError ? err.code : 'CHAIN_RPC_UNREACHABLE', reason }
      }
    }),
  )
}

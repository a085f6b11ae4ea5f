/**
 * The effective network table: the built-in registry with the operator's overrides from SQLite applied. Adapters
 * are built from this, so an RPC URL change takes effect on the next call.
 */
import { listNetworks, resolveNetwork, type NetworkInfo } from '../lib/networks.js'
import type { Db } from './store/db.js'
import { listNetworkSettings } from './store/network-settings.js'

export interface EffectiveNetwork extends NetworkInfo {
  /** The RPC URL in force, unredacted (may hold credentials: never print it). */
  rpcUrl: string | null
  customized: boolean
}

function apply(net: NetworkInfo, db: Db): EffectiveNetwork {
  const s = listNetworkSettings(db).get(net.id)
  return {
    ...net,
    rpcUrl: s?.rpcUrl ?? net.defaultRpcUrl,
    confirmations: s?.confirmations ?? net.confirmations,
    customized: s !== undefined && (s.rpcUrl !== null || s.confirmations !== null),
  }
}

/** One network by id or alias, with overrides. Throws NETWORK_UNKNOWN. */
export function effectiveNetwork(db: Db, idOrAlias: string): EffectiveNetwork {
  return apply(resolveNetwork(idOrAlias), db)
}

/** Every network, with overrides. */
export function effectiveNetworks(db: Db): EffectiveNetwork[] {
  return listNetworks().map((n) => apply(n, db))
}

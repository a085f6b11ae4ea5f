/**
 * The effective network table: the built-in registry with the operator's overrides from SQLite applied. Adapters
 * are built from this, so an RPC URL change takes effect on the next call.
 */
import { listNetworks, resolveNetwork, type NetworkInfo } from '../lib/networks.js'
import type { EffectiveNetwork } from './network-types.js'
import type { Db } from './store/db.js'
import { listNetworkSettings, type NetworkSetting } from './store/network-settings.js'

export type { EffectiveNetwork } from './network-types.js'

function apply(net: NetworkInfo, settings: Map<string, NetworkSetting>): EffectiveNetwork {
  const s = settings.get(net.id)
  return {
    ...net,
    rpcUrl: s?.rpcUrl ?? net.defaultRpcUrl,
    confirmations: s?.confirmations ?? net.confirmations,
    customized: s !== undefined && (s.rpcUrl !== null || s.confirmations !== null),
    batchContract: s?.batchContract ?? null,
    batchCodeHash: s?.batchCodeHash ?? null,
  }
}

/** One network by id or alias, with overrides. Throws NETWORK_UNKNOWN. */
export function effectiveNetwork(db: Db, idOrAlias: string): EffectiveNetwork {
  return apply(resolveNetwork(idOrAlias), listNetworkSettings(db))
}

/** Every network, with overrides. */
export function effectiveNetworks(db: Db): EffectiveNetwork[] {
  const settings = listNetworkSettings(db) // one read for the whole table
  return listNetworks().map((n) => apply(n, settings))
}

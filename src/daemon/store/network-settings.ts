import type { Db } from './db.js'
import { prepared } from './statements.js'

/** An operator's override of a built-in network: its RPC URL (may hold credentials) and confirmation depth. */
export interface NetworkSetting {
  network: string
  rpcUrl: string | null
  confirmations: number | null
  /** The batching contract allowlisted for EVM tx.sendBatch (checksummed), or null. */
  batchContract: string | null
  /** A runtime code hash the operator trusts for its batcher besides waiaas's build, or null. */
  batchCodeHash: string | null
  updatedAt: string
}

interface Row {
  network: string
  rpc_url: string | null
  confirmations: number | null
  batch_contract: string | null
  batch_code_hash: string | null
  updated_at: string
}

const toSetting = (r: Row): NetworkSetting => ({ network: r.network, rpcUrl: r.rpc_url, confirmations: r.confirmations, batchContract: r.batch_contract, batchCodeHash: r.batch_code_hash, updatedAt: r.updated_at })

/** All overrides, by CAIP-2 id. */
export function listNetworkSettings(db: Db): Map<string, NetworkSetting> {
  const rows = prepared<[], Row>(db, 'SELECT network, rpc_url, confirmations, batch_contract, batch_code_hash, updated_at FROM network_settings').all()
  return new Map(rows.map((r) => [r.network, toSetting(r)]))
}

/** The fields of a network's override a change may set. */
export interface NetworkPatch {
  rpcUrl?: string | null
  confirmations?: number | null
  batchContract?: string | null
  batchCodeHash?: string | null
}

/** Sets the given fields of a network's override; a field left undefined keeps its stored value, null clears it. */
export function setNetworkSetting(db: Db, network: string, patch: NetworkPatch, now = new Date()): NetworkSetting {
  const current = listNetworkSettings(db).get(network)
  const next: NetworkSetting = {
    network,
    rpcUrl: patch.rpcUrl !== undefined ? patch.rpcUrl : (current?.rpcUrl ?? null),
    confirmations: patch.confirmations !== undefined ? patch.confirmations : (current?.confirmations ?? null),
    batchContract: patch.batchContract !== undefined ? patch.batchContract : (current?.batchContract ?? null),
    batchCodeHash: patch.batchCodeHash !== undefined ? patch.batchCodeHash : (current?.batchCodeHash ?? null),
    updatedAt: now.toISOString(),
  }
  prepared<[string, string | null, number | null, string | null, string | null, string]>(
    db,
    `INSERT INTO network_settings (network, rpc_url, confirmations, batch_contract, batch_code_hash, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (network) DO UPDATE SET rpc_url = excluded.rpc_url, confirmations = excluded.confirmations,
       batch_contract = excluded.batch_contract, batch_code_hash = excluded.batch_code_hash, updated_at = excluded.updated_at`,
  ).run(next.network, next.rpcUrl, next.confirmations, next.batchContract, next.batchCodeHash, next.updatedAt)
  return next
}

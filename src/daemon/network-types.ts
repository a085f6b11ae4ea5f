/** A network as the daemon uses it: the registry entry with the operator's overrides applied (plain data). */
import type { NetworkInfo } from '../lib/networks.js'

export interface EffectiveNetwork extends NetworkInfo {
  /** The RPC URL in force, unredacted (may hold credentials: never print it). */
  rpcUrl: string | null
  customized: boolean
  /** The batching contract the operator allowlists for EVM tx.sendBatch (checksummed), or null. */
  batchContract: string | null
  /** A runtime code hash the operator trusts for that batcher besides waiaas's own build, or null. */
  batchCodeHash: string | null
}

/**
 * The devnet's batching contract: waiaas's batcher build placed on evm-local at a fixed address (anvil_setCode: no
 * deployer nonce, the same address after every reset) and allowlisted for the network, so EVM tx.sendBatch can be
 * tried there at once. Its code hash is the one the daemon trusts (chains/evm/batcher.generated.ts).
 */
import { EVM_LOCAL_ID } from '../lib/networks.js'
import type { Db } from './store/db.js'
import { listNetworkSettings, setNetworkSetting } from './store/network-settings.js'

/** Where the devnet places the batcher on evm-local. */
export const DEVNET_BATCHER = '0xD15e0000000000000000000000000000000bA7C4'

/** Places the batcher's runtime code on the anvil at `url` and allowlists it for evm-local. */
export async function placeDevnetBatcher(db: Db, url: string, chainId: number): Promise<void> {
  const { JsonRpcProvider } = await import('ethers')
  const { BATCHER_RUNTIME } = await import('./chains/evm/batcher.generated.js')
  const provider = new JsonRpcProvider(url, chainId, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  try {
    await provider.send('anvil_setCode', [DEVNET_BATCHER, BATCHER_RUNTIME])
  } finally {
    provider.destroy()
  }
  setNetworkSetting(db, EVM_LOCAL_ID, { batchContract: DEVNET_BATCHER })
}

/** When the devnet stops: evm-local allows no batcher again, unless the operator set another one. */
export function forgetDevnetBatcher(db: Db): void {
  if (listNetworkSettings(db).get(EVM_LOCAL_ID)?.batchContract === DEVNET_BATCHER) setNetworkSetting(db, EVM_LOCAL_ID, { batchContract: null })
}

/** Cluster, slot, blockhash and fee methods. */
import { VersionedMessage } from '@solana/web3.js'
import type { LocalChain } from './chain.js'
import { configAt, numberParam, stringParam, withContext } from './encoding.js'
import { INVALID_PARAMS, RpcError } from './rpc-error.js'
import { feeForMessage } from './wire.js'
import type { Handler } from './methods.js'

const SLOTS_PER_EPOCH = 432_000

export const clusterMethods: Record<string, Handler> = {
  getHealth: () => 'ok',
  getVersion: () => ({ 'solana-core': '2.2.0', 'feature-set': 0 }),
  getGenesisHash: (chain) => chain.genesisHash,
  getIdentity: (chain) => ({ identity: chain.genesisHash }),
  getSlot: (chain) => chain.slot,
  getBlockHeight: (chain) => chain.slot,
  getTransactionCount: (chain) => chain.slot,
  getFirstAvailableBlock: () => 0,
  minimumLedgerSlot: () => 0,
  getEpochInfo: (chain) => ({
    absoluteSlot: chain.slot,
    blockHeight: chain.slot,
    epoch: Math.floor(chain.slot / SLOTS_PER_EPOCH),
    slotIndex: chain.slot % SLOTS_PER_EPOCH,
    slotsInEpoch: SLOTS_PER_EPOCH,
    transactionCount: null,
  }),
  getEpochSchedule: () => ({ firstNormalEpoch: 0, firstNormalSlot: 0, leaderScheduleSlotOffset: SLOTS_PER_EPOCH, slotsPerEpoch: SLOTS_PER_EPOCH, warmup: false }),
  getLatestBlockhash: (chain) => withContext(chain, chain.latestBlockhash()),
  isBlockhashValid: (chain, params) => withContext(chain, chain.isBlockhashValid(stringParam(params[0], 'blockhash'))),
  getMinimumBalanceForRentExemption: (chain, params) => Number(chain.svm.minimumBalanceForRentExemption(BigInt(numberParam(params[0] ?? 0, 'data length')))),
  getFeeForMessage: (chain, params) => {
    let message: VersionedMessage
    try {
      message = VersionedMessage.deserialize(Buffer.from(stringParam(params[0], 'message'), 'base64'))
    } catch (err) {
      throw new RpcError(INVALID_PARAMS, `invalid message: ${(err as Error).message}`)
    }
    configAt(params, 1)
    return withContext(chain, chain.isBlockhashValid(message.recentBlockhash) ? feeForMessage(message) : null)
  },
  getRecentPrioritizationFees: () => [],
}

/** Lets callers (tests, `waiaas devnet`) move time forward: `warpSlots [n]` produces n empty blocks. Not a Solana method. */
export const devMethods: Record<string, Handler> = {
  warpSlots: (chain: LocalChain, params) => {
    chain.advance(numberParam(params[0] ?? 1, 'slots'))
    return chain.slot
  },
}

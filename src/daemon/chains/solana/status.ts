/**
 * Where a Solana transaction stands, by signature: confirmed or failed once its confirmation status meets the
 * network's commitment, pending before that, and unknown when the node has not seen it. Given the blockhash's
 * lastValidBlockHeight, a signature that is unknown after the block height passed it can never land: that is
 * reported as failed with reason 'blockhash expired' (the height is read before the status, so a transaction that
 * landed in time is never misreported).
 */
import type { TransactionConfirmationStatus } from '@solana/web3.js'
import { SOLANA_CONFIRMED, SOLANA_FINALIZED } from '../../../lib/networks.js'
import type { TxStatus } from '../types.js'
import type { SolanaRpc } from './connection.js'

const RANK: Record<TransactionConfirmationStatus, number> = { processed: 0, confirmed: 1, finalized: 2 }

export interface StatusOptions {
  /** From the prepared transaction's `unsigned.lastValidBlockHeight`: enables the expiry check. */
  lastValidBlockHeight?: bigint
}

/** True once the chain's block height is past `lastValidBlockHeight` (the transaction can no longer land). */
export async function blockhashExpired(rpc: SolanaRpc, lastValidBlockHeight: bigint): Promise<boolean> {
  const height = await rpc.read('read block height', (c) => c.getBlockHeight('confirmed'))
  return BigInt(height) > lastValidBlockHeight
}

/**
 * unknown | pending | confirmed | failed for `signature`; reads retry an unreachable RPC. The common case comes
 * first: a transaction that landed at the network's commitment carries its slot, error and charged fee in one
 * getTransaction. Only when the node does not serve it yet does getSignatureStatuses tell pending from unknown.
 */
export async function readStatus(rpc: SolanaRpc, signature: string, opts: StatusOptions = {}): Promise<TxStatus> {
  const lvbh = opts.lastValidBlockHeight
  const expiredBefore = lvbh === undefined ? false : await blockhashExpired(rpc, lvbh)
  const tx = await rpc.read('read transaction', (c) => c.getTransaction(signature, { commitment: rpc.commitment, maxSupportedTransactionVersion: 0 }), { signature })
  if (tx !== null) {
    const fee = BigInt(tx.meta?.fee ?? 0)
    const block = BigInt(tx.slot)
    const err = tx.meta?.err ?? null
    if (err !== null) return { state: 'failed', block, reason: JSON.stringify(err), fee }
    return { state: 'confirmed', block, confirmations: RANK[rpc.commitment] >= RANK.finalized ? SOLANA_FINALIZED : SOLANA_CONFIRMED, fee }
  }
  const res = await rpc.read('read status', (c) => c.getSignatureStatuses([signature], { searchTransactionHistory: true }), { signature })
  const st = res.value[0] ?? null
  if (st === null) return expiredBefore ? { state: 'failed', block: null, reason: 'blockhash expired', fee: 0n } : { state: 'unknown' }
  // Seen, but not served at our commitment yet (or not yet at it): keep waiting.
  return { state: 'pending' }
}

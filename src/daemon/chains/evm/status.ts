/**
 * Following a broadcast EVM transaction to the network's confirmation depth. A receipt counts as final when
 * receipt block + confirmations - 1 <= head; before that it is `pending` even if it reverted, because a shallow
 * block can still be replaced. A failed transaction reports the fee it paid and, best effort, its revert reason
 * (the call replayed on the state before its block).
 */
import { WaiaasError } from '../../../lib/errors.js'
import type { TxStatus } from '../types.js'
import type { EvmRpc } from './provider.js'

interface Receipt {
  blockNumber: string
  status: string
  gasUsed: string
  effectiveGasPrice: string
}

interface RpcTx {
  from: string
  to: string | null
  input: string
  value: string
  gas: string
}

/** The state of `hash` on the network, `confirmations` deep. */
export async function readStatus(rpc: EvmRpc, hash: string, confirmations: number): Promise<TxStatus> {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) {
    throw new WaiaasError('INPUT_INVALID', '`hash` must be 0x and 64 hex digits', { details: { field: 'hash', value: String(hash).slice(0, 80) } })
  }
  const receipt = await rpc.read<Receipt | null>('read receipt', 'eth_getTransactionReceipt', [hash])
  if (receipt === null) {
    const tx = await rpc.read<unknown>('read transaction', 'eth_getTransactionByHash', [hash])
    return tx === null ? { state: 'unknown' } : { state: 'pending' }
  }
  const head = BigInt(await rpc.read<string>('read block number', 'eth_blockNumber', []))
  const block = BigInt(receipt.blockNumber)
  const depth = head - block + 1n
  if (depth < BigInt(Math.max(1, confirmations))) return { state: 'pending' }
  const fee = BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice)
  if (BigInt(receipt.status) === 0n) return { state: 'failed', block, reason: await revertReason(rpc, hash, block), fee }
  return { state: 'confirmed', block, confirmations: Number(depth), fee }
}

/** Replays the failed call on the parent block's state to recover its reason; "execution reverted" when it cannot. */
async function revertReason(rpc: EvmRpc, hash: string, block: bigint): Promise<string> {
  try {
    const tx = await rpc.read<RpcTx | null>('read transaction', 'eth_getTransactionByHash', [hash])
    if (tx === null || tx.to === null) return 'execution reverted'
    await rpc.write('replay', 'eth_call', [{ from: tx.from, to: tx.to, data: tx.input, value: tx.value, gas: tx.gas }, `0x${(block - 1n).toString(16)}`])
    // The replay succeeded: the transaction failed for a reason that depended on earlier transactions in its block.
    return 'execution reverted'
  } catch (err) {
    if (err instanceof WaiaasError && err.code === 'CHAIN_REVERTED' && typeof err.details.reason === 'string') return err.details.reason
    return 'execution reverted'
  }
}

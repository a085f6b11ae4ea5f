/**
 * Following a broadcast EVM transaction to the network's confirmation depth. A receipt counts as final when
 * receipt block + confirmations - 1 <= head; before that it is `pending` even if it reverted, because a shallow
 * block can still be replaced. A failed transaction reports the fee it paid and, best effort, its revert reason
 * (the call replayed on the state before its block, else the node's trace of it).
 */
import { AbiCoder } from 'ethers'
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

/**
 * The reason a mined transaction reverted, best effort: first the call replayed on the parent block's state (cheap,
 * and right unless an earlier transaction in the same block changed what it depended on); when that replay succeeds,
 * the node's call trace of the transaction itself (debug_traceTransaction, where the node offers it). Otherwise
 * "execution reverted".
 */
async function revertReason(rpc: EvmRpc, hash: string, block: bigint): Promise<string> {
  try {
    const tx = await rpc.read<RpcTx | null>('read transaction', 'eth_getTransactionByHash', [hash])
    if (tx === null || tx.to === null) return 'execution reverted'
    await rpc.write('replay', 'eth_call', [{ from: tx.from, to: tx.to, data: tx.input, value: tx.value, gas: tx.gas }, `0x${(block - 1n).toString(16)}`])
    // The replay succeeded: the transaction failed for a reason that depended on earlier transactions in its block.
    return (await tracedReason(rpc, hash)) ?? 'execution reverted'
  } catch (err) {
    if (err instanceof WaiaasError && err.code === 'CHAIN_REVERTED' && typeof err.details.reason === 'string') return err.details.reason
    return 'execution reverted'
  }
}

interface CallTrace {
  error?: unknown
  revertReason?: unknown
  output?: unknown
}

const ERROR_STRING = '0x08c379a0'
const PANIC = '0x4e487b71'

/** The revert reason from the node's call trace of `hash`: Error(string), Panic(code), a custom error's selector, or the trace's error. */
async function tracedReason(rpc: EvmRpc, hash: string): Promise<string | undefined> {
  let trace: CallTrace | null
  try {
    trace = await rpc.write<CallTrace | null>('trace', 'debug_traceTransaction', [hash, { tracer: 'callTracer' }])
  } catch {
    return undefined // many nodes do not offer the debug namespace
  }
  if (trace === null || typeof trace !== 'object') return undefined
  if (typeof trace.revertReason === 'string' && trace.revertReason !== '') return trace.revertReason
  const output = typeof trace.output === 'string' ? trace.output.toLowerCase() : ''
  try {
    if (output.startsWith(ERROR_STRING)) return String(AbiCoder.defaultAbiCoder().decode(['string'], `0x${output.slice(10)}`)[0])
    if (output.startsWith(PANIC)) return `Panic(0x${(AbiCoder.defaultAbiCoder().decode(['uint256'], `0x${output.slice(10)}`)[0] as bigint).toString(16)})`
  } catch {
    // malformed revert data: fall through to the selector
  }
  if (/^0x[0-9a-f]{8}/.test(output)) return `execution reverted with custom error ${output.slice(0, 10)}`
  return typeof trace.error === 'string' && trace.error !== '' ? trace.error : undefined
}

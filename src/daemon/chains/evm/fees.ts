/**
 * EIP-1559 fee estimation from eth_feeHistory: the next block's base fee (the last entry of baseFeePerGas) and the
 * median priority fee paid over recent blocks. maxFeePerGas = 2 × base fee + priority fee, which stays valid through
 * six consecutive full blocks. Nodes without eth_feeHistory fall back to eth_gasPrice.
 */
import type { MarketFees } from './replace.js'
import type { EvmRpc } from './provider.js'
import { WaiaasError } from '../../../lib/errors.js'

interface FeeHistory {
  baseFeePerGas?: string[]
  reward?: string[][]
}

const BLOCKS = 10

/** Current EIP-1559 fees of the network. */
export async function estimateFees(rpc: EvmRpc): Promise<MarketFees> {
  let history: FeeHistory
  try {
    history = await rpc.read<FeeHistory>('read fee history', 'eth_feeHistory', [`0x${BLOCKS.toString(16)}`, 'latest', [50]])
  } catch (err) {
    if (err instanceof WaiaasError && err.code === 'CHAIN_ERROR') return legacy(rpc)
    throw err
  }
  const bases = history.baseFeePerGas ?? []
  const nextBase = bases.length > 0 ? BigInt(bases[bases.length - 1] as string) : undefined
  if (nextBase === undefined) return legacy(rpc)
  const tips = (history.reward ?? [])
    .map((r) => (r[0] === undefined ? 0n : BigInt(r[0])))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const median = tips[Math.floor(tips.length / 2)] ?? 0n
  // An idle chain reports 0 tips; 1 wei keeps the transaction attractive to miners that order by tip.
  const maxPriorityFeePerGas = median > 0n ? median : 1n
  return { maxFeePerGas: nextBase * 2n + maxPriorityFeePerGas, maxPriorityFeePerGas }
}

async function legacy(rpc: EvmRpc): Promise<MarketFees> {
  const gasPrice = BigInt(await rpc.read<string>('read gas price', 'eth_gasPrice', []))
  return { maxFeePerGas: gasPrice, maxPriorityFeePerGas: gasPrice }
}

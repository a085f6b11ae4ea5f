/**
 * The EVM payload of a PreparedTx (`unsigned`): an EIP-1559 transaction request with every field fixed, bigints as
 * decimal strings so it can be stored as JSON, and its conversion to an ethers Transaction for signing.
 */
import { Transaction } from 'ethers'
import { WaiaasError } from '../../../lib/errors.js'
import type { PreparedTx } from '../types.js'

export interface EvmUnsigned {
  type: 2
  chainId: string
  nonce: string
  to: string
  value: string
  data: string
  gasLimit: string
  maxFeePerGas: string
  maxPriorityFeePerGas: string
}

export interface EvmFields {
  chainId: bigint
  nonce: bigint
  to: string
  value: bigint
  data: string
  gasLimit: bigint
  maxFeePerGas: bigint
  maxPriorityFeePerGas: bigint
}

/** The storable form of the fields. */
export function toUnsigned(f: EvmFields): EvmUnsigned {
  return {
    type: 2,
    chainId: f.chainId.toString(),
    nonce: f.nonce.toString(),
    to: f.to,
    value: f.value.toString(),
    data: f.data,
    gasLimit: f.gasLimit.toString(),
    maxFeePerGas: f.maxFeePerGas.toString(),
    maxPriorityFeePerGas: f.maxPriorityFeePerGas.toString(),
  }
}

const big = (u: Record<string, unknown>, k: string): bigint => {
  const v = u[k]
  if (typeof v !== 'string' || !/^\d+$/.test(v)) {
    throw new WaiaasError('INPUT_INVALID', `prepared transaction field \`unsigned.${k}\` must be a decimal string`, { details: { field: `unsigned.${k}` } })
  }
  return BigInt(v)
}

/** The fields of a PreparedTx made by the EVM adapter; INPUT_INVALID when it was not. */
export function fieldsOf(tx: PreparedTx): EvmFields {
  const u = tx.unsigned
  if (tx.family !== 'evm' || u.type !== 2 || typeof u.to !== 'string' || typeof u.data !== 'string') {
    throw new WaiaasError('INPUT_INVALID', 'not a prepared EVM transaction', { details: { field: 'tx', family: tx.family } })
  }
  return {
    chainId: big(u, 'chainId'),
    nonce: big(u, 'nonce'),
    to: u.to,
    value: big(u, 'value'),
    data: u.data,
    gasLimit: big(u, 'gasLimit'),
    maxFeePerGas: big(u, 'maxFeePerGas'),
    maxPriorityFeePerGas: big(u, 'maxPriorityFeePerGas'),
  }
}

/** An unsigned ethers Transaction of the fields. */
export function toTransaction(f: EvmFields): Transaction {
  return Transaction.from({
    type: 2,
    chainId: f.chainId,
    nonce: Number(f.nonce),
    to: f.to,
    value: f.value,
    data: f.data,
    gasLimit: f.gasLimit,
    maxFeePerGas: f.maxFeePerGas,
    maxPriorityFeePerGas: f.maxPriorityFeePerGas,
  })
}

/** The fee details shown in a FeeEstimate. */
export function feeDetails(f: Pick<EvmFields, 'gasLimit' | 'maxFeePerGas' | 'maxPriorityFeePerGas'>): { maxFee: bigint; details: Record<string, string> } {
  return {
    maxFee: f.gasLimit * f.maxFeePerGas,
    details: { gasLimit: f.gasLimit.toString(), maxFeePerGas: f.maxFeePerGas.toString(), maxPriorityFeePerGas: f.maxPriorityFeePerGas.toString() },
  }
}

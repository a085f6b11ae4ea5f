/**
 * EVM signing that needs no node (see OfflineSigner): personal_sign, EIP-712, and `sign tx` — a transaction the
 * caller built and will broadcast, signed with exactly the fields policy decoded and checked.
 */
import { Transaction } from 'ethers'
import type { UnsignedEvmTx } from '../../policy/decode.js'
import type { OfflineSigner } from '../types.js'
import { signDigest, signPersonalMessage, signTypedData, type TypedData } from './signing.js'

/** The signed, serialized EIP-1559 transaction (0x hex) of the caller's fields as `parseUnsignedEvmTx` read them. */
export function signEvmTransaction(key: Buffer, f: UnsignedEvmTx): string {
  const t = Transaction.from({
    type: 2,
    chainId: BigInt(f.chainId),
    nonce: f.nonce ?? 0,
    to: f.to,
    value: f.value,
    data: f.data,
    gasLimit: f.gasLimit ?? 0n,
    maxFeePerGas: f.maxFeePerGas ?? 0n,
    maxPriorityFeePerGas: f.maxPriorityFeePerGas ?? 0n,
  })
  t.signature = signDigest(key, t.unsignedHash)
  return t.serialized
}

/** The key is the raw secp256k1 key itself (a Buffer, wiped when the cache drops it): nothing is worth preparing. */
export const evmOfflineSigner: OfflineSigner<Buffer> = {
  signingKey: (secret) => Buffer.from(secret),
  signMessage: (key, message) => signPersonalMessage(key, message),
  signTypedData: (key, typedData) => signTypedData(key, typedData as TypedData),
  signTransaction: (key, _wallet, body) => signEvmTransaction(key, body.transaction as UnsignedEvmTx),
}

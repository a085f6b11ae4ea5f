/**
 * `sign tx`: signing a transaction the caller built and will broadcast. The fields were decoded and checked by
 * policy before this runs; signing uses exactly those fields.
 */
import { Transaction } from 'ethers'
import { VersionedMessage, VersionedTransaction } from '@solana/web3.js'
import { WaiaasError } from '../../lib/errors.js'
import type { KeyObject } from 'node:crypto'
import { signDigest } from '../chains/evm/signing.js'
import { ed25519KeyObject, signBytes } from '../chains/solana/signing.js'
import type { UnsignedEvmTx } from '../policy/decode.js'

/** The caller's transaction as `parseUnsignedEvmTx` read it. */
export type EvmTxFields = UnsignedEvmTx

/** The signed, serialized EIP-1559 transaction (0x hex). */
export function signEvmTransaction(key: Buffer, f: EvmTxFields): string {
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

/** The base64 transaction with the wallet's signature in its slot (other signers' slots left empty). */
export function signSolanaMessage(seed: Buffer | KeyObject, wallet: string, messageBase64: string): string {
  const message = VersionedMessage.deserialize(Buffer.from(messageBase64, 'base64'))
  const index = message.staticAccountKeys.slice(0, message.header.numRequiredSignatures).findIndex((k) => k.toBase58() === wallet)
  if (index < 0) throw new WaiaasError('INPUT_INVALID', 'The wallet is not a signer of this transaction', { details: { field: 'transaction' } })
  const tx = new VersionedTransaction(message)
  tx.signatures[index] = signBytes(Buffer.isBuffer(seed) ? ed25519KeyObject(seed) : seed, message.serialize())
  return Buffer.from(tx.serialize()).toString('base64')
}

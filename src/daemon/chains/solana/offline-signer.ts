/**
 * Solana signing that needs no node (see OfflineSigner): messages, and `sign tx` — a transaction the caller built
 * and will broadcast, signed in the wallet's slot of exactly the message policy decoded and checked.
 */
import type { KeyObject } from 'node:crypto'
import { VersionedMessage, VersionedTransaction } from '@solana/web3.js'
import { WaiaasError } from '../../../lib/errors.js'
import type { OfflineSigner } from '../types.js'
import { ed25519KeyObject, signBytes, signMessageBytes } from './signing.js'

/** The base64 transaction with the wallet's signature in its slot (other signers' slots left empty). */
export function signSolanaMessage(seed: Buffer | KeyObject, wallet: string, messageBase64: string): string {
  const message = VersionedMessage.deserialize(Buffer.from(messageBase64, 'base64'))
  const index = message.staticAccountKeys.slice(0, message.header.numRequiredSignatures).findIndex((k) => k.toBase58() === wallet)
  if (index < 0) throw new WaiaasError('INPUT_INVALID', 'The wallet is not a signer of this transaction', { details: { field: 'transaction' } })
  const tx = new VersionedTransaction(message)
  tx.signatures[index] = signBytes(Buffer.isBuffer(seed) ? ed25519KeyObject(seed) : seed, message.serialize())
  return Buffer.from(tx.serialize()).toString('base64')
}

/** The key is a node:crypto ed25519 KeyObject: building one costs far more than a signature, so it is kept. */
export const solanaOfflineSigner: OfflineSigner<KeyObject> = {
  signingKey: (secret) => ed25519KeyObject(secret),
  signMessage: (key, message) => signMessageBytes(key, message),
  signTypedData: () => {
    throw new WaiaasError('INPUT_INVALID', 'Typed data (EIP-712) is signed by EVM wallets only', { details: { field: 'typedData' } })
  },
  signTransaction: (key, wallet, body) => signSolanaMessage(key, wallet, String(body.message)),
}

/**
 * Ed25519 for Solana through node:crypto: about 30 µs a signature, against 350-600 µs for @noble/curves and ~10 ms
 * for tweetnacl (DESIGN "Dependencies"). Keys are the 32-byte seeds the keystore holds; the DER wrapper built around
 * a seed is wiped as soon as node:crypto has its KeyObject.
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto'
import { base58 } from '@scure/base'
import { WaiaasError } from '../../../lib/errors.js'

/** PKCS#8 DER prefix of an ed25519 private key (RFC 8410); the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** A node:crypto private KeyObject for a 32-byte ed25519 seed; INPUT_INVALID for another length. */
export function ed25519KeyObject(seed: Buffer): KeyObject {
  if (!Buffer.isBuffer(seed) || seed.length !== 32) {
    throw new WaiaasError('INPUT_INVALID', '`key` must be a 32-byte ed25519 seed', { details: { field: 'key', length: Buffer.isBuffer(seed) ? seed.length : null } })
  }
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, seed])
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
  } finally {
    der.fill(0)
  }
}

/** The base58 address (public key) of a private KeyObject. */
export function addressOfKey(key: KeyObject): string {
  const jwk = createPublicKey(key).export({ format: 'jwk' })
  if (typeof jwk.x !== 'string') throw new WaiaasError('INTERNAL', 'ed25519 public key export failed')
  return base58.encode(Buffer.from(jwk.x, 'base64url'))
}

/** The base58 address of a 32-byte seed. */
export function addressOfSeed(seed: Buffer): string {
  return addressOfKey(ed25519KeyObject(seed))
}

/** The 64-byte ed25519 signature of `message` by `key` (pure Ed25519, no prehash: what Solana verifies). */
export function signBytes(key: KeyObject, message: Uint8Array): Buffer {
  return sign(null, message, key)
}

/** Solana off-chain message signing: ed25519 over the raw bytes (UTF-8 for strings), base58 signature. */
export function signMessageBytes(seed: Buffer | KeyObject, message: string | Uint8Array): string {
  const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message
  return base58.encode(signBytes(Buffer.isBuffer(seed) ? ed25519KeyObject(seed) : seed, bytes))
}

/** AES-256-GCM sealing with associated data, from node:crypto, plus a helper to wipe key buffers. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** One sealed message; all fields base64. */
export interface Sealed {
  iv: string
  tag: string
  ct: string
}

/** Authentication (or shape) failure when opening a sealed message. Callers map it to an error code. */
export class AeadError extends Error {
  override readonly name = 'AeadError'
}

const IV_BYTES = 12
const TAG_BYTES = 16

function assertKey(key: Buffer): void {
  if (key.length !== 32) throw new AeadError('AES-256-GCM needs a 32-byte key')
}

/** Encrypts `plaintext` under `key`, binding `aad`; a fresh random 12-byte IV every call. */
export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Sealed {
  assertKey(key)
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(aad)
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') }
}

/** Decrypts and authenticates; throws AeadError when the key, AAD or any byte is wrong. */
export function open(key: Buffer, sealed: Sealed, aad: Buffer): Buffer {
  assertKey(key)
  if (typeof sealed !== 'object' || sealed === null) throw new AeadError('Sealed value is malformed')
  const { iv: ivText, tag: tagText, ct: ctText } = sealed
  if (typeof ivText !== 'string' || typeof tagText !== 'string' || typeof ctText !== 'string') {
    throw new AeadError('Sealed value is malformed')
  }
  const iv = Buffer.from(ivText, 'base64')
  const tag = Buffer.from(tagText, 'base64')
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new AeadError('Sealed value is malformed')
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  decipher.setAAD(aad)
  decipher.setAuthTag(tag)
  const head = decipher.update(Buffer.from(ctText, 'base64'))
  try {
    return Buffer.concat([head, decipher.final()])
  } catch (err) {
    throw new AeadError('Authentication failed', { cause: err })
  } finally {
    head.fill(0)
  }
}

/** Overwrites each buffer with zeros; undefined entries are skipped. */
export function wipe(...bufs: (Buffer | Uint8Array | undefined)[]): void {
  for (const b of bufs) b?.fill(0)
}

/**
 * The master password wraps one random data key (the vault record); the data key seals each wallet's private
 * key with the wallet id and address bound as associated data. Changing the password re-wraps the data key only.
 */
import { randomBytes } from 'node:crypto'
import { WaiaasError } from '../../lib/errors.js'
import { AeadError, open, seal, wipe, type Sealed } from './aead.js'
import { deriveKey, newKdfParams, type KdfParams } from './kdf.js'

export interface VaultRecord {
  version: 1
  kdf: KdfParams
  wrappedDataKey: Sealed
}

const DATA_KEY_AAD = Buffer.from('waiaas:data-key:v1', 'utf8')

async function wrap(dataKey: Buffer, password: string): Promise<VaultRecord> {
  const kdf = newKdfParams()
  const kek = await deriveKey(password, kdf)
  try {
    return { version: 1, kdf, wrappedDataKey: seal(kek, dataKey, DATA_KEY_AAD) }
  } finally {
    wipe(kek)
  }
}

/** A new vault: a random 32-byte data key wrapped under a key stretched from `password`. */
export async function createVault(password: string): Promise<{ record: VaultRecord; dataKey: Buffer }> {
  const dataKey = randomBytes(32)
  try {
    return { record: await wrap(dataKey, password), dataKey }
  } catch (err) {
    wipe(dataKey)
    throw err
  }
}

/** Unwraps the data key; a wrong password throws AUTH_BAD_PASSWORD. */
export async function unwrapDataKey(record: VaultRecord, password: string): Promise<Buffer> {
  if (record?.version !== 1) {
    throw new WaiaasError('INTERNAL', 'Stored vault record has an unknown version', { details: { version: record?.version } })
  }
  const kek = await deriveKey(password, record.kdf)
  try {
    const dataKey = open(kek, record.wrappedDataKey, DATA_KEY_AAD)
    if (dataKey.length !== 32) {
      wipe(dataKey)
      throw new WaiaasError('INTERNAL', 'Stored data key has the wrong length')
    }
    return dataKey
  } catch (err) {
    if (err instanceof AeadError) throw new WaiaasError('AUTH_BAD_PASSWORD', 'Wrong master password')
    throw err
  } finally {
    wipe(kek)
  }
}

/** Wraps the same data key under a new password, with a fresh salt and current parameters. */
export async function rewrapDataKey(dataKey: Buffer, newPassword: string): Promise<VaultRecord> {
  return wrap(dataKey, newPassword)
}

/** Associated data binding a sealed private key to its wallet. */
export function walletAad(walletId: string, address: string): Buffer {
  return Buffer.from(`waiaas:wallet-key:v1:${walletId}:${address}`, 'utf8')
}

export function sealPrivateKey(dataKey: Buffer, walletId: string, address: string, privateKey: Buffer): Sealed {
  return seal(dataKey, privateKey, walletAad(walletId, address))
}

/** Opens a stored private key; a failed authentication means the row was altered (or moved to another wallet). */
export function openPrivateKey(dataKey: Buffer, walletId: string, address: string, sealed: Sealed): Buffer {
  try {
    return open(dataKey, sealed, walletAad(walletId, address))
  } catch (err) {
    if (err instanceof AeadError) {
      throw new WaiaasError('INTERNAL', 'Stored key failed authentication; the database may have been tampered with', {
        details: { walletId },
      })
    }
    throw err
  }
}

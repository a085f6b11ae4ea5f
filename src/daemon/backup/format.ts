/**
 * The backup file: one AES-256-GCM message under a key stretched from the master password (scrypt, fresh salt),
 * with every header byte bound as associated data, so a change anywhere in the file is refused.
 *
 *   "WAIAASBK" | version (1 byte) | header length (u32 BE) | header JSON | IV (12) | tag (16) | ciphertext
 *
 * The header holds no secret: the KDF parameters and salt, and a 16-byte password check (HKDF of the stretched key,
 * so a wrong password is told apart from a damaged file). The plaintext is: metadata length (u32 BE), metadata JSON,
 * then the files the metadata lists, back to back.
 */
import { hkdfSync, timingSafeEqual } from 'node:crypto'
import { WaiaasError } from '../../lib/errors.js'
import { AeadError, open, seal, wipe } from '../keystore/aead.js'
import { deriveKey, newKdfParams, type KdfParams } from '../keystore/kdf.js'

export const BACKUP_MAGIC = Buffer.from('WAIAASBK', 'ascii')
export const BACKUP_FORMAT_VERSION = 1
export const BACKUP_EXTENSION = '.wbak'
const IV_BYTES = 12
const TAG_BYTES = 16
const MAX_HEADER_BYTES = 4096

/** What a backup says about itself; shown by `backup inspect`. No secrets. */
export interface BackupMeta {
  format: 1
  createdAt: string
  waiaasVersion: string
  schemaVersion: number
  walletCount: number
  auditHead: { seq: number; hash: string }
  dataDirName: string
  files: { name: string; bytes: number }[]
}

interface Header {
  kdf: KdfParams
  /** base64 of 16 bytes from HKDF(stretched key, "waiaas:backup:check:v1") */
  check: string
}

export interface BackupContents {
  meta: BackupMeta
  /** File name (as listed in meta.files) to its bytes. */
  files: Map<string, Buffer>
}

const invalid = (message: string, details: Record<string, unknown> = {}): WaiaasError => new WaiaasError('BACKUP_INVALID', message, { details })

function subKeys(stretched: Buffer, salt: string): { key: Buffer; check: Buffer } {
  const ikm = Buffer.from(salt, 'base64')
  const key = Buffer.from(hkdfSync('sha256', stretched, ikm, 'waiaas:backup:key:v1', 32))
  const check = Buffer.from(hkdfSync('sha256', stretched, ikm, 'waiaas:backup:check:v1', 16))
  return { key, check }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}

/** Builds the encrypted file. `kdf` is for tests (cheaper parameters); by default fresh N = 2^17 parameters. */
export async function writeBackup(password: string, meta: BackupMeta, files: ReadonlyMap<string, Buffer>, kdf: KdfParams = newKdfParams()): Promise<Buffer> {
  const listed = meta.files.map((f) => f.name)
  if (listed.length !== files.size || listed.some((n) => !files.has(n))) throw new WaiaasError('INTERNAL', 'Backup metadata does not list its files')
  const stretched = await deriveKey(password, kdf)
  const { key, check } = subKeys(stretched, kdf.salt)
  try {
    const headerJson = Buffer.from(JSON.stringify({ kdf, check: check.toString('base64') } satisfies Header), 'utf8')
    const header = Buffer.concat([BACKUP_MAGIC, Buffer.from([BACKUP_FORMAT_VERSION]), u32(headerJson.length), headerJson])
    const metaJson = Buffer.from(JSON.stringify(meta), 'utf8')
    const plain = Buffer.concat([u32(metaJson.length), metaJson, ...meta.files.map((f) => files.get(f.name) as Buffer)])
    try {
      const sealed = seal(key, plain, header)
      return Buffer.concat([header, Buffer.from(sealed.iv, 'base64'), Buffer.from(sealed.tag, 'base64'), Buffer.from(sealed.ct, 'base64')])
    } finally {
      wipe(plain)
    }
  } finally {
    wipe(stretched, key, check)
  }
}

/**
 * Verifies and decrypts a backup. BACKUP_INVALID: not a backup, truncated, or any byte changed;
 * BACKUP_BAD_PASSWORD: the password check in the header does not match (wrong password, or a damaged check).
 */
export async function readBackup(file: Buffer, password: string): Promise<BackupContents> {
  const fixed = BACKUP_MAGIC.length + 1 + 4
  if (file.length < fixed || !file.subarray(0, BACKUP_MAGIC.length).equals(BACKUP_MAGIC)) throw invalid('Not a waiaas backup file')
  const version = file[BACKUP_MAGIC.length]
  if (version !== BACKUP_FORMAT_VERSION) throw invalid(`Unknown backup format version ${String(version)}`, { version })
  const headerLen = file.readUInt32BE(BACKUP_MAGIC.length + 1)
  if (headerLen > MAX_HEADER_BYTES || file.length < fixed + headerLen + IV_BYTES + TAG_BYTES) throw invalid('The backup file is truncated or damaged')
  const header = file.subarray(0, fixed + headerLen)
  let parsed: Header
  try {
    parsed = JSON.parse(header.subarray(fixed).toString('utf8')) as Header
  } catch {
    throw invalid('The backup header is damaged')
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.check !== 'string') throw invalid('The backup header is damaged')
  let stretched: Buffer
  try {
    stretched = await deriveKey(password, parsed.kdf)
  } catch (err) {
    throw invalid('The backup header has damaged key-derivation parameters', { cause: err instanceof Error ? err.message : String(err) })
  }
  const { key, check } = subKeys(stretched, parsed.kdf.salt)
  try {
    const stored = Buffer.from(parsed.check, 'base64')
    if (stored.length !== check.length || !timingSafeEqual(stored, check)) {
      throw new WaiaasError('BACKUP_BAD_PASSWORD', 'Wrong password for this backup (or its header is damaged)')
    }
    const at = header.length
    const sealed = {
      iv: file.subarray(at, at + IV_BYTES).toString('base64'),
      tag: file.subarray(at + IV_BYTES, at + IV_BYTES + TAG_BYTES).toString('base64'),
      ct: file.subarray(at + IV_BYTES + TAG_BYTES).toString('base64'),
    }
    let plain: Buffer
    try {
      plain = open(key, sealed, header)
    } catch (err) {
      if (err instanceof AeadError) throw invalid('The backup failed its integrity check: it is truncated or was changed')
      throw err
    }
    return parsePlain(plain)
  } finally {
    wipe(stretched, key, check)
  }
}

function parsePlain(plain: Buffer): BackupContents {
  // Authenticated, so a malformed payload means a writer bug, not tampering; still refuse it cleanly.
  if (plain.length < 4) throw invalid('The backup payload is malformed')
  const metaLen = plain.readUInt32BE(0)
  let meta: BackupMeta
  try {
    meta = JSON.parse(plain.subarray(4, 4 + metaLen).toString('utf8')) as BackupMeta
  } catch {
    throw invalid('The backup metadata is malformed')
  }
  if (meta?.format !== 1 || !Array.isArray(meta.files) || !Number.isSafeInteger(meta.schemaVersion)) throw invalid('The backup metadata is malformed')
  const files = new Map<string, Buffer>()
  let at = 4 + metaLen
  for (const f of meta.files) {
    if (typeof f.name !== 'string' || !Number.isSafeInteger(f.bytes) || f.bytes < 0 || at + f.bytes > plain.length) throw invalid('The backup metadata is malformed')
    files.set(f.name, plain.subarray(at, at + f.bytes))
    at += f.bytes
  }
  if (at !== plain.length) throw invalid('The backup payload is malformed')
  return { meta, files }
}

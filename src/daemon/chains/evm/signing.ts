/**
 * Off-chain signatures with an EVM key: EIP-191 personal_sign and EIP-712 typed data, both through ethers'
 * SigningKey (no hand-written crypto). The key buffer stays the caller's; it is wiped by them, not here.
 */
import { SigningKey, TypedDataEncoder, computeAddress, hashMessage, type TypedDataDomain, type TypedDataField } from 'ethers'
import { WaiaasError } from '../../../lib/errors.js'

/** A SigningKey from a 32-byte private key; INPUT_INVALID naming `key` for anything else. */
export function signingKeyFrom(key: Buffer): SigningKey {
  if (key.length !== 32) {
    throw new WaiaasError('INPUT_INVALID', `\`key\` must be 32 bytes, got ${key.length}`, { details: { field: 'key', length: key.length } })
  }
  try {
    return new SigningKey(new Uint8Array(key))
  } catch (err) {
    throw new WaiaasError('INPUT_INVALID', '`key` is not a valid secp256k1 private key', { details: { field: 'key' }, cause: err })
  }
}

/** A SigningKey as is, or one made from a 32-byte private key (a daemon may keep SigningKeys while unlocked). */
export function asSigningKey(key: Buffer | SigningKey): SigningKey {
  return key instanceof SigningKey ? key : signingKeyFrom(key)
}

/** The checksummed address of a 32-byte private key. */
export function addressOfKey(key: Buffer): string {
  return computeAddress(signingKeyFrom(key).publicKey)
}

/** EIP-191 personal_sign of `message` (a string is signed as UTF-8); verifies with ethers.verifyMessage. */
export function signPersonalMessage(key: Buffer | SigningKey, message: string | Uint8Array): string {
  return asSigningKey(key).sign(hashMessage(message)).serialized
}

export interface TypedData {
  domain: TypedDataDomain
  types: Record<string, TypedDataField[]>
  primaryType?: string
  message: Record<string, unknown>
}

const bad = (what: string, cause?: unknown): WaiaasError =>
  new WaiaasError('INPUT_INVALID', `\`typedData\` ${what}`, { details: { field: 'typedData' }, ...(cause === undefined ? {} : { cause }) })

/** Parses eth_signTypedData_v4 JSON (or the object) and keeps only the types reachable from primaryType. */
export function parseTypedData(input: string | TypedData): TypedData & { primaryType: string } {
  let data: unknown = input
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input)
    } catch (err) {
      throw bad('is not valid JSON', err)
    }
  }
  const d = data as Partial<TypedData> | null
  if (d === null || typeof d !== 'object' || typeof d.types !== 'object' || d.types === null) throw bad('needs a `types` object')
  if (typeof d.message !== 'object' || d.message === null) throw bad('needs a `message` object')
  const types = Object.fromEntries(Object.entries(d.types).filter(([name]) => name !== 'EIP712Domain'))
  let primaryType = d.primaryType
  if (primaryType === undefined) {
    try {
      primaryType = TypedDataEncoder.getPrimaryType(types)
    } catch (err) {
      throw bad('has no `primaryType` and it cannot be inferred', err)
    }
  }
  if (types[primaryType] === undefined) throw bad(`primaryType ${JSON.stringify(primaryType)} is not in types`)
  const reachable: Record<string, TypedDataField[]> = {}
  const visit = (name: string): void => {
    const fields = types[name]
    if (fields === undefined || reachable[name] !== undefined) return
    reachable[name] = fields
    for (const f of fields) visit(f.type.replace(/(\[\d*\])+$/, ''))
  }
  visit(primaryType)
  return { domain: d.domain ?? {}, types: reachable, primaryType, message: d.message }
}

/** EIP-712 signature of typed data (JSON text or object); verifies with ethers.verifyTypedData. */
export function signTypedData(key: Buffer | SigningKey, typedData: string | TypedData): string {
  const { domain, types, message } = parseTypedData(typedData)
  let digest: string
  try {
    digest = TypedDataEncoder.hash(domain, types, message)
  } catch (err) {
    throw bad(`does not match its types: ${(err as { shortMessage?: string }).shortMessage ?? String(err)}`, err)
  }
  return asSigningKey(key).sign(digest).serialized
}

/**
 * Owner approval by signature: a wallet's owner (an EVM address or a Solana public key, held outside the daemon)
 * approves or rejects one pending request by signing a canonical text message that names the request, the wallet,
 * the network, the hash of the request's content, the policy revision it was evaluated under, an expiry and a
 * one-time nonce. The text is what a wallet app shows the owner, so it is plain lines; parsing accepts only the exact
 * bytes `approvalMessage` produces, so there is one message per decision and nothing to normalise.
 */
import { createHash, createPublicKey, verify } from 'node:crypto'
import { base58, base64, base64nopad, base64url, base64urlnopad } from '@scure/base'
import { verifyMessage } from 'ethers'
import { WaiaasError, type ErrorCode } from '../../lib/errors.js'

export interface ApprovalFields {
  decision: 'approve' | 'reject'
  requestId: string
  /** The wallet's address. */
  wallet: string
  /** CAIP-2 id. */
  network: string
  /** 64 lower-case hex digits: contentHash() of the request. */
  contentHash: string
  policyRevision: number
  /** ISO-8601 UTC exactly as Date#toISOString writes it, e.g. 2030-01-01T00:00:00.000Z. */
  expiresAt: string
  /** 32 lower-case hex digits, single use. */
  nonce: string
}

/** What every approval message starts with, whatever its version: the daemon never signs text that contains it. */
export const APPROVAL_MARK = 'waiaas approval'
const HEADER = `${APPROVAL_MARK} v1`
const ORDER = ['decision', 'requestId', 'wallet', 'network', 'contentHash', 'policyRevision', 'expiresAt', 'nonce'] as const
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** Why `value` is not a valid `key`, or null when it is. */
function problem(key: (typeof ORDER)[number], value: unknown): string | null {
  const text = (re: RegExp, what: string): string | null => (typeof value === 'string' && re.test(value) ? null : `must be ${what}`)
  switch (key) {
    case 'decision':
      return value === 'approve' || value === 'reject' ? null : 'must be "approve" or "reject"'
    case 'requestId':
      return text(/^[A-Za-z0-9_.:-]{1,128}$/, '1-128 letters, digits or _ . : -')
    case 'wallet':
      return text(/^(0x[0-9a-fA-F]{40}|[1-9A-HJ-NP-Za-km-z]{32,44})$/, 'an EVM or Solana address')
    case 'network':
      return text(/^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}$/, 'a CAIP-2 network id')
    case 'contentHash':
      return text(/^[0-9a-f]{64}$/, '64 lower-case hex digits')
    case 'policyRevision':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? null : 'must be a non-negative integer'
    case 'expiresAt': {
      // Exactly Date#toISOString's form, so one instant has one spelling.
      if (typeof value !== 'string' || !ISO_UTC.test(value)) return 'must be an ISO-8601 UTC time like 2030-01-01T00:00:00.000Z'
      const t = new Date(value)
      return Number.isNaN(t.getTime()) || t.toISOString() !== value ? 'must be a real calendar time' : null
    }
    case 'nonce':
      return text(/^[0-9a-f]{32}$/, '32 lower-case hex digits')
  }
}

function check(f: ApprovalFields, code: ErrorCode): void {
  for (const key of ORDER) {
    const why = problem(key, (f as unknown as Record<string, unknown>)[key])
    if (why !== null) {
      const field = code === 'INPUT_INVALID' ? key : 'message'
      throw new WaiaasError(code, `approval \`${key}\` ${why}`, { details: { field, key } })
    }
  }
}

/** The canonical text the owner signs for `f`; INPUT_INVALID naming the field that is malformed. */
export function approvalMessage(f: ApprovalFields): string {
  check(f, 'INPUT_INVALID')
  return [HEADER, ...ORDER.map((k) => `${k}: ${String(f[k])}`)].join('\n')
}

/** The fields of an approval message; APPROVAL_INVALID unless `text` is byte for byte what approvalMessage writes. */
export function parseApprovalMessage(text: string): ApprovalFields {
  const refuse = (why: string): WaiaasError => new WaiaasError('APPROVAL_INVALID', `not a waiaas approval message: ${why}`, { details: { field: 'message' } })
  if (typeof text !== 'string') throw refuse('not text')
  const lines = text.split('\n')
  if (lines[0] !== HEADER) throw refuse(`the first line must be "${HEADER}"`)
  if (lines.length !== ORDER.length + 1) throw refuse(`expected ${ORDER.length + 1} lines, got ${lines.length}`)
  const values: Record<string, string> = {}
  ORDER.forEach((key, i) => {
    const line = lines[i + 1] ?? ''
    const prefix = `${key}: `
    if (!line.startsWith(prefix)) throw refuse(`line ${i + 2} must start with "${prefix}"`)
    values[key] = line.slice(prefix.length)
  })
  const revision = values.policyRevision ?? ''
  const fields = {
    ...values,
    policyRevision: /^(0|[1-9]\d{0,15})$/.test(revision) ? Number(revision) : Number.NaN,
  } as unknown as ApprovalFields
  check(fields, 'APPROVAL_INVALID')
  if (approvalMessage(fields) !== text) throw refuse('it is not in canonical form')
  return fields
}

/**
 * EIP-191 personal_sign of `message` by `owner`; false for another signer or a malformed signature. Only the 65-byte
 * r‖s‖v form that personal_sign returns is accepted (not EIP-2098 compact), so a signature has one spelling.
 */
function verifyEvm(owner: string, message: string, signature: string): boolean {
  if (!/^0x[0-9a-fA-F]{40}$/.test(owner) || !/^0x[0-9a-fA-F]{130}$/.test(signature)) return false
  try {
    return verifyMessage(message, signature).toLowerCase() === owner.toLowerCase()
  } catch {
    return false
  }
}

/** Every 64-byte reading of `signature` as 0x hex, base58 or base64 (an ambiguous string is tried each way). */
function ed25519Signatures(signature: string): Uint8Array[] {
  if (/^0x[0-9a-fA-F]{128}$/.test(signature)) return [Buffer.from(signature.slice(2), 'hex')]
  const out: Uint8Array[] = []
  for (const codec of [base58, base64, base64nopad, base64url, base64urlnopad]) {
    try {
      const bytes = codec.decode(signature)
      if (bytes.length === 64) out.push(bytes)
    } catch {
      // not this encoding
    }
  }
  return out
}

/** Ed25519 over the UTF-8 bytes of `message` by the base58 public key `owner`; false for anything malformed. */
function verifySolana(owner: string, message: string, signature: string): boolean {
  let raw: Uint8Array
  try {
    raw = base58.decode(owner)
  } catch {
    return false
  }
  if (raw.length !== 32) return false
  let key: ReturnType<typeof createPublicKey>
  try {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' })
  } catch {
    return false
  }
  const bytes = Buffer.from(message, 'utf8')
  return ed25519Signatures(signature).some((sig) => {
    try {
      return verify(null, bytes, key, sig)
    } catch {
      return false
    }
  })
}

/** Whether `signature` is `owner`'s signature of `message` (EIP-191 on EVM, Ed25519 on Solana); never throws. */
export function verifyOwnerSignature(chain: 'evm' | 'solana', owner: string, message: string, signature: string): boolean {
  if (typeof owner !== 'string' || typeof message !== 'string' || typeof signature !== 'string') return false
  const sig = signature.trim()
  if (chain === 'evm') return verifyEvm(owner, message, sig)
  if (chain === 'solana') return verifySolana(owner, message, sig)
  return false
}

/**
 * Canonical JSON: object keys sorted by UTF-16 code units (as RFC 8785), no whitespace, bigints as decimal strings,
 * undefined object fields dropped (undefined in arrays is null, as JSON.stringify does); INPUT_INVALID for values
 * JSON cannot carry (functions, symbols, non-finite numbers, cycles, class instances without toJSON).
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>()
  const bad = (why: string): WaiaasError => new WaiaasError('INPUT_INVALID', `value cannot be hashed: ${why}`, { details: { field: 'value' } })
  const walk = (v: unknown): string => {
    if (v === null) return 'null'
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return JSON.stringify(v)
      case 'number':
        if (!Number.isFinite(v)) throw bad(`${v} is not a finite number`)
        return JSON.stringify(v)
      case 'bigint':
        return JSON.stringify(v.toString())
      case 'object':
        break
      default:
        throw bad(`${typeof v} has no JSON form`)
    }
    const o = v as Record<string, unknown> & { toJSON?: unknown }
    if (typeof o.toJSON === 'function') return walk((o.toJSON as () => unknown)())
    if (seen.has(o)) throw bad('it contains a cycle')
    seen.add(o)
    let out: string
    if (Array.isArray(o)) {
      out = `[${o.map((x) => (x === undefined ? 'null' : walk(x))).join(',')}]`
    } else {
      const proto = Object.getPrototypeOf(o) as unknown
      if (proto !== Object.prototype && proto !== null) throw bad('only plain objects, arrays and primitives can be hashed')
      const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort()
      out = `{${keys.map((k) => `${JSON.stringify(k)}:${walk(o[k])}`).join(',')}}`
    }
    seen.delete(o)
    return out
  }
  if (value === undefined) throw bad('undefined has no JSON form')
  return walk(value)
}

/** SHA-256 (lower-case hex) of canonicalJson(value): the content a request's approval is bound to. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')
}

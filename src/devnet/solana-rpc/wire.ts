/**
 * Wire transactions: decoding base58/base64 payloads, splitting signatures from the message, handing them to
 * litesvm as a @solana/kit transaction, and the fee a validator charges for a message.
 */
import { VersionedMessage, VersionedTransaction, type PublicKey } from '@solana/web3.js'
import { base58 } from '@scure/base'
import type { LiteSVM } from 'litesvm'
import { INVALID_PARAMS, RpcError } from './rpc-error.js'

export type KitTransaction = Parameters<LiteSVM['sendTransaction']>[0]
export type Address = Parameters<LiteSVM['getAccount']>[0]

export const asAddress = (key: string | PublicKey): Address => (typeof key === 'string' ? key : key.toBase58()) as Address

/** A decoded wire transaction. */
export interface WireTx {
  raw: Uint8Array
  tx: VersionedTransaction
  messageBytes: Uint8Array
  /** base58 of the first signature: the transaction id. */
  signature: string
  accountKeys: string[]
}

/** Decodes `data` in `encoding` (base58 is the RPC default) into bytes. */
export function decodeBytes(data: unknown, encoding: unknown): Uint8Array {
  if (typeof data !== 'string') throw new RpcError(INVALID_PARAMS, 'Invalid params: expected a string')
  try {
    if (encoding === 'base64') return new Uint8Array(Buffer.from(data, 'base64'))
    if (encoding === undefined || encoding === null || encoding === 'base58') return base58.decode(data)
  } catch {
    throw new RpcError(INVALID_PARAMS, `invalid ${String(encoding ?? 'base58')} encoding`)
  }
  throw new RpcError(INVALID_PARAMS, `Invalid params: unsupported encoding: ${String(encoding)}. Supported encodings: base58, base64`)
}

/** Reads a compact-u16 ("shortvec") at `offset`. */
function shortvec(bytes: Uint8Array, offset: number): [value: number, size: number] {
  let value = 0
  for (let i = 0; i < 3; i++) {
    const b = bytes[offset + i]
    if (b === undefined) throw new Error('truncated shortvec')
    value |= (b & 0x7f) << (7 * i)
    if ((b & 0x80) === 0) return [value, i + 1]
  }
  throw new Error('bad shortvec')
}

export function parseWireTx(raw: Uint8Array): WireTx {
  let tx: VersionedTransaction
  let messageBytes: Uint8Array
  try {
    tx = VersionedTransaction.deserialize(raw)
    const [count, size] = shortvec(raw, 0)
    messageBytes = raw.subarray(size + count * 64)
  } catch (err) {
    throw new RpcError(INVALID_PARAMS, `failed to deserialize solana_transaction::versioned::VersionedTransaction: ${(err as Error).message}`)
  }
  const first = tx.signatures[0]
  if (first === undefined) throw new RpcError(INVALID_PARAMS, 'invalid transaction: Transaction requires at least one signature')
  return { raw, tx, messageBytes, signature: base58.encode(first), accountKeys: tx.message.staticAccountKeys.map((k) => k.toBase58()) }
}

/** The same transaction as litesvm's (kit) type: message bytes plus signer → signature. */
export function toKitTransaction(w: WireTx, messageBytes: Uint8Array = w.messageBytes): KitTransaction {
  const signatures: Record<string, Uint8Array> = {}
  const signers = w.tx.message.header.numRequiredSignatures
  for (let i = 0; i < signers; i++) {
    const key = w.accountKeys[i]
    if (key !== undefined) signatures[key] = w.tx.signatures[i] ?? new Uint8Array(64)
  }
  return { messageBytes, signatures } as unknown as KitTransaction
}

const COMPUTE_BUDGET = 'ComputeBudget111111111111111111111111111111'
/** Builtin programs get 3,000 compute units by default instead of 200,000 (agave's default limit rule). */
const BUILTINS = new Set([
  '11111111111111111111111111111111', COMPUTE_BUDGET, 'Vote111111111111111111111111111111111111111',
  'Stake11111111111111111111111111111111111111', 'Config1111111111111111111111111111111111111',
  'BPFLoader1111111111111111111111111111111111', 'BPFLoader2111111111111111111111111111111111',
  'BPFLoaderUpgradeab1e11111111111111111111111', 'LoaderV411111111111111111111111111111111111',
  'AddressLookupTab1e1111111111111111111111111',
])
export const LAMPORTS_PER_SIGNATURE = 5000

/** The fee a validator charges: 5,000 lamports per signature plus the priority fee (price × limit, rounded up). */
export function feeForMessage(message: VersionedMessage): number {
  const keys = message.staticAccountKeys.map((k) => k.toBase58())
  let limit: number | undefined
  let price = 0n
  let defaultLimit = 0
  for (const ix of message.compiledInstructions) {
    const program = keys[ix.programIdIndex] ?? ''
    const data = Buffer.from(ix.data)
    if (program === COMPUTE_BUDGET && data[0] === 2 && data.length >= 5) limit = data.readUInt32LE(1)
    if (program === COMPUTE_BUDGET && data[0] === 3 && data.length >= 9) price = data.readBigUInt64LE(1)
    defaultLimit += BUILTINS.has(program) ? 3000 : 200_000
  }
  const units = BigInt(Math.min(limit ?? defaultLimit, 1_400_000))
  const priority = (price * units + 999_999n) / 1_000_000n
  return message.header.numRequiredSignatures * LAMPORTS_PER_SIGNATURE + Number(priority)
}

/** True when the transaction's first instruction advances a durable nonce (its blockhash is a nonce value). */
export function usesDurableNonce(message: VersionedMessage): boolean {
  const ix = message.compiledInstructions[0]
  if (ix === undefined) return false
  const program = message.staticAccountKeys[ix.programIdIndex]?.toBase58()
  return program === '11111111111111111111111111111111' && ix.data.length >= 4 && Buffer.from(ix.data).readUInt32LE(0) === 4
}

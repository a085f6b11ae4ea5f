/**
 * The policy is evaluated on what will actually be signed: this module turns an intent, EVM calldata, an unsigned
 * EVM transaction or a serialised Solana transaction into the engine's `Action`s, offline. Calldata is read in
 * decode-evm.ts, Solana transactions in decode-solana.ts; both are re-exported here.
 *
 * Choices:
 * - Anything that cannot be decoded with certainty becomes an action at least as strict as what it may do, never a
 *   lighter one: see the two decoders. Unparseable input is refused with INPUT_INVALID.
 * - A zero-value EVM call without data is a `contract-call` with selector null (it runs the receive/fallback code).
 * - `sign tx` on EVM returns fields, not the given encoding: a legacy `gasPrice` becomes both EIP-1559 fee caps, a
 *   JSON `from` is ignored (the wallet signs), access lists and other transaction types are refused.
 */
import { Transaction, getAddress, getBigInt, isHexString } from 'ethers'
import { WaiaasError } from '../../lib/errors.js'
import { parseTypedData, type TypedData } from '../chains/evm/signing.js'
import type { TxIntent } from '../chains/types.js'
import { EVM_ADDRESS, EVM_UNLIMITED, addressKey, decodeEvmCall } from './decode-evm.js'
import type { Action, TypedDataDomain } from './types.js'

export { addressKey, decodeEvmCall, type EvmDecodeOptions } from './decode-evm.js'
export { actionsFromSolanaTx, INCINERATOR, type ResolveLamports, type ResolveTokenAccount } from './decode-solana.js'

const MAX_UINT256 = (1n << 256n) - 1n
const U64_MAX = (1n << 64n) - 1n

/**
 * The actions of an intent the daemon builds itself; a contract call is decoded from its calldata (`wallet`: the
 * signing wallet, see decodeEvmCall). INPUT_INVALID (field `data`) for calldata whose wrappers cannot be read.
 */
export function actionsFromIntent(intent: TxIntent, wallet?: string): Action[] {
  switch (intent.kind) {
    case 'native-transfer':
      return [{ kind: 'native-transfer', to: addressKey(intent.to), amount: intent.amount }]
    case 'token-transfer':
      return [{ kind: 'token-transfer', token: addressKey(intent.token), to: addressKey(intent.to), amount: intent.amount }]
    case 'batch': {
      // Through a batcher, native value goes to it and it pays each recipient: the simulated effect is matched by `via`.
      const via = intent.via === undefined ? undefined : addressKey(intent.via)
      return intent.transfers.flatMap((t) => actionsFromIntent(t, wallet)).map((a) => (via !== undefined && a.kind === 'native-transfer' ? { ...a, via } : a))
    }
    case 'token-approve': {
      const evm = EVM_ADDRESS.test(intent.token)
      const unlimited = evm ? intent.amount >= EVM_UNLIMITED : intent.amount >= U64_MAX
      return [{ kind: 'token-approve', token: addressKey(intent.token), spender: addressKey(intent.spender), amount: intent.amount, unlimited }]
    }
    case 'contract-call':
      return decodeEvmCall(intent.to, intent.data, intent.value, { wallet, field: 'data' })
    default:
      throw new WaiaasError('INPUT_INVALID', `unknown intent kind ${JSON.stringify((intent as { kind?: unknown }).kind)}`, { details: { field: 'kind' } })
  }
}

export interface UnsignedEvmTx {
  to: string
  data: string
  value: bigint
  nonce: number | null
  gasLimit: bigint | null
  maxFeePerGas: bigint | null
  maxPriorityFeePerGas: bigint | null
  chainId: number
}

const invalid = (field: string, why: string, cause?: unknown): WaiaasError =>
  new WaiaasError('INPUT_INVALID', `\`${field}\` ${why}`, { details: { field }, ...(cause === undefined ? {} : { cause }) })

const JSON_KEYS = new Set(['to', 'from', 'data', 'value', 'nonce', 'gas', 'gasLimit', 'maxFeePerGas', 'maxPriorityFeePerGas', 'chainId', 'type', 'accessList'])

/** A non-negative integer from a bigint, safe number, decimal string or 0x hex string; null when absent. */
function uintField(raw: unknown, field: string, max = MAX_UINT256): bigint | null {
  if (raw === undefined || raw === null) return null
  let v: bigint | null = null
  if (typeof raw === 'bigint') v = raw
  else if (typeof raw === 'number' && Number.isSafeInteger(raw)) v = BigInt(raw)
  else if (typeof raw === 'string' && /^(0|[1-9]\d*|0x[0-9a-fA-F]+)$/.test(raw)) v = BigInt(raw)
  if (v === null || v < 0n || v > max) throw invalid(field, `must be a non-negative integer (decimal string or 0x hex) of at most ${max}, got ${JSON.stringify(String(raw)).slice(0, 80)}`)
  return v
}

function toField(raw: unknown): string {
  if (raw === undefined || raw === null || raw === '' || raw === '0x') throw invalid('transaction.to', 'is missing: contract creation is not supported')
  if (typeof raw !== 'string' || !EVM_ADDRESS.test(raw)) throw invalid('transaction.to', `must be a 0x address with 40 hex digits, got ${JSON.stringify(String(raw)).slice(0, 80)}`)
  try {
    return getAddress(raw)
  } catch (err) {
    throw invalid('transaction.to', `has an invalid checksum: ${raw}`, err)
  }
}

function dataField(raw: unknown): string {
  if (raw === undefined || raw === null) return '0x'
  if (typeof raw !== 'string' || !isHexString(raw) || raw.length % 2 !== 0) throw invalid('transaction.data', 'must be 0x-prefixed hex with whole bytes')
  return raw.toLowerCase()
}

function fromJson(o: Record<string, unknown>): Omit<UnsignedEvmTx, 'chainId'> & { chainId: bigint | null } {
  for (const k of Object.keys(o)) {
    if (!JSON_KEYS.has(k)) throw invalid(`transaction.${k}`, `is not supported; give only ${[...JSON_KEYS].join(', ')}`)
  }
  const type = uintField(o.type, 'transaction.type')
  if (type !== null && type !== 2n) throw invalid('transaction.type', `must be 2 (EIP-1559) when given, got ${type}`)
  if (o.accessList !== undefined && !(Array.isArray(o.accessList) && o.accessList.length === 0)) throw invalid('transaction.accessList', 'must be empty: access lists are not supported')
  const gas = uintField(o.gas, 'transaction.gas')
  const gasLimit = uintField(o.gasLimit, 'transaction.gasLimit')
  if (gas !== null && gasLimit !== null && gas !== gasLimit) throw invalid('transaction.gasLimit', `differs from \`transaction.gas\` (${gasLimit} ≠ ${gas})`)
  const nonce = uintField(o.nonce, 'transaction.nonce', BigInt(Number.MAX_SAFE_INTEGER))
  return {
    to: toField(o.to),
    data: dataField(o.data),
    value: uintField(o.value, 'transaction.value') ?? 0n,
    nonce: nonce === null ? null : Number(nonce),
    gasLimit: gasLimit ?? gas,
    maxFeePerGas: uintField(o.maxFeePerGas, 'transaction.maxFeePerGas'),
    maxPriorityFeePerGas: uintField(o.maxPriorityFeePerGas, 'transaction.maxPriorityFeePerGas'),
    chainId: uintField(o.chainId, 'transaction.chainId'),
  }
}

function fromHex(hex: string): Omit<UnsignedEvmTx, 'chainId'> & { chainId: bigint | null } {
  if (!isHexString(hex) || hex.length % 2 !== 0 || hex.length < 4) throw invalid('transaction', 'must be a 0x hex serialised transaction or a JSON object')
  let tx: Transaction
  try {
    tx = Transaction.from(hex)
  } catch (err) {
    throw invalid('transaction', `is not a serialised EVM transaction: ${(err as { shortMessage?: string }).shortMessage ?? String(err)}`, err)
  }
  if (tx.signature !== null) throw invalid('transaction.signature', 'is present: give the unsigned transaction')
  if (tx.type !== 0 && tx.type !== 2) throw invalid('transaction.type', `must be legacy (0) or EIP-1559 (2), got ${tx.type}`)
  if (tx.accessList !== null && tx.accessList.length > 0) throw invalid('transaction.accessList', 'must be empty: access lists are not supported')
  // Serialisers write 0 for unset gas fields; 0 is never usable there, so it means "estimate it".
  const orNull = (v: bigint | null): bigint | null => (v === null || v === 0n ? null : v)
  const maxFeePerGas = orNull(tx.type === 0 ? tx.gasPrice : tx.maxFeePerGas)
  const priority = tx.type === 0 ? tx.gasPrice : tx.maxPriorityFeePerGas
  return {
    to: toField(tx.to),
    data: tx.data.toLowerCase(),
    value: tx.value,
    nonce: tx.nonce,
    gasLimit: orNull(tx.gasLimit),
    maxFeePerGas,
    maxPriorityFeePerGas: maxFeePerGas === null && priority === 0n ? null : priority,
    // An unsigned legacy transaction without EIP-155 fields has chainId 0: it is signed for this network.
    chainId: tx.type === 0 && tx.chainId === 0n ? null : tx.chainId,
  }
}

/**
 * The fields of a transaction given to `sign tx`: an unsigned serialised transaction (legacy or EIP-1559) or a JSON
 * object. Legacy `gasPrice` becomes both fee caps. INPUT_INVALID naming `transaction.<field>` for a signed
 * transaction, contract creation, another chain, non-hex data, an access list or an unknown field.
 */
export function parseUnsignedEvmTx(input: string | Record<string, unknown>, chainId: number): UnsignedEvmTx {
  let f: ReturnType<typeof fromHex>
  if (typeof input === 'string') f = fromHex(input.trim())
  else if (input !== null && typeof input === 'object' && !Array.isArray(input)) f = fromJson(input)
  else throw invalid('transaction', 'must be a 0x hex serialised transaction or a JSON object')
  if (f.chainId !== null && f.chainId !== BigInt(chainId)) {
    throw new WaiaasError('INPUT_INVALID', `\`transaction.chainId\` is ${f.chainId} but the network's chain id is ${chainId}`, {
      details: { field: 'transaction.chainId', chainId: f.chainId.toString(), expected: chainId },
    })
  }
  if (f.maxFeePerGas !== null && f.maxPriorityFeePerGas !== null && f.maxPriorityFeePerGas > f.maxFeePerGas) {
    throw invalid('transaction.maxPriorityFeePerGas', `(${f.maxPriorityFeePerGas}) must not exceed \`transaction.maxFeePerGas\` (${f.maxFeePerGas})`)
  }
  return { ...f, chainId }
}

// ---------------------------------------------------------------------------------------------------- typed data

/** The EIP-712 domain of typed data (JSON text or object), as the policy sees it; INPUT_INVALID naming the field. */
export function typedDataDomain(typedData: string | object): TypedDataDomain {
  const { domain } = parseTypedData(typedData as string | TypedData)
  if (typeof domain !== 'object' || domain === null || Array.isArray(domain)) throw invalid('typedData.domain', 'must be an object')
  const out: TypedDataDomain = {}
  const str = (k: 'name' | 'version'): void => {
    const v = domain[k]
    if (v === undefined || v === null) return
    if (typeof v !== 'string') throw invalid(`typedData.domain.${k}`, 'must be a string')
    out[k] = v
  }
  str('name')
  str('version')
  if (domain.chainId !== undefined && domain.chainId !== null) {
    try {
      out.chainId = getBigInt(domain.chainId)
    } catch (err) {
      throw invalid('typedData.domain.chainId', `must be an integer, got ${JSON.stringify(String(domain.chainId)).slice(0, 80)}`, err)
    }
    if (out.chainId < 0n) throw invalid('typedData.domain.chainId', 'must not be negative')
  }
  const vc = domain.verifyingContract
  if (vc !== undefined && vc !== null) {
    if (typeof vc !== 'string' || !EVM_ADDRESS.test(vc)) throw invalid('typedData.domain.verifyingContract', `must be a 0x address with 40 hex digits, got ${JSON.stringify(String(vc)).slice(0, 80)}`)
    out.verifyingContract = vc.toLowerCase()
  }
  return out
}

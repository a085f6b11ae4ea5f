/**
 * The policy is evaluated on what will actually be signed: this module turns an intent, EVM calldata, an unsigned
 * EVM transaction or a serialised Solana transaction into the engine's `Action`s, offline.
 *
 * Choices:
 * - Anything that cannot be decoded with certainty becomes a `contract-call`, never a lighter classification:
 *   malformed calldata for a known selector, a token instruction whose recipient cannot be resolved, a program we do
 *   not know. Unparseable input is refused with INPUT_INVALID.
 * - EVM calldata is matched by selector only, so ERC-721 `transferFrom`/`approve` (same selectors as ERC-20) are read
 *   as token actions whose amount is the token id; rules keyed on the contract still apply.
 * - A zero-value EVM call without data is a `contract-call` with selector null (it runs the receive/fallback code).
 * - On Solana the owner of a destination token account comes from `resolveTokenAccount`, else from an associated
 *   token account created earlier in the same transaction (the ATA program refuses an account of another owner).
 * - System `createAccount`(WithSeed) funded by the wallet is a `contract-call` on the System program whose value is
 *   the lamports it moves, so spending limits see them; a System transfer from another account is a `contract-call`.
 *   SPL transfers count as token transfers whichever authority signs them.
 * - `sign tx` on EVM returns fields, not the given encoding: a legacy `gasPrice` becomes both EIP-1559 fee caps, a
 *   JSON `from` is ignored (the wallet signs), access lists and other transaction types are refused.
 */
import {
  ComputeBudgetInstruction, ComputeBudgetProgram, PublicKey, SystemInstruction, SystemProgram, TransactionInstruction, VersionedMessage, VersionedTransaction,
  type MessageCompiledInstruction,
} from '@solana/web3.js'
import {
  ASSOCIATED_TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, TokenInstruction, decodeApproveCheckedInstruction, decodeApproveInstruction,
  decodeTransferCheckedInstruction, decodeTransferInstruction, getAssociatedTokenAddressSync,
} from '@solana/spl-token'
import { Interface, Transaction, getAddress, getBigInt, isHexString } from 'ethers'
import { WaiaasError } from '../../lib/errors.js'
import { parseTypedData, type TypedData } from '../chains/evm/signing.js'
import type { TxIntent } from '../chains/types.js'
import type { Action, TypedDataDomain } from './types.js'

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/
const EVM_UNLIMITED = 1n << 255n
const MAX_UINT256 = (1n << 256n) - 1n
const U64_MAX = (1n << 64n) - 1n

/** The canonical key of an address: EVM lower-case 0x hex, anything else (Solana base58) as is. */
export const addressKey = (address: string): string => (EVM_ADDRESS.test(address) ? address.toLowerCase() : address)

/** The actions of an intent the daemon builds itself; a contract call is decoded from its calldata. */
export function actionsFromIntent(intent: TxIntent): Action[] {
  switch (intent.kind) {
    case 'native-transfer':
      return [{ kind: 'native-transfer', to: addressKey(intent.to), amount: intent.amount }]
    case 'token-transfer':
      return [{ kind: 'token-transfer', token: addressKey(intent.token), to: addressKey(intent.to), amount: intent.amount }]
    case 'token-approve': {
      const evm = EVM_ADDRESS.test(intent.token)
      const unlimited = evm ? intent.amount >= EVM_UNLIMITED : intent.amount >= U64_MAX
      return [{ kind: 'token-approve', token: addressKey(intent.token), spender: addressKey(intent.spender), amount: intent.amount, unlimited }]
    }
    case 'contract-call':
      return decodeEvmCall(intent.to, intent.data, intent.value)
    default:
      throw new WaiaasError('INPUT_INVALID', `unknown intent kind ${JSON.stringify((intent as { kind?: unknown }).kind)}`, { details: { field: 'kind' } })
  }
}

const calls = new Interface([
  'function transfer(address to, uint256 amount)',
  'function transferFrom(address from, address to, uint256 amount)',
  'function approve(address spender, uint256 amount)',
  'function increaseAllowance(address spender, uint256 addedValue)',
  'function setApprovalForAll(address operator, bool approved)',
])

/** Token actions of the known selectors; null when `data` does not decode exactly (wrong length, dirty address). */
function evmTokenAction(token: string, selector: string, data: string): Action | null {
  const fn = calls.getFunction(selector)
  if (fn === null || data.length !== 10 + 64 * fn.inputs.length) return null
  let args: unknown[]
  try {
    // ethers defers some decoding errors (e.g. an address with dirty high bytes) until a value is read
    const result = calls.decodeFunctionData(fn, data)
    args = fn.inputs.map((_, i) => result[i] as unknown)
  } catch {
    return null
  }
  const addr = (i: number): string => String(args[i]).toLowerCase()
  const uint = (i: number): bigint => args[i] as bigint
  switch (fn.name) {
    case 'transfer':
      return { kind: 'token-transfer', token, to: addr(0), amount: uint(1) }
    case 'transferFrom':
      return { kind: 'token-transfer', token, to: addr(1), amount: uint(2) }
    case 'approve':
    case 'increaseAllowance':
      return { kind: 'token-approve', token, spender: addr(0), amount: uint(1), unlimited: uint(1) >= EVM_UNLIMITED }
    case 'setApprovalForAll': {
      const all = args[1] === true
      return { kind: 'token-approve', token, spender: addr(0), amount: all ? MAX_UINT256 : 0n, unlimited: all }
    }
    default:
      return null
  }
}

/** The actions of an EVM call of `to` with calldata `data` and `value` wei; never throws. */
export function decodeEvmCall(to: string, data: string, value: bigint): Action[] {
  const contract = addressKey(to)
  const hex = typeof data === 'string' ? data.toLowerCase() : ''
  if (hex === '0x' || hex === '') {
    return value > 0n ? [{ kind: 'native-transfer', to: contract, amount: value }] : [{ kind: 'contract-call', contract, selector: null, value }]
  }
  if (!/^0x([0-9a-f]{2})+$/.test(hex) || hex.length < 10) return [{ kind: 'contract-call', contract, selector: null, value }]
  const selector = hex.slice(0, 10)
  const action = evmTokenAction(contract, selector, hex)
  if (action === null) return [{ kind: 'contract-call', contract, selector, value }]
  return value > 0n ? [action, { kind: 'native-transfer', to: contract, amount: value }] : [action]
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

// ---------------------------------------------------------------------------------------------------- Solana

export type ResolveTokenAccount = (address: string) => Promise<{ owner: string; mint: string; decimals: number } | null>

const PACKET_SIZE = 1232
const TOKEN_PROGRAMS = [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID]

/** The message of a base64 transaction or message; the round trip rejects trailing or non-canonical bytes. */
function solanaMessage(base64: string): VersionedMessage {
  const text = typeof base64 === 'string' ? base64.trim() : ''
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) throw invalid('transaction', 'must be a base64 serialised Solana transaction or message')
  const bytes = Buffer.from(text, 'base64')
  if (bytes.length > PACKET_SIZE) throw invalid('transaction', `is ${bytes.length} bytes, more than a Solana transaction can hold (${PACKET_SIZE})`)
  const same = (a: Uint8Array): boolean => Buffer.from(a).equals(bytes)
  try {
    const tx = VersionedTransaction.deserialize(bytes)
    if (tx.signatures.length === tx.message.header.numRequiredSignatures && same(tx.serialize())) return tx.message
  } catch {
    // not a transaction: try a bare message
  }
  try {
    const msg = VersionedMessage.deserialize(bytes)
    if (same(msg.serialize())) return msg
  } catch (err) {
    throw invalid('transaction', 'is neither a serialised Solana transaction nor a message', err)
  }
  throw invalid('transaction', 'is neither a serialised Solana transaction nor a message')
}

interface AtaCreation {
  ata: string
  owner: string
  mint: string
  program: PublicKey
}

/** The owner the ATA program guarantees for `ata`, when an earlier instruction creates it and its address derives. */
function ownerFromCreation(created: AtaCreation[], ata: string, program: PublicKey): AtaCreation | null {
  for (const c of created) {
    if (c.ata !== ata || !c.program.equals(program)) continue
    const derived = getAssociatedTokenAddressSync(new PublicKey(c.mint), new PublicKey(c.owner), true, program)
    if (derived.toBase58() === ata) return c
  }
  return null
}

/**
 * The actions of a Solana transaction (or message) given to `sign tx`, with the message bytes to sign and the most its
 * compute-unit price can cost (price × limit; without a limit instruction, 200k units per instruction up to 1.4M).
 * INPUT_INVALID when the wallet is not its fee payer, it uses address lookup tables, or it is not a legacy or v0
 * message.
 */
export async function actionsFromSolanaTx(
  base64: string,
  wallet: string,
  resolveTokenAccount?: ResolveTokenAccount,
): Promise<{ actions: Action[]; message: Uint8Array; feePayer: string; priorityFeeLamports: bigint }> {
  const msg = solanaMessage(base64)
  if (msg.version !== 'legacy' && msg.version !== 0) throw invalid('transaction', `uses message version ${msg.version}; only legacy and v0 messages are supported`)
  if (msg.addressTableLookups.length > 0) {
    throw invalid('transaction', 'uses address lookup tables, which cannot be decoded offline; build it with its accounts listed in the message')
  }
  const keys = msg.staticAccountKeys
  const feePayer = keys[0]?.toBase58() ?? ''
  if (msg.header.numRequiredSignatures < 1 || feePayer !== wallet) {
    throw new WaiaasError('INPUT_INVALID', `the fee payer of the transaction is ${feePayer || 'missing'}, not the wallet ${wallet}`, {
      details: { field: 'transaction.feePayer', feePayer, wallet },
    })
  }
  const actions: Action[] = []
  const created: AtaCreation[] = []
  const budget: ComputeBudget = { unitLimit: null, microLamports: 0n }
  const callOf = (program: PublicKey): Action => ({ kind: 'contract-call', contract: program.toBase58(), selector: null, value: 0n })
  for (const compiled of msg.compiledInstructions) {
    const ix = toInstruction(msg, compiled)
    const program = ix.programId
    if (program.equals(ComputeBudgetProgram.programId)) {
      readComputeBudget(ix, budget)
      continue
    }
    if (program.equals(SystemProgram.programId)) {
      actions.push(systemAction(ix, wallet) ?? callOf(program))
      continue
    }
    if (program.equals(ASSOCIATED_TOKEN_PROGRAM_ID)) {
      const creation = ataCreation(ix)
      if (creation === null) actions.push(callOf(program))
      else created.push(creation)
      continue
    }
    if (TOKEN_PROGRAMS.some((p) => p.equals(program))) {
      actions.push((await splTokenAction(ix, created, resolveTokenAccount)) ?? callOf(program))
      continue
    }
    actions.push(callOf(program))
  }
  const others = msg.compiledInstructions.filter((c) => !msg.staticAccountKeys[c.programIdIndex]?.equals(ComputeBudgetProgram.programId)).length
  const units = BigInt(Math.min(MAX_COMPUTE_UNITS, budget.unitLimit ?? DEFAULT_UNITS_PER_INSTRUCTION * others))
  const priorityFeeLamports = (budget.microLamports * units + 999_999n) / 1_000_000n
  return { actions, message: msg.serialize(), feePayer, priorityFeeLamports }
}

const MAX_COMPUTE_UNITS = 1_400_000
const DEFAULT_UNITS_PER_INSTRUCTION = 200_000

interface ComputeBudget {
  unitLimit: number | null
  microLamports: bigint
}

/** Notes the unit limit and price; other (or malformed) budget instructions change no fee the wallet pays. */
function readComputeBudget(ix: TransactionInstruction, budget: ComputeBudget): void {
  try {
    const type = ComputeBudgetInstruction.decodeInstructionType(ix)
    if (type === 'SetComputeUnitLimit') budget.unitLimit = ComputeBudgetInstruction.decodeSetComputeUnitLimit(ix).units
    if (type === 'SetComputeUnitPrice') budget.microLamports = BigInt(ComputeBudgetInstruction.decodeSetComputeUnitPrice(ix).microLamports)
  } catch {
    // SetLoadedAccountsDataSizeLimit and friends: web3.js cannot decode them, and they carry no fee
  }
}

function toInstruction(msg: VersionedMessage, c: MessageCompiledInstruction): TransactionInstruction {
  const key = (i: number): PublicKey => {
    const k = msg.staticAccountKeys[i]
    if (k === undefined) throw invalid('transaction', `an instruction refers to account ${i}, but the message lists ${msg.staticAccountKeys.length}`)
    return k
  }
  return new TransactionInstruction({
    programId: key(c.programIdIndex),
    keys: c.accountKeyIndexes.map((i) => ({ pubkey: key(i), isSigner: msg.isAccountSigner(i), isWritable: msg.isAccountWritable(i) })),
    data: Buffer.from(c.data),
  })
}

/** Transfers from the wallet as native transfers, account creation funded by it as a valued call; null otherwise. */
function systemAction(ix: TransactionInstruction, wallet: string): Action | null {
  try {
    switch (SystemInstruction.decodeInstructionType(ix)) {
      case 'Transfer': {
        const t = SystemInstruction.decodeTransfer(ix)
        return t.fromPubkey.toBase58() === wallet ? { kind: 'native-transfer', to: t.toPubkey.toBase58(), amount: BigInt(t.lamports) } : null
      }
      case 'TransferWithSeed': {
        const t = SystemInstruction.decodeTransferWithSeed(ix)
        return t.basePubkey.toBase58() === wallet ? { kind: 'native-transfer', to: t.toPubkey.toBase58(), amount: BigInt(t.lamports) } : null
      }
      case 'Create': {
        const c = SystemInstruction.decodeCreateAccount(ix)
        return { kind: 'contract-call', contract: ix.programId.toBase58(), selector: null, value: c.fromPubkey.toBase58() === wallet ? BigInt(c.lamports) : 0n }
      }
      case 'CreateWithSeed': {
        const c = SystemInstruction.decodeCreateWithSeed(ix)
        return { kind: 'contract-call', contract: ix.programId.toBase58(), selector: null, value: c.fromPubkey.toBase58() === wallet ? BigInt(c.lamports) : 0n }
      }
      default:
        return null
    }
  } catch {
    return null
  }
}

/** Create / CreateIdempotent of the associated token account program; null for anything else. */
function ataCreation(ix: TransactionInstruction): AtaCreation | null {
  const kind = ix.data.length === 0 ? 0 : ix.data.length === 1 ? ix.data[0] : -1
  const [, ata, owner, mint, , program] = ix.keys
  if ((kind !== 0 && kind !== 1) || ata === undefined || owner === undefined || mint === undefined || program === undefined) return null
  if (!TOKEN_PROGRAMS.some((p) => p.equals(program.pubkey))) return null
  return { ata: ata.pubkey.toBase58(), owner: owner.pubkey.toBase58(), mint: mint.pubkey.toBase58(), program: program.pubkey }
}

/** A token account's owner and mint, from the resolver, else from its creation earlier in the transaction. */
async function accountInfo(
  account: PublicKey,
  program: PublicKey,
  created: AtaCreation[],
  resolve: ResolveTokenAccount | undefined,
): Promise<{ owner: string; mint: string } | null> {
  const address = account.toBase58()
  const resolved = resolve === undefined ? null : await resolve(address)
  if (resolved !== null) return resolved
  return ownerFromCreation(created, address, program)
}

interface TokenOp {
  kind: 'transfer' | 'approve'
  /** The destination (transfer) or the source (approve) token account, whose mint (and owner) must be known. */
  account: PublicKey
  /** The mint the instruction names (the *Checked forms), else null. */
  mint: string | null
  amount: bigint
  delegate: string | null
}

/** transfer(Checked) and approve(Checked) of SPL Token / Token-2022; null for other or malformed instructions. */
function decodeTokenOp(ix: TransactionInstruction): TokenOp | null {
  const program = ix.programId
  try {
    switch (ix.data[0]) {
      case TokenInstruction.Transfer: {
        const d = decodeTransferInstruction(ix, program)
        return { kind: 'transfer', account: d.keys.destination.pubkey, mint: null, amount: d.data.amount, delegate: null }
      }
      case TokenInstruction.TransferChecked: {
        const d = decodeTransferCheckedInstruction(ix, program)
        return { kind: 'transfer', account: d.keys.destination.pubkey, mint: d.keys.mint.pubkey.toBase58(), amount: d.data.amount, delegate: null }
      }
      case TokenInstruction.Approve: {
        const d = decodeApproveInstruction(ix, program)
        return { kind: 'approve', account: d.keys.account.pubkey, mint: null, amount: d.data.amount, delegate: d.keys.delegate.pubkey.toBase58() }
      }
      case TokenInstruction.ApproveChecked: {
        const d = decodeApproveCheckedInstruction(ix, program)
        return { kind: 'approve', account: d.keys.account.pubkey, mint: d.keys.mint.pubkey.toBase58(), amount: d.data.amount, delegate: d.keys.delegate.pubkey.toBase58() }
      }
      default:
        return null
    }
  } catch {
    return null
  }
}

/** The action of a token instruction; null (→ contract-call) when it is another one or its accounts are unknown. */
async function splTokenAction(ix: TransactionInstruction, created: AtaCreation[], resolve: ResolveTokenAccount | undefined): Promise<Action | null> {
  const op = decodeTokenOp(ix)
  if (op === null) return null
  if (op.kind === 'approve') {
    // The delegate is named by the instruction; only the mint may need the source account.
    const mint = op.mint ?? (await accountInfo(op.account, ix.programId, created, resolve))?.mint
    if (mint === undefined || op.delegate === null) return null
    return { kind: 'token-approve', token: mint, spender: op.delegate, amount: op.amount, unlimited: op.amount >= U64_MAX }
  }
  const dst = await accountInfo(op.account, ix.programId, created, resolve)
  if (dst === null || (op.mint !== null && dst.mint !== op.mint)) return null
  return { kind: 'token-transfer', token: dst.mint, to: dst.owner, amount: op.amount }
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

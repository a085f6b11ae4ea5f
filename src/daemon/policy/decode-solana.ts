/**
 * A Solana transaction (or message) given to `sign tx` → policy actions, offline but for two lookups the caller
 * supplies: the owner and mint of a token account, and the lamports an account holds.
 *
 * Choices:
 * - The token programs (SPL Token and Token-2022) read an instruction's fields from the start of its data and ignore
 *   bytes after them, so the decoder does the same: trailing bytes never turn a token instruction into something
 *   lighter. Data shorter than the fields makes the program fail, and is an opaque call.
 * - Transfer, TransferChecked and Token-2022's TransferCheckedWithFee are token transfers to the owner of the
 *   destination account (from `resolveTokenAccount`, else from an associated token account created earlier in the
 *   same transaction: the ATA program refuses an account of another owner), whichever authority signs them.
 *   Approve(Checked) is an approval of the delegate, unlimited at u64::MAX. Burn(Checked) is a token transfer to the
 *   incinerator (INCINERATOR), so token limits count it and a RECIPIENT_ALLOWLIST must list that address.
 *   SetAuthority over a token account is an unlimited approval to the new authority (an owner or close authority can
 *   take what the account holds). CloseAccount and WithdrawExcessLamports to another account than the wallet are
 *   native transfers of every lamport the closed account holds (u64::MAX when it cannot be read).
 * - Every other token instruction, and any whose accounts cannot be resolved, is a `contract-call` on the token
 *   program: denied unless CONTRACT_ALLOWLIST lists that program.
 * - System `createAccount`(WithSeed) funded by the wallet is a `contract-call` on the System program whose value is
 *   the lamports it moves, so spending limits see them; a System transfer from another account is a `contract-call`.
 *   Assign(WithSeed) of the wallet's account to another program, and a nonce account's Withdraw or new authority
 *   where the wallet is the authority, are native transfers (to that program, recipient or authority) of every
 *   lamport they put out of the wallet's reach: listing the System program on CONTRACT_ALLOWLIST, as creating
 *   accounts needs, must not let them through.
 */
import {
  ComputeBudgetInstruction, ComputeBudgetProgram, PublicKey, SystemInstruction, SystemProgram, TransactionInstruction, VersionedMessage, VersionedTransaction,
  type MessageCompiledInstruction,
} from '@solana/web3.js'
import { ASSOCIATED_TOKEN_PROGRAM_ID, isTokenProgram, splToken, type SplToken } from '../chains/solana/spl.js'
import { WaiaasError } from '../../lib/errors.js'
import type { Action } from './types.js'

/** The owner, mint and mint decimals of a token account; null when the address is no token account. */
export type ResolveTokenAccount = (address: string) => Promise<{ owner: string; mint: string; decimals: number } | null>
/** The lamports an account holds; null when it does not exist. */
export type ResolveLamports = (address: string) => Promise<bigint | null>

/** Where burnt tokens are said to go: Solana's well-known incinerator address. */
export const INCINERATOR = '1nc1nerator11111111111111111111111111111111'

const U64_MAX = (1n << 64n) - 1n
const PACKET_SIZE = 1232
/** Token-2022 (and p-token) WithdrawExcessLamports; @solana/spl-token 0.4 has no name for it. */
const WITHDRAW_EXCESS_LAMPORTS = 38

const invalid = (field: string, why: string, cause?: unknown): WaiaasError =>
  new WaiaasError('INPUT_INVALID', `\`${field}\` ${why}`, { details: { field }, ...(cause === undefined ? {} : { cause }) })

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
function ownerFromCreation(spl: SplToken, created: AtaCreation[], ata: string, program: PublicKey): AtaCreation | null {
  for (const c of created) {
    if (c.ata !== ata || !c.program.equals(program)) continue
    const derived = spl.getAssociatedTokenAddressSync(new PublicKey(c.mint), new PublicKey(c.owner), true, program)
    if (derived.toBase58() === ata) return c
  }
  return null
}

interface Lookups {
  spl: SplToken
  wallet: string
  created: AtaCreation[]
  resolveTokenAccount: ResolveTokenAccount | undefined
  resolveLamports: ResolveLamports | undefined
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
  resolveLamports?: ResolveLamports,
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
  const lookups: Lookups = { spl: await splToken(), wallet, created: [], resolveTokenAccount, resolveLamports }
  const budget: ComputeBudget = { unitLimit: null, microLamports: 0n }
  for (const compiled of msg.compiledInstructions) {
    const ix = toInstruction(msg, compiled)
    const program = ix.programId
    if (program.equals(ComputeBudgetProgram.programId)) {
      readComputeBudget(ix, budget)
      continue
    }
    if (program.equals(SystemProgram.programId)) {
      actions.push((await systemAction(ix, lookups)) ?? callOf(program))
      continue
    }
    if (program.equals(ASSOCIATED_TOKEN_PROGRAM_ID)) {
      const creation = ataCreation(ix)
      if (creation === null) actions.push(callOf(program))
      else lookups.created.push(creation)
      continue
    }
    if (isTokenProgram(program)) {
      actions.push((await tokenAction(ix, lookups)) ?? callOf(program))
      continue
    }
    actions.push(callOf(program))
  }
  const others = msg.compiledInstructions.filter((c) => !msg.staticAccountKeys[c.programIdIndex]?.equals(ComputeBudgetProgram.programId)).length
  const units = BigInt(Math.min(MAX_COMPUTE_UNITS, budget.unitLimit ?? DEFAULT_UNITS_PER_INSTRUCTION * others))
  const priorityFeeLamports = (budget.microLamports * units + 999_999n) / 1_000_000n
  return { actions, message: msg.serialize(), feePayer, priorityFeeLamports }
}

const callOf = (program: PublicKey): Action => ({ kind: 'contract-call', contract: program.toBase58(), selector: null, value: 0n })

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

/** The lamports `account` holds, or u64::MAX when they cannot be read: what a new owner of it could take. */
async function allLamports(account: PublicKey, l: Lookups): Promise<bigint> {
  return (l.resolveLamports === undefined ? null : await l.resolveLamports(account.toBase58())) ?? U64_MAX
}

/**
 * Transfers from the wallet as native transfers, account creation funded by it as a valued call, and what hands the
 * wallet's lamports to someone else as a native transfer of all of them: Assign of the wallet's account to another
 * program (which may then debit it), a nonce account's Withdraw or new authority. null (→ opaque call) otherwise.
 */
async function systemAction(ix: TransactionInstruction, l: Lookups): Promise<Action | null> {
  const wallet = l.wallet
  const away = (to: PublicKey, amount: bigint): Action | null => (to.toBase58() === wallet ? null : { kind: 'native-transfer', to: to.toBase58(), amount })
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
      case 'Assign': {
        const a = SystemInstruction.decodeAssign(ix)
        if (a.accountPubkey.toBase58() !== wallet || a.programId.equals(SystemProgram.programId)) return null
        return away(a.programId, await allLamports(a.accountPubkey, l))
      }
      case 'AssignWithSeed': {
        const a = SystemInstruction.decodeAssignWithSeed(ix)
        if (a.basePubkey.toBase58() !== wallet || a.programId.equals(SystemProgram.programId)) return null
        return away(a.programId, await allLamports(a.accountPubkey, l))
      }
      case 'WithdrawNonceAccount': {
        const w = SystemInstruction.decodeNonceWithdraw(ix)
        return w.authorizedPubkey.toBase58() === wallet ? away(w.toPubkey, BigInt(w.lamports)) : null
      }
      case 'AuthorizeNonceAccount': {
        const a = SystemInstruction.decodeNonceAuthorize(ix)
        return a.authorizedPubkey.toBase58() === wallet ? away(a.newAuthorizedPubkey, await allLamports(a.noncePubkey, l)) : null
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
  if (!isTokenProgram(program.pubkey)) return null
  return { ata: ata.pubkey.toBase58(), owner: owner.pubkey.toBase58(), mint: mint.pubkey.toBase58(), program: program.pubkey }
}

/** A token account's owner and mint, from the resolver, else from its creation earlier in the transaction. */
async function accountInfo(account: PublicKey, program: PublicKey, l: Lookups): Promise<{ owner: string; mint: string } | null> {
  const address = account.toBase58()
  const resolved = l.resolveTokenAccount === undefined ? null : await l.resolveTokenAccount(address)
  if (resolved !== null) return resolved
  return ownerFromCreation(l.spl, l.created, address, program)
}

interface Layout<T> {
  span: number
  decode(b: Uint8Array, offset?: number): T
}

/** The fields of `layout` from the start of `data`, as the token programs read them (trailing bytes ignored). */
const fields = <T>(layout: Layout<T>, data: Buffer): T | null => (data.length >= layout.span ? layout.decode(data) : null)

/** The token-account → token action of one token program instruction; null (→ opaque call) when it is none. */
async function tokenAction(ix: TransactionInstruction, l: Lookups): Promise<Action | null> {
  const k = ix.keys.map((m) => m.pubkey)
  const data = ix.data
  const program = ix.programId
  const spl = l.spl
  const { TokenInstruction, TransferFeeInstruction } = spl
  switch (data[0]) {
    case TokenInstruction.Transfer: {
      const d = fields(spl.transferInstructionData, data)
      return d === null || k[1] === undefined ? null : transferTo(k[1], null, d.amount, program, l)
    }
    case TokenInstruction.TransferChecked: {
      const d = fields(spl.transferCheckedInstructionData, data)
      return d === null || k[1] === undefined || k[2] === undefined ? null : transferTo(k[2], k[1].toBase58(), d.amount, program, l)
    }
    case TokenInstruction.TransferFeeExtension: {
      if (data[1] !== TransferFeeInstruction.TransferCheckedWithFee) return null
      const d = fields(spl.transferCheckedWithFeeInstructionData, data)
      // The fee is withheld from `amount` in the destination: the wallet's balance falls by `amount`.
      return d === null || k[1] === undefined || k[2] === undefined ? null : transferTo(k[2], k[1].toBase58(), d.amount, program, l)
    }
    case TokenInstruction.Approve:
    case TokenInstruction.ApproveChecked: {
      const checked = data[0] === TokenInstruction.ApproveChecked
      const d = checked ? fields(spl.approveCheckedInstructionData, data) : fields(spl.approveInstructionData, data)
      const delegate = checked ? k[2] : k[1]
      if (d === null || k[0] === undefined || delegate === undefined) return null
      const mint = checked ? k[1]?.toBase58() : (await accountInfo(k[0], program, l))?.mint
      return mint === undefined ? null : { kind: 'token-approve', token: mint, spender: delegate.toBase58(), amount: d.amount, unlimited: d.amount >= U64_MAX }
    }
    case TokenInstruction.Burn:
    case TokenInstruction.BurnChecked: {
      // Both name the mint as their second account; the program refuses an account of another mint.
      const d = data[0] === TokenInstruction.Burn ? fields(spl.burnInstructionData, data) : fields(spl.burnCheckedInstructionData, data)
      return d === null || k[1] === undefined ? null : { kind: 'token-transfer', token: k[1].toBase58(), to: INCINERATOR, amount: d.amount }
    }
    case TokenInstruction.SetAuthority: {
      // [6, authority type, 1, new authority (32 bytes)]; a None authority (tag 0) hands nothing over.
      if (data.length < 35 || data[2] !== 1 || k[0] === undefined) return null
      const account = await accountInfo(k[0], program, l)
      if (account === null) return null
      const to = new PublicKey(data.subarray(3, 35)).toBase58()
      return { kind: 'token-approve', token: account.mint, spender: to, amount: U64_MAX, unlimited: true }
    }
    case TokenInstruction.CloseAccount:
    case WITHDRAW_EXCESS_LAMPORTS: {
      const [source, destination] = k
      if (source === undefined || destination === undefined || destination.toBase58() === l.wallet) return null
      const lamports = l.resolveLamports === undefined ? null : await l.resolveLamports(source.toBase58())
      return { kind: 'native-transfer', to: destination.toBase58(), amount: lamports ?? U64_MAX }
    }
    default:
      return null
  }
}

/** A transfer into token account `dst`: to its owner, of its mint (which must match `mint` when named). */
async function transferTo(dst: PublicKey, mint: string | null, amount: bigint, program: PublicKey, l: Lookups): Promise<Action | null> {
  const info = await accountInfo(dst, program, l)
  if (info === null || (mint !== null && info.mint !== mint)) return null
  return { kind: 'token-transfer', token: info.mint, to: info.owner, amount }
}

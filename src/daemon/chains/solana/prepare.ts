/**
 * Builds a Solana transaction ready to sign: the intent's instructions behind a ComputeBudget priority fee, a compute
 * unit limit measured by simulation (with margin), a recent blockhash and its lastValidBlockHeight, and the fee
 * estimate: getFeeForMessage (signatures) + priority fee (price × limit) + the rent of an account the transfer creates.
 *
 * The message is a v0 message without address lookup tables, stored base64 in `unsigned.message`.
 */
import { ComputeBudgetProgram, PublicKey, SystemProgram, TransactionMessage, VersionedTransaction, type MessageV0, type TransactionInstruction, type VersionedMessage } from '@solana/web3.js'
import { WaiaasError } from '../../../lib/errors.js'
import type { FeeEstimate, PreparedTx } from '../types.js'
import type { SolanaRpc } from './connection.js'
import { SolanaTxFailure, toSolanaError } from './errors.js'
import { planTokenApprove, planTokenTransfer } from './tokens.js'

/** What `PreparedTx.unsigned` holds on Solana (bigints as decimal strings). */
export interface SolanaUnsigned {
  /** base64 of the serialised v0 message. */
  message: string
  blockhash: string
  /** The transaction can never land once the block height passes this. */
  lastValidBlockHeight: string
  computeUnitLimit: number
  priorityFeeMicroLamports: string
  /** The associated token account this transaction creates (its rent is in the fee estimate), when it does. */
  createsAccount?: string
}

/** `PreparedTx.unsigned` as the Solana adapter wrote it; INPUT_INVALID when it is not one of ours. */
export function solanaUnsigned(tx: PreparedTx): SolanaUnsigned {
  const u = tx.unsigned as Partial<SolanaUnsigned>
  if (tx.family !== 'solana' || typeof u.message !== 'string' || typeof u.lastValidBlockHeight !== 'string') {
    throw new WaiaasError('INPUT_INVALID', 'not a prepared Solana transaction', { details: { field: 'tx', family: tx.family } })
  }
  return u as SolanaUnsigned
}

export interface PrepareOptions {
  priorityFeeMicroLamports?: bigint
  feeCapLamports?: bigint
}

const MAX_COMPUTE_UNITS = 1_400_000
const LAMPORTS_PER_SIGNATURE = 5000n
const U64_MAX = 2n ** 64n - 1n

/** Simulated units plus 20% and 1,000 units: state can move between simulation and inclusion. */
export const withMargin = (units: number): number => Math.min(MAX_COMPUTE_UNITS, Math.ceil(units * 1.2) + 1000)

function compile(payer: PublicKey, blockhash: string, ixs: TransactionInstruction[]): MessageV0 {
  return new TransactionMessage({ payerKey: payer, recentBlockhash: blockhash, instructions: ixs }).compileToV0Message()
}

/** The priority fee to pay: the configured one, else the median of the node's recent fees for these accounts. */
export async function priorityFee(rpc: SolanaRpc, opts: PrepareOptions, writable: PublicKey[]): Promise<bigint> {
  if (opts.priorityFeeMicroLamports !== undefined) return opts.priorityFeeMicroLamports
  const recent = await rpc.read('read priority fees', (c) => c.getRecentPrioritizationFees({ lockedWritableAccounts: writable }))
  const fees = recent.map((r) => BigInt(r.prioritizationFee)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return fees[Math.floor(fees.length / 2)] ?? 0n
}

/** The compute units a message asks for: its SetComputeUnitLimit, else 200k per other instruction, at most 1.4M. */
export function requestedUnits(message: VersionedMessage): number {
  const budget = ComputeBudgetProgram.programId
  let limit: number | null = null
  let others = 0
  for (const c of message.compiledInstructions) {
    const program = message.staticAccountKeys[c.programIdIndex]
    if (program === undefined || !program.equals(budget)) {
      others += 1
      continue
    }
    const data = Buffer.from(c.data)
    // SetComputeUnitLimit: discriminator 2, then u32 units.
    if (data.length >= 5 && data[0] === 2) limit = data.readUInt32LE(1)
  }
  return Math.min(MAX_COMPUTE_UNITS, limit ?? 200_000 * others)
}

function assertAmount(amount: bigint): void {
  if (typeof amount !== 'bigint' || amount <= 0n || amount > U64_MAX) {
    throw new WaiaasError('INPUT_INVALID_AMOUNT', `amount must be a positive integer of at most 2^64-1 minor units, got ${String(amount)}`, { details: { field: 'amount', amount: String(amount) } })
  }
}

/** One part of a transaction: a transfer (`mint` null: SOL) or an approval (`to` is the spender). */
export interface SolanaLeg {
  kind: 'native-transfer' | 'token-transfer' | 'token-approve'
  to: PublicKey
  mint: PublicKey | null
  amount: bigint
}

/**
 * Builds the instructions of every leg (one transaction: all land or none), measures and prices the transaction;
 * raises the mapped error when its simulation fails.
 */
export async function prepareSolanaTx(rpc: SolanaRpc, opts: PrepareOptions, from: PublicKey, legs: SolanaLeg[]): Promise<{ unsigned: SolanaUnsigned; fee: FeeEstimate }> {
  const ixs: TransactionInstruction[] = []
  let rent = 0n
  let createsAccount: PublicKey | null = null
  for (const leg of legs) {
    // Zero is a revocation: allowed for approvals only.
    if (leg.kind !== 'token-approve' || leg.amount !== 0n) assertAmount(leg.amount)
    if (leg.kind === 'token-approve') {
      if (leg.mint === null) throw new WaiaasError('INPUT_INVALID', 'An approval needs `token`', { details: { field: 'token' } })
      ixs.push(...(await planTokenApprove(rpc, from, leg.to, leg.mint, leg.amount)))
    } else if (leg.mint === null) {
      ixs.push(SystemProgram.transfer({ fromPubkey: from, toPubkey: leg.to, lamports: leg.amount }))
    } else {
      const plan = await planTokenTransfer(rpc, from, leg.to, leg.mint, leg.amount)
      ixs.push(...plan.instructions)
      rent += plan.rentLamports
      createsAccount ??= plan.createsAccount
    }
  }
  const writable = [from, ...ixs.flatMap((ix) => ix.keys.filter((k) => k.isWritable).map((k) => k.pubkey))]
  const [price, latest] = await Promise.all([
    priorityFee(rpc, opts, writable),
    rpc.read('read blockhash', (c) => c.getLatestBlockhash('confirmed')),
  ])
  const priceIx = ComputeBudgetProgram.setComputeUnitPrice({ microLamports: price })

  // Measured without the price instruction: at the maximum limit its priority fee could exceed what the wallet can
  // pay for the real (smaller) limit, and fail a simulation the real transaction would pass. The margin covers it.
  const probe = compile(from, latest.blockhash, [ComputeBudgetProgram.setComputeUnitLimit({ units: MAX_COMPUTE_UNITS }), ...ixs])
  // The same probe prices the signatures: getFeeForMessage of a message without a price instruction is the signature
  // fee alone (nodes differ on whether they add the priority fee), so the priority fee is added exactly once below.
  // It does not depend on the limit, so it runs alongside the simulation instead of after it.
  const [sim, nodeFee] = await Promise.all([
    rpc.read('simulate', (c) => c.simulateTransaction(new VersionedTransaction(probe), { sigVerify: false, commitment: 'confirmed' })),
    rpc.read('read fee', (c) => c.getFeeForMessage(probe, 'confirmed')),
  ])
  if (sim.value.err !== null) {
    throw toSolanaError(new SolanaTxFailure(sim.value.err, sim.value.logs ?? []), { op: 'simulate', network: rpc.network, details: { from: from.toBase58() } })
  }
  const limit = withMargin(sim.value.unitsConsumed ?? 200_000 * ixs.length)
  const limitIx = ComputeBudgetProgram.setComputeUnitLimit({ units: limit })
  const message = compile(from, latest.blockhash, [limitIx, priceIx, ...ixs])
  const baseFee = nodeFee.value === null ? LAMPORTS_PER_SIGNATURE * BigInt(message.header.numRequiredSignatures) : BigInt(nodeFee.value)
  const priority = (price * BigInt(limit) + 999_999n) / 1_000_000n
  const maxFee = baseFee + priority + rent

  const cap = opts.feeCapLamports
  if (cap !== undefined && maxFee > cap) {
    throw new WaiaasError('CHAIN_FEE_TOO_HIGH', `the fee of ${maxFee} lamports is above the cap of ${cap} lamports on ${rpc.network}`, {
      details: { network: rpc.network, maxFee: maxFee.toString(), feeCapLamports: cap.toString(), baseFee: baseFee.toString(), priorityFee: priority.toString(), rentLamports: rent.toString() },
    })
  }
  const unsigned: SolanaUnsigned = {
    message: Buffer.from(message.serialize()).toString('base64'),
    blockhash: latest.blockhash,
    lastValidBlockHeight: String(latest.lastValidBlockHeight),
    computeUnitLimit: limit,
    priorityFeeMicroLamports: price.toString(),
  }
  if (createsAccount !== null) unsigned.createsAccount = createsAccount.toBase58()
  const details: Record<string, string> = {
    baseFee: baseFee.toString(),
    priorityFee: priority.toString(),
    rentLamports: rent.toString(),
    computeUnits: String(limit),
    unitsSimulated: String(sim.value.unitsConsumed ?? 0),
    priorityMicroLamports: price.toString(),
  }
  return { unsigned, fee: { maxFee, details } }
}

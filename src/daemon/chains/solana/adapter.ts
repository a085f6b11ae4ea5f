/**
 * The Solana implementation of ChainAdapter (@solana/web3.js v1, @solana/spl-token): one adapter per network.
 * prepare() fixes everything but the signature (instructions, compute budget, blockhash); sign() signs with
 * node:crypto and never touches the network; broadcast() sends stored bytes only.
 *
 * Not supported on Solana: `contract-call` and `token-approve` intents (EVM-shaped: calldata, ERC-20 allowances)
 * raise INPUT_INVALID. Expiry: `status(hash, { lastValidBlockHeight })` (an optional second argument the interface
 * allows) and `isExpired(prepared)` report a transaction whose blockhash expired before it landed.
 */
import { PublicKey, VersionedMessage, VersionedTransaction } from '@solana/web3.js'
import { base58 } from '@scure/base'
import { WaiaasError } from '../../../lib/errors.js'
import type { Balance, CallerTx, ChainAdapter, EffectReport, PreparedTx, SignedTx, SimulationResult, TxIntent, TxStatus } from '../types.js'
import { readSolanaCallerTx } from './caller-tx.js'
import { simulateSolanaEffects } from './effects.js'
import { SolanaRpc } from './connection.js'
import { SolanaTxFailure, isAlreadyProcessed, toSolanaError } from './errors.js'
import { priorityFee, prepareSolanaTx, requestedUnits, solanaUnsigned, type SolanaLeg } from './prepare.js'
import { addressOfKey, ed25519KeyObject, signBytes, signMessageBytes } from './signing.js'
import { blockhashExpired, readStatus, type StatusOptions } from './status.js'
import { listTokenBalances, readMint, readTokenBalance, shortSymbol } from './tokens.js'

export interface SolanaAdapterOptions {
  /** CAIP-2 id of the network. */
  network: string
  rpcUrl: string
  wsUrl?: string
  /** The network's commitment (`solanaCommitment(net)`): status() reports confirmed only at this level. */
  commitment: 'confirmed' | 'finalized'
  /** Fixed priority fee; absent: the median of the node's recent prioritization fees. */
  priorityFeeMicroLamports?: bigint
  /** Cap on the whole fee estimate (signature + priority fee + created-account rent); above it CHAIN_FEE_TOO_HIGH. */
  feeCapLamports?: bigint
  /** Delays between read attempts while the RPC is unreachable; default 100, 300 ms. */
  retryDelaysMs?: number[]
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number
}

/** The least priority fee a caller-built transaction may carry without a FEE_CAP, before FEE_BOUND_FACTOR (lamports). */
const MIN_PRIORITY_LAMPORTS = 100_000n

export class SolanaAdapter implements ChainAdapter {
  readonly family = 'solana' as const
  /** A Solana transaction carries several instructions, all applied or none. */
  readonly batchesTransfers = true
  readonly network: string

  /** Batches need no batching contract here. */
  async checkBatch(): Promise<void> {
    throw new WaiaasError('BATCH_UNSUPPORTED', `${this.network} batches transfers in one transaction by itself: no batching contract`, { details: { field: 'via', network: this.network } })
  }
  readonly rpc: SolanaRpc
  private readonly tokens = new Map<string, { symbol: string; decimals: number }>()

  constructor(private readonly opts: SolanaAdapterOptions) {
    this.network = opts.network
    this.rpc = new SolanaRpc(opts)
  }

  /** The base58 form of a 32-byte public key; INPUT_INVALID_ADDRESS naming `field` otherwise. */
  normalizeAddress(address: string, field = 'address'): string {
    const bad = (why: string): WaiaasError =>
      new WaiaasError('INPUT_INVALID_ADDRESS', `\`${field}\` must be a base58 Solana address (32-byte public key), got ${JSON.stringify(String(address).slice(0, 64))}: ${why}`, {
        details: { field, value: String(address).slice(0, 64) },
      })
    if (typeof address !== 'string') throw bad('not a string')
    if (address === '') throw bad('empty')
    let bytes: Uint8Array
    try {
      bytes = base58.decode(address)
    } catch {
      throw bad('not base58')
    }
    if (bytes.length !== 32) throw bad(`decodes to ${bytes.length} bytes, not 32`)
    return new PublicKey(bytes).toBase58()
  }

  /** SOL (token omitted) or the sum of `address`'s accounts of mint `token`, in minor units with decimals. */
  async getBalance(address: string, token?: string): Promise<Balance> {
    const owner = new PublicKey(this.normalizeAddress(address, 'address'))
    if (token === undefined) {
      const amount = await this.rpc.read('read balance', (c) => c.getBalance(owner, this.rpc.commitment))
      return { token: null, symbol: 'SOL', decimals: 9, amount: BigInt(amount) }
    }
    return readTokenBalance(this.rpc, owner, new PublicKey(this.normalizeAddress(token, 'token')))
  }

  /** Every SPL and Token-2022 token `address` holds (for `waiaas balance`), one entry per mint. */
  async listTokenBalances(address: string): Promise<Balance[]> {
    return listTokenBalances(this.rpc, new PublicKey(this.normalizeAddress(address, 'address')))
  }

  /** The mint's decimals; the symbol is the mint's short address (no metadata program is read). */
  async tokenInfo(token: string): Promise<{ symbol: string; decimals: number }> {
    const mint = this.normalizeAddress(token, 'token')
    let info = this.tokens.get(mint)
    if (info === undefined) {
      info = { symbol: shortSymbol(mint), decimals: (await readMint(this.rpc, new PublicKey(mint))).decimals }
      this.tokens.set(mint, info)
    }
    return info
  }

  /**
   * Native or token transfer, simulated for its compute units and priced. Raises INPUT_INVALID (contract-call,
   * token-approve), INPUT_INVALID_ADDRESS, INPUT_INVALID_AMOUNT, CHAIN_INSUFFICIENT_FUNDS, CHAIN_ACCOUNT_NOT_FOUND,
   * CHAIN_FEE_TOO_HIGH, CHAIN_RPC_UNREACHABLE, CHAIN_ERROR.
   */
  async prepare(fromAddress: string, intent: TxIntent): Promise<PreparedTx> {
    if (intent.kind === 'contract-call') {
      throw new WaiaasError('INPUT_INVALID', `${intent.kind} is not supported on Solana`, { details: { field: 'kind', kind: intent.kind, network: this.network } })
    }
    const from = new PublicKey(this.normalizeAddress(fromAddress, 'from'))
    const leg = (one: Exclude<TxIntent, { kind: 'batch' | 'contract-call' }>): SolanaLeg => ({
      kind: one.kind,
      to: new PublicKey(one.kind === 'token-approve' ? this.normalizeAddress(one.spender, 'spender') : this.normalizeAddress(one.to, 'to')),
      mint: one.kind === 'native-transfer' ? null : new PublicKey(this.normalizeAddress(one.token, 'token')),
      amount: one.amount,
    })
    // The intent as stored: addresses in their canonical base58 form.
    const canon = (one: Exclude<TxIntent, { kind: 'batch' | 'contract-call' }>, l: SolanaLeg): Exclude<TxIntent, { kind: 'batch' | 'contract-call' }> =>
      one.kind === 'token-approve'
        ? { ...one, spender: l.to.toBase58(), token: l.mint?.toBase58() ?? one.token }
        : one.kind === 'token-transfer'
          ? { ...one, to: l.to.toBase58(), token: l.mint?.toBase58() ?? one.token }
          : { ...one, to: l.to.toBase58() }
    const parts = intent.kind === 'batch' ? intent.transfers : [intent]
    const legs = parts.map(leg)
    const p: { priorityFeeMicroLamports?: bigint; feeCapLamports?: bigint } = {}
    if (this.opts.priorityFeeMicroLamports !== undefined) p.priorityFeeMicroLamports = this.opts.priorityFeeMicroLamports
    if (this.opts.feeCapLamports !== undefined) p.feeCapLamports = this.opts.feeCapLamports
    const { unsigned, fee } = await prepareSolanaTx(this.rpc, p, from, legs)
    const canonical: TxIntent =
      intent.kind === 'batch'
        ? { kind: 'batch', transfers: intent.transfers.map((t, i) => canon(t, legs[i]!) as typeof t) }
        : canon(intent, legs[0]!)
    return { family: 'solana', network: this.network, from: from.toBase58(), intent: canonical, fee, unsigned: { ...unsigned } }
  }

  /** For a policy decision: the same as prepare() (a Solana transaction holds no nonce; its blockhash expires). */
  prepareToDecide(fromAddress: string, intent: TxIntent): Promise<PreparedTx> {
    return this.prepare(fromAddress, intent)
  }

  /** A Solana transaction carries its blockhash, never a nonce to assign. */
  hasNonce(): boolean {
    return true
  }

  async assignNonce(tx: PreparedTx): Promise<PreparedTx> {
    return tx
  }

  /** Nothing to give back: no nonce was taken. */
  async releaseNonce(): Promise<void> {}

  /** CHAIN_BLOCKHASH_EXPIRED for a stored transaction whose blockhash has really expired: these bytes can never land. */
  async rebuildReason(err: unknown, tx: PreparedTx | null): Promise<string | null> {
    if (!(err instanceof WaiaasError) || err.code !== 'CHAIN_BLOCKHASH_EXPIRED' || tx === null) return null
    return (await this.isExpired(tx)) ? 'blockhash expired before broadcast' : null
  }

  /** The caller's base64 message (see caller-tx.ts); online, its blockhash must be live on this network. */
  readCallerTx(transaction: string | Record<string, unknown>, wallet: string, opts: { offline: boolean }): Promise<CallerTx> {
    return readSolanaCallerTx(this.rpc, this.network, transaction, wallet, opts.offline)
  }

  /** A broadcast Solana transaction cannot be replaced: one that does not land expires with its blockhash. */
  readonly replaceable = false

  speedUp(): Promise<PreparedTx> {
    return Promise.reject(new WaiaasError('TX_STATE_CONFLICT', 'A Solana transaction cannot be replaced', { details: { network: this.network } }))
  }

  cancel(): Promise<PreparedTx> {
    return Promise.reject(new WaiaasError('TX_STATE_CONFLICT', 'A Solana transaction cannot be replaced', { details: { network: this.network } }))
  }

  /** simulateTransaction of the unsigned message (sigVerify off); a program failure is `ok: false` with its code. */
  async simulate(tx: PreparedTx): Promise<SimulationResult> {
    const u = solanaUnsigned(tx)
    const vtx = new VersionedTransaction(VersionedMessage.deserialize(Buffer.from(u.message, 'base64')))
    const res = await this.rpc.read('simulate', (c) => c.simulateTransaction(vtx, { sigVerify: false, commitment: 'confirmed' }))
    const logs = res.value.logs ?? []
    const fee = { maxFee: tx.fee.maxFee, details: { ...tx.fee.details, unitsConsumed: String(res.value.unitsConsumed ?? 0) } }
    if (res.value.err === null) return { ok: true, fee, logs }
    const e = toSolanaError(new SolanaTxFailure(res.value.err, logs), { op: 'simulate', network: this.network })
    return { ok: false, fee, error: { code: e.code, reason: JSON.stringify(res.value.err) }, logs }
  }

  /** simulateTransaction of the base64 `message` with the accounts it writes read before and after: see effects.ts. */
  async simulateEffects(from: string, unsigned: Record<string, unknown>, maxFee: bigint): Promise<EffectReport> {
    if (typeof unsigned.message !== 'string') throw new WaiaasError('INPUT_INVALID', 'a Solana transaction to simulate needs its base64 `message`', { details: { field: 'message' } })
    return simulateSolanaEffects(this.rpc, this.normalizeAddress(from, 'from'), unsigned.message, maxFee)
  }

  /**
   * The signature fees plus the priority fee the node's recent fees suggest for the units the transaction asks for
   * (its SetComputeUnitLimit, else 200k per instruction), never less than MIN_PRIORITY_LAMPORTS: an idle node reports
   * no priority fees, yet a small one is normal.
   */
  async suggestedFee(_from: string, unsigned: Record<string, unknown>): Promise<bigint> {
    if (typeof unsigned.message !== 'string') throw new WaiaasError('INPUT_INVALID', 'a Solana transaction needs its base64 `message`', { details: { field: 'message' } })
    const message = VersionedMessage.deserialize(Buffer.from(unsigned.message, 'base64'))
    const writable = message.staticAccountKeys.filter((_, i) => message.isAccountWritable(i))
    const price = await priorityFee(this.rpc, this.opts.priorityFeeMicroLamports === undefined ? {} : { priorityFeeMicroLamports: this.opts.priorityFeeMicroLamports }, writable)
    const units = BigInt(requestedUnits(message))
    const priority = (price * units + 999_999n) / 1_000_000n
    return 5000n * BigInt(message.header.numRequiredSignatures) + (priority > MIN_PRIORITY_LAMPORTS ? priority : MIN_PRIORITY_LAMPORTS)
  }

  /** Every transaction this adapter builds is a System or token transfer the decoder reads in full. */
  runsCode(): boolean {
    return false
  }

  /** The slot's block time; null when the node has none for it (getBlockTime fails for a slot it skipped or pruned). */
  async latestBlockTime(): Promise<number | null> {
    const slot = await this.rpc.write('read slot', (c) => c.getSlot())
    try {
      return await this.rpc.write('read block time', (c) => c.getBlockTime(slot))
    } catch {
      return null
    }
  }

  /** Signs the stored message with the 32-byte seed, no network. INPUT_INVALID when the key is not `from`'s. */
  async sign(tx: PreparedTx, key: Buffer): Promise<SignedTx> {
    const u = solanaUnsigned(tx)
    if (tx.network !== this.network) {
      throw new WaiaasError('NETWORK_MISMATCH', `the transaction is for ${tx.network}, this adapter is ${this.network}`, { details: { network: this.network, txNetwork: tx.network } })
    }
    const sk = ed25519KeyObject(key)
    if (addressOfKey(sk) !== tx.from) {
      throw new WaiaasError('INPUT_INVALID', "`key` does not belong to the transaction's `from` address", { details: { field: 'key', from: tx.from } })
    }
    const message = VersionedMessage.deserialize(Buffer.from(u.message, 'base64'))
    const signature = signBytes(sk, message.serialize())
    const vtx = new VersionedTransaction(message, [signature])
    return { raw: Buffer.from(vtx.serialize()).toString('base64'), hash: base58.encode(signature) }
  }

  /**
   * sendRawTransaction of stored bytes, with preflight. Idempotent: bytes that already landed are success. Raises
   * CHAIN_BLOCKHASH_EXPIRED, CHAIN_INSUFFICIENT_FUNDS, CHAIN_ERROR (details.logs), and CHAIN_RPC_UNREACHABLE with
   * `details.maybeSent` (never a failure: rebroadcast the same bytes, or follow status()).
   */
  async broadcast(signed: SignedTx): Promise<void> {
    let bytes: Buffer
    let signature: string
    try {
      bytes = Buffer.from(signed.raw, 'base64')
      const first = VersionedTransaction.deserialize(bytes).signatures[0]
      if (first === undefined) throw new Error('no signature')
      signature = base58.encode(first)
    } catch (err) {
      throw new WaiaasError('INPUT_INVALID', '`raw` is not a signed Solana transaction (base64)', { details: { field: 'raw' }, cause: err })
    }
    try {
      // The same bytes carry the same signature and can land at most once, so resending them is safe.
      await this.rpc.retrying(() =>
        this.rpc.write('broadcast', (c) => c.sendRawTransaction(bytes, { skipPreflight: false, preflightCommitment: 'confirmed', maxRetries: 5 }), { signature }),
      )
    } catch (err) {
      if (!(err instanceof WaiaasError)) throw err
      if (isAlreadyProcessed(err)) return
      if (err.code === 'CHAIN_RPC_UNREACHABLE' || err.code === 'CHAIN_RATE_LIMITED') {
        err.details.maybeSent = true
        throw err
      }
      const landed = await this.rpc
        .read('read status', (c) => c.getSignatureStatuses([signature], { searchTransactionHistory: true }))
        .then((r) => r.value[0] !== null && r.value[0] !== undefined)
        .catch(() => false)
      if (landed) return
      throw err
    }
  }

  /** unknown | pending | confirmed | failed at the network's commitment; with lastValidBlockHeight also expiry. */
  async status(hash: string, opts?: StatusOptions): Promise<TxStatus> {
    return readStatus(this.rpc, hash, opts)
  }

  /** True when `tx`'s blockhash has expired: unless it already landed, it never will (build and sign it again). */
  async isExpired(tx: PreparedTx): Promise<boolean> {
    return blockhashExpired(this.rpc, BigInt(solanaUnsigned(tx).lastValidBlockHeight))
  }

  /** Ed25519 over the raw message bytes (UTF-8 for strings); base58 signature, as Solana wallets sign messages. */
  async signMessage(message: string | Uint8Array, key: Buffer): Promise<string> {
    return signMessageBytes(key, message)
  }
}

/** The Solana adapter for one network. */
export function createSolanaAdapter(opts: SolanaAdapterOptions): SolanaAdapter {
  return new SolanaAdapter(opts)
}

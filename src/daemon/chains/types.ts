/**
 * The one chain interface that the EVM (ethers) and Solana (@solana/web3.js) adapters implement. Its shape follows
 * the pipeline's needs: build → (policy) → sign → store the raw bytes → broadcast → follow. Signing never
 * broadcasts, and broadcasting takes only stored raw bytes, so a crash between the two can always be resumed
 * without signing twice. All amounts are bigint in minor units; decimal strings exist only at the edges.
 */

import type { Action } from '../../lib/policy-types/model.js'

export type ChainFamily = 'evm' | 'solana'

/** What a caller asks for, already validated and converted to minor units. */
/** One transfer: of the native coin, or of a token. */
export type TransferIntent = { kind: 'native-transfer'; to: string; amount: bigint } | { kind: 'token-transfer'; token: string; to: string; amount: bigint }

export type TxIntent =
  | TransferIntent
  /**
   * Several transfers signed as one transaction (Solana: one transaction, one instruction group per transfer; EVM:
   * one call of the batching contract `via` the operator allowlists, see chains/evm/batcher.ts).
   */
  | { kind: 'batch'; transfers: TransferIntent[]; via?: string }
  /** EVM only: calldata as 0x hex (a function signature + args is encoded by the caller). */
  | { kind: 'contract-call'; to: string; data: string; value: bigint }
  /** EVM only: ERC-20 approve(spender, amount). */
  | { kind: 'token-approve'; token: string; spender: string; amount: bigint }

export interface FeeEstimate {
  /** Upper bound of what the sender pays, in the native unit's minor units (wei, lamports). */
  maxFee: bigint
  /** EVM: gas limit, maxFeePerGas, maxPriorityFeePerGas; Solana: compute units and priority micro-lamports. */
  details: Record<string, string>
}

/**
 * A transaction ready to sign: everything fixed except the signature. Serialisable (bigints as strings) for storage.
 * A type (not an interface) so that it is a JSON record, as a request row stores it.
 */
export type PreparedTx = {
  family: ChainFamily
  network: string
  from: string
  intent: TxIntent
  fee: FeeEstimate
  /** Adapter-specific unsigned payload (EVM: the tx request with nonce; Solana: base64 message). */
  unsigned: Record<string, unknown>
}

export interface SignedTx {
  /** Hex (EVM) or base64 (Solana) of the signed wire bytes: stored before broadcast. */
  raw: string
  /** The transaction hash (EVM) or first signature (Solana), known before broadcast. */
  hash: string
}

export type TxStatus =
  | { state: 'unknown' }
  | { state: 'pending' }
  | { state: 'confirmed'; block: bigint; confirmations: number; fee: bigint }
  | { state: 'failed'; block: bigint | null; reason: string; fee: bigint }

export interface SimulationResult {
  ok: boolean
  fee: FeeEstimate
  /** Revert reason or program error, and node logs, when it failed. */
  error?: { code: string; reason: string }
  logs: string[]
}

/**
 * What a transaction does to the wallet according to the node's simulation, as policy actions: value and tokens
 * leaving the wallet (with their recipients), allowances and delegations it grants, and authority changes.
 */
export interface EffectReport {
  /** `reverted`: the simulation failed, so it shows no effect; `unavailable`: the node cannot simulate. */
  status: 'simulated' | 'reverted' | 'unavailable'
  actions: Action[]
  /** EVM: the gas the simulation used. */
  gasUsed: bigint | null
  /** Why it reverted, when it did. */
  reason?: string
}

export interface Balance {
  token: string | null
  symbol: string
  decimals: number
  amount: bigint
}

/** One adapter per network. `key` buffers are owned by the caller, who wipes them. */
export interface ChainAdapter {
  readonly family: ChainFamily
  /**
   * Whether several transfers can be signed as one transaction of this chain by themselves (a `batch` intent,
   * tx.sendBatch); where not, only through a batching contract (`via`) that checkBatch accepts.
   */
  readonly batchesTransfers: boolean
  /**
   * Before a batch through the batching contract `via` is decided: BATCH_CONTRACT_UNTRUSTED unless its code is a
   * batcher this chain knows (or hashes to `trustedCodeHash`, the operator's), BATCH_MIXED_ASSETS for several assets, BATCH_ALLOWANCE_SHORT when `from` allows the
   * batcher less of the token than the batch moves; BATCH_UNSUPPORTED where batches need no contract.
   */
  checkBatch(from: string, via: string, transfers: TransferIntent[], trustedCodeHash: string | null): Promise<void>
  readonly network: string
  /** Throws INPUT_INVALID_ADDRESS naming `field` for an address of the wrong shape. Returns the canonical form. */
  normalizeAddress(address: string, field?: string): string
  getBalance(address: string, token?: string): Promise<Balance>
  tokenInfo(token: string): Promise<{ symbol: string; decimals: number }>
  prepare(from: string, intent: TxIntent): Promise<PreparedTx>
  simulate(tx: PreparedTx): Promise<SimulationResult>
  sign(tx: PreparedTx, key: Buffer): Promise<SignedTx>
  /** Broadcasts stored bytes. Idempotent: re-broadcasting a known transaction is not an error. */
  broadcast(signed: SignedTx): Promise<void>
  status(hash: string): Promise<TxStatus>
  signMessage(message: string | Uint8Array, key: Buffer): Promise<string>
  /**
   * The simulated effect on `from` of the unsigned transaction `unsigned` (the adapter's own form: EVM `to`, `data`,
   * `value`, `gasLimit`; Solana `message`, base64), whose fee is at most `maxFee`. Never signs or sends.
   */
  simulateEffects(from: string, unsigned: Record<string, unknown>, maxFee: bigint): Promise<EffectReport>
  /**
   * The fee the network suggests now for `unsigned` (same form as simulateEffects), in minor units: what the daemon
   * would pay for it. A caller-chosen fee is held to a multiple of this when no FEE_CAP applies.
   */
  suggestedFee(from: string, unsigned: Record<string, unknown>, report: EffectReport): Promise<bigint>
  /** Whether a transaction the daemon prepared runs code beyond what its decoded actions say (so it is simulated). */
  runsCode(tx: PreparedTx): boolean

  // What the pipeline needs where chains differ, each named for what it does (the pipeline never asks the family).

  /**
   * Builds `intent` for a policy decision: fixed in full except what only signing may take (EVM: the nonce, taken by
   * assignNonce), so a request that waits or is denied holds nothing scarce.
   */
  prepareToDecide(from: string, intent: TxIntent): Promise<PreparedTx>
  /** Whether `tx` still needs assignNonce() before signing (never, where transactions carry no nonce). */
  hasNonce(tx: PreparedTx): boolean
  /** Takes the account's next nonce for a transaction from prepareToDecide (returns `tx` where there is none to take). */
  assignNonce(tx: PreparedTx): Promise<PreparedTx>
  /** Gives `tx`'s nonce back when it will never be signed or sent (nothing to give back where there is no nonce). */
  releaseNonce(tx: PreparedTx): Promise<void>
  /**
   * Broadcasting stored signed bytes failed with `err`: the reason those bytes can never land, so that the request is
   * built and signed again under the same decision (EVM: another transaction used the nonce — the account's nonces are
   * resynchronised from the chain here; Solana: the blockhash expired), or null when `err` stands. `tx` is the stored
   * prepared transaction, if any; `from` names the sending account.
   */
  rebuildReason(err: unknown, tx: PreparedTx | null, from: () => string): Promise<string | null>
  /** True when `tx` can no longer land (Solana: its blockhash expired); never for a transaction that cannot expire. */
  isExpired(tx: PreparedTx): Promise<boolean>
  /**
   * A transaction the caller built (`sign tx`, EVM fields or a Solana base64 message) read into what policy judges.
   * Offline, the node is not asked; online, the transaction must be bound to this network (NETWORK_MISMATCH).
   * INPUT_INVALID for a transaction of the wrong shape.
   */
  readCallerTx(transaction: string | Record<string, unknown>, wallet: string, opts: { offline: boolean }): Promise<CallerTx>
  /** Whether a broadcast transaction can be replaced (same nonce, higher fees) by speedUp() or cancel(). */
  readonly replaceable: boolean
  /** A replacement of `prepared` with the same nonce and fees raised by `bumpPercent` (only when `replaceable`). */
  speedUp(prepared: PreparedTx, signedOld: SignedTx, bumpPercent?: number): Promise<PreparedTx>
  /** A 0-value self-transfer with the same nonce and higher fees, which voids `prepared` if it lands first (only when `replaceable`). */
  cancel(prepared: PreparedTx, signedOld: SignedTx, bumpPercent?: number): Promise<PreparedTx>
  /**
   * The latest block's time (unix seconds; null when the node does not say), in one request without retry, through
   * the adapter's connection and its credential handling: `doctor`'s probe of reachability and clock skew.
   */
  latestBlockTime(): Promise<number | null>
}

/** A caller-built transaction as policy judges it (see ChainAdapter.readCallerTx). */
export interface CallerTx {
  /** What will be signed, as the request stores it (EVM `{ transaction }`, Solana `{ message }`). */
  body: Record<string, unknown>
  actions: Action[]
  /** The most its fee can cost, in minor units, read from the transaction itself. */
  maxFee: bigint
  /** False offline when the actions need the node's data (a token's decimals) before anything but a denial. */
  complete: boolean
}

/**
 * Signing that needs no node (messages, typed data, caller-built transactions): synchronous, so a sign-only request
 * is signed inside the transaction that records it. `K` is the key object kept per unlock (see signingKey).
 */
export interface OfflineSigner<K = unknown> {
  /** The key object signatures are made with, from the wallet's raw secret (which the caller wipes; this must copy). */
  signingKey(secret: Buffer): K
  /** EVM: EIP-191 personal_sign; Solana: ed25519 over the bytes. */
  signMessage(key: K, message: Uint8Array): string
  /** EIP-712 typed data (EVM only: buildPlan refuses it elsewhere). */
  signTypedData(key: K, typedData: unknown): string
  /** A caller-built transaction (the request body's `transaction` or `message`), signed: its raw signed form. */
  signTransaction(key: K, wallet: string, body: Record<string, unknown>): string
}

/**
 * The EVM implementation of ChainAdapter (ethers v6): one adapter per network. prepare() fixes every field of an
 * EIP-1559 transaction (gas, fees under the cap, and a nonce from the shared NonceManager); sign() only signs;
 * broadcast() only sends stored bytes, so the pipeline can persist the raw transaction between the two.
 */
import { Transaction, computeAddress, getAddress, toQuantity } from 'ethers'
import { WaiaasError } from '../../../lib/errors.js'
import type { Balance, CallerTx, ChainAdapter, EffectReport, PreparedTx, SignedTx, SimulationResult, TransferIntent, TxIntent, TxStatus } from '../types.js'
import { assertBatchAllowance, batchAsset, verifyBatcher } from './batcher.js'
import { readEvmCallerTx } from './caller-tx.js'
import { simulateEvmEffects } from './effects.js'
import { readTokenBalance, readTokenInfo, type TokenInfo } from './erc20.js'
import { estimateFees } from './fees.js'
import { assertAddress, intentToCall } from './intent.js'
import type { NonceManager } from './nonce-manager.js'
import { EvmRpc } from './provider.js'
import { cancel, speedUp } from './replace.js'
import { signingKeyFrom, signPersonalMessage } from './signing.js'
import { readStatus } from './status.js'
import { feeDetails, fieldsOf, toTransaction, toUnsigned } from './tx-request.js'

export interface EvmAdapterOptions {
  network: string
  chainId: number
  rpcUrl: string
  /** Blocks a receipt needs (its own included) before status() reports it confirmed. */
  confirmations: number
  nonces: NonceManager
  /** Cap on maxFeePerGas in wei; a higher fee is CHAIN_FEE_TOO_HIGH. */
  feeCapWei?: bigint
  nativeSymbol?: string
  retryDelaysMs?: number[]
  timeoutMs?: number
}

/** The `unsigned.nonce` of a transaction prepared without a nonce; fieldsOf() refuses it, so it can never be signed. */
const UNASSIGNED = 'unassigned'

export class EvmAdapter implements ChainAdapter {
  readonly family = 'evm' as const
  /** Each EVM transaction makes one call: several transfers only through a batching contract (checkBatch). */
  readonly batchesTransfers = false
  readonly network: string
  readonly chainId: number
  readonly rpc: EvmRpc
  private readonly tokens = new Map<string, TokenInfo>()

  constructor(private readonly opts: EvmAdapterOptions) {
    this.network = opts.network
    this.chainId = opts.chainId
    this.rpc = new EvmRpc(opts)
  }

  /** Checksummed address; INPUT_INVALID_ADDRESS naming `field`. */
  normalizeAddress(address: string, field = 'address'): string {
    return assertAddress(address, field)
  }

  /** decimals() and symbol(), cached per token; INPUT_INVALID_ADDRESS for a non-token, CHAIN_RPC_UNREACHABLE. */
  async tokenInfo(token: string): Promise<TokenInfo> {
    const addr = this.normalizeAddress(token, 'token')
    let info = this.tokens.get(addr)
    if (info === undefined) {
      info = await readTokenInfo(this.rpc, addr)
      this.tokens.set(addr, info)
    }
    return info
  }

  /** Native (token omitted) or ERC-20 balance in minor units; reads retry an unreachable RPC. */
  async getBalance(address: string, token?: string): Promise<Balance> {
    const owner = this.normalizeAddress(address, 'address')
    if (token === undefined) {
      const amount = BigInt(await this.rpc.read<string>('read balance', 'eth_getBalance', [owner, 'latest']))
      return { token: null, symbol: this.opts.nativeSymbol ?? 'ETH', decimals: 18, amount }
    }
    const addr = this.normalizeAddress(token, 'token')
    const [info, amount] = await Promise.all([this.tokenInfo(addr), readTokenBalance(this.rpc, addr, owner)])
    return { token: addr, symbol: info.symbol, decimals: info.decimals, amount }
  }

  /** The batcher `via` runs trusted code, the batch moves one asset, and a token batch is within the allowance (batcher.ts). */
  async checkBatch(fromAddress: string, via: string, transfers: TransferIntent[], trustedCodeHash: string | null): Promise<void> {
    const from = this.normalizeAddress(fromAddress, 'from')
    const batcher = this.normalizeAddress(via, 'via')
    const asset = batchAsset(transfers)
    await verifyBatcher(this.rpc, this.network, batcher, trustedCodeHash)
    if (asset !== 'native') await assertBatchAllowance(this.rpc, from, batcher, this.normalizeAddress(asset, 'token'), transfers.reduce((a, t) => a + t.amount, 0n))
  }

  /** The chain's pending transaction count of `address` (mempool included). */
  async pendingNonce(address: string): Promise<bigint> {
    return BigInt(await this.rpc.read<string>('read nonce', 'eth_getTransactionCount', [address, 'pending']))
  }

  /**
   * Builds the EIP-1559 transaction and takes a nonce last, so a failure here burns none. Raises INPUT_INVALID_*,
   * CHAIN_REVERTED (estimation reverted; details.reason), CHAIN_INSUFFICIENT_FUNDS, CHAIN_FEE_TOO_HIGH, CHAIN_RPC_UNREACHABLE.
   */
  async prepare(fromAddress: string, intent: TxIntent, opts: { nonce?: boolean } = {}): Promise<PreparedTx> {
    const from = this.normalizeAddress(fromAddress, 'from')
    const { to, value, data } = intentToCall(intent)
    const request = { from, to, value: toQuantity(value), data }
    const [gasHex, fees, balanceHex] = await Promise.all([
      this.rpc.read<string>('estimate gas', 'eth_estimateGas', [request]),
      estimateFees(this.rpc),
      this.rpc.read<string>('read balance', 'eth_getBalance', [from, 'latest']),
    ])
    const estimate = BigInt(gasHex)
    // Contract execution can cost a little more than estimated when state moves between estimate and inclusion.
    const gasLimit = data === '0x' && estimate === 21_000n ? estimate : (estimate * 12n) / 10n
    this.assertUnderCap(fees.maxFeePerGas)
    const needed = value + gasLimit * fees.maxFeePerGas
    if (BigInt(balanceHex) < needed) {
      throw new WaiaasError('CHAIN_INSUFFICIENT_FUNDS', `${from} has ${BigInt(balanceHex)} wei but needs up to ${needed} wei on ${this.network}`, {
        details: { network: this.network, address: from, balance: BigInt(balanceHex).toString(), needed: needed.toString() },
      })
    }
    if (opts.nonce === false) {
      // Built for a policy decision: the nonce is taken only once the request may really be signed (assignNonce),
      // so a request that waits or is denied never holds one and leaves no gap.
      const fields = { chainId: BigInt(this.chainId), nonce: 0n, to, value, data, gasLimit, ...fees }
      return { family: 'evm', network: this.network, from, intent, fee: feeDetails(fields), unsigned: { ...toUnsigned(fields), nonce: UNASSIGNED } }
    }
    const nonce = await this.opts.nonces.acquire(this.chainId, from, () => this.pendingNonce(from))
    const fields = { chainId: BigInt(this.chainId), nonce, to, value, data, gasLimit, ...fees }
    return { family: 'evm', network: this.network, from, intent, fee: feeDetails(fields), unsigned: { ...toUnsigned(fields) } }
  }

  /** For a policy decision: the transaction without a nonce (assignNonce takes one once it may be signed). */
  prepareToDecide(fromAddress: string, intent: TxIntent): Promise<PreparedTx> {
    return this.prepare(fromAddress, intent, { nonce: false })
  }

  /** Whether a prepared transaction still needs assignNonce(). */
  hasNonce(tx: PreparedTx): boolean {
    return tx.unsigned.nonce !== UNASSIGNED
  }

  /** Takes the account's next nonce for a transaction prepared with `{ nonce: false }`. */
  async assignNonce(tx: PreparedTx): Promise<PreparedTx> {
    if (this.hasNonce(tx)) return tx
    const nonce = await this.opts.nonces.acquire(this.chainId, tx.from, () => this.pendingNonce(tx.from))
    return { ...tx, unsigned: { ...tx.unsigned, nonce: nonce.toString() } }
  }

  private assertUnderCap(maxFeePerGas: bigint): void {
    const cap = this.opts.feeCapWei
    if (cap !== undefined && maxFeePerGas > cap) {
      throw new WaiaasError('CHAIN_FEE_TOO_HIGH', `maxFeePerGas ${maxFeePerGas} wei is above the cap of ${cap} wei on ${this.network}`, {
        details: { network: this.network, maxFeePerGas: maxFeePerGas.toString(), feeCapWei: cap.toString() },
      })
    }
  }

  /** Gives a prepared transaction's nonce back when it will never be signed or sent. */
  releaseNonce(tx: PreparedTx): Promise<void> {
    if (!this.hasNonce(tx)) return Promise.resolve()
    return this.opts.nonces.release(this.chainId, tx.from, fieldsOf(tx).nonce)
  }

  /** Restarts the account's nonces from the chain (after CHAIN_NONCE_TOO_LOW or a dropped transaction). */
  resyncNonce(address: string): Promise<bigint> {
    const from = this.normalizeAddress(address, 'address')
    return this.opts.nonces.resync(this.chainId, from, () => this.pendingNonce(from))
  }

  /**
   * CHAIN_NONCE_TOO_LOW for bytes that are not ours on chain (broadcast() checks that): someone else used this nonce,
   * so these bytes can never land. Resynchronises the account's nonces from the chain.
   */
  async rebuildReason(err: unknown, _tx: PreparedTx | null, from: () => string): Promise<string | null> {
    if (!(err instanceof WaiaasError) || err.code !== 'CHAIN_NONCE_TOO_LOW') return null
    await this.resyncNonce(from())
    return 'nonce already used by another transaction'
  }

  /** An EVM transaction never expires: it waits until it is mined or replaced. */
  async isExpired(): Promise<boolean> {
    return false
  }

  /** The caller's EIP-1559 fields, every one given (see caller-tx.ts); bound to this chain by its chainId. */
  async readCallerTx(transaction: string | Record<string, unknown>, wallet: string, opts: { offline: boolean }): Promise<CallerTx> {
    return readEvmCallerTx(transaction, wallet, this.chainId, opts.offline)
  }

  /** A broadcast transaction can be replaced (same nonce, higher fees). */
  readonly replaceable = true

  /** eth_call + estimateGas on the prepared fields, never signing; a revert is `ok: false`, not an exception. */
  async simulate(tx: PreparedTx): Promise<SimulationResult> {
    const f = fieldsOf(tx)
    const request = { from: tx.from, to: f.to, value: toQuantity(f.value), data: f.data }
    try {
      const [, gasHex] = await Promise.all([
        this.rpc.read<string>('simulate', 'eth_call', [{ ...request, gas: toQuantity(f.gasLimit) }, 'latest']),
        this.rpc.read<string>('estimate gas', 'eth_estimateGas', [request]),
      ])
      return { ok: true, fee: feeDetails({ ...f, gasLimit: BigInt(gasHex) }), logs: [] }
    } catch (err) {
      if (!(err instanceof WaiaasError) || !['CHAIN_REVERTED', 'CHAIN_INSUFFICIENT_FUNDS', 'CHAIN_ERROR'].includes(err.code)) throw err
      return { ok: false, fee: tx.fee, error: { code: err.code, reason: String(err.details.reason ?? err.message) }, logs: [] }
    }
  }

  /** eth_simulateV1 of `to`/`data`/`value`/`gasLimit` (bigints or decimal strings) from `from`: see effects.ts. */
  async simulateEffects(from: string, unsigned: Record<string, unknown>): Promise<EffectReport> {
    return simulateEvmEffects(this.rpc, this.callOf(from, unsigned))
  }

  /**
   * The gas the transaction needs (what its simulation used, else eth_estimateGas, else its own gas limit) at the
   * maxFeePerGas prepare() would choose now.
   */
  async suggestedFee(from: string, unsigned: Record<string, unknown>, report: EffectReport): Promise<bigint> {
    const call = this.callOf(from, unsigned)
    const gas = async (): Promise<bigint> => {
      if (report.gasUsed !== null) return report.gasUsed
      try {
        return BigInt(await this.rpc.read<string>('estimate gas', 'eth_estimateGas', [{ from: call.from, to: call.to, data: call.data, value: toQuantity(call.value) }]))
      } catch (err) {
        if (err instanceof WaiaasError && err.code === 'CHAIN_RPC_UNREACHABLE') throw err
        return call.gas ?? 21_000n
      }
    }
    const [units, fees] = await Promise.all([gas(), estimateFees(this.rpc)])
    return (units < 21_000n ? 21_000n : units) * fees.maxFeePerGas
  }

  /** A contract call runs code; so does a native transfer whose gas is more than a plain transfer's. */
  runsCode(tx: PreparedTx): boolean {
    // A plain transfer to an account without code costs exactly 21,000 gas; anything more ran code.
    return tx.intent.kind === 'contract-call' || tx.intent.kind === 'batch' || (tx.intent.kind === 'native-transfer' && BigInt(String(tx.unsigned.gasLimit)) > 21_000n)
  }

  async latestBlockTime(): Promise<number | null> {
    const block = await this.rpc.write<{ timestamp?: string } | null>('read latest block', 'eth_getBlockByNumber', ['latest', false])
    return typeof block?.timestamp === 'string' ? Number.parseInt(block.timestamp, 16) : null
  }

  private callOf(from: string, unsigned: Record<string, unknown>): { from: string; to: string; data: string; value: bigint; gas?: bigint } {
    const big = (v: unknown, field: string): bigint => {
      if (typeof v === 'bigint') return v
      if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v)
      throw new WaiaasError('INPUT_INVALID', `transaction field \`${field}\` must be an integer`, { details: { field } })
    }
    const gas = unsigned.gasLimit === undefined || unsigned.gasLimit === null ? undefined : big(unsigned.gasLimit, 'gasLimit')
    return {
      from: this.normalizeAddress(from, 'from'),
      to: this.normalizeAddress(String(unsigned.to), 'to'),
      data: typeof unsigned.data === 'string' ? unsigned.data : '0x',
      value: big(unsigned.value ?? 0n, 'value'),
      ...(gas === undefined ? {} : { gas }),
    }
  }

  /** Signs with the 32-byte key, no network; NETWORK_MISMATCH for another chain, INPUT_INVALID when the key is not `from`'s. */
  async sign(tx: PreparedTx, key: Buffer): Promise<SignedTx> {
    const f = fieldsOf(tx)
    if (f.chainId !== BigInt(this.chainId)) {
      throw new WaiaasError('NETWORK_MISMATCH', `the transaction is for chain ${f.chainId}, this adapter is ${this.network} (${this.chainId})`, {
        details: { network: this.network, chainId: f.chainId.toString() },
      })
    }
    const sk = signingKeyFrom(key)
    if (computeAddress(sk.publicKey) !== getAddress(tx.from)) {
      throw new WaiaasError('INPUT_INVALID', '`key` does not belong to the transaction\'s `from` address', { details: { field: 'key', from: tx.from } })
    }
    const t = toTransaction(f)
    t.signature = sk.sign(t.unsignedHash)
    return { raw: t.serialized, hash: t.hash as string }
  }

  /**
   * eth_sendRawTransaction of stored bytes. Idempotent: "already known", or nonce too low because these very bytes
   * were mined, are success. Raises CHAIN_INSUFFICIENT_FUNDS, CHAIN_NONCE_TOO_LOW, CHAIN_RPC_UNREACHABLE (maybe sent!), CHAIN_ERROR.
   */
  async broadcast(signed: SignedTx): Promise<void> {
    let hash: string
    try {
      hash = Transaction.from(signed.raw).hash as string
    } catch (err) {
      throw new WaiaasError('INPUT_INVALID', '`raw` is not a signed EVM transaction', { details: { field: 'raw' }, cause: err })
    }
    // Resending these exact bytes is safe (same hash), so an unreachable endpoint is retried like a read.
    try {
      await this.rpc.retrying(() => this.rpc.write('broadcast', 'eth_sendRawTransaction', [signed.raw], { hash }))
    } catch (err) {
      if (!(err instanceof WaiaasError)) throw err
      if (err.code === 'CHAIN_ERROR' && /already known|already imported|known transaction|already exists/i.test(String(err.details.reason))) return
      if (err.code === 'CHAIN_NONCE_TOO_LOW' || err.code === 'CHAIN_ERROR') {
        const known = await this.rpc.read<unknown>('read transaction', 'eth_getTransactionByHash', [hash]).catch(() => null)
        if (known !== null && known !== undefined) return
      }
      throw err
    }
  }

  /** unknown | pending | confirmed | failed at the network's confirmation depth; reads retry an unreachable RPC. */
  async status(hash: string): Promise<TxStatus> {
    return readStatus(this.rpc, hash, this.opts.confirmations)
  }

  /** EIP-191 personal_sign. */
  async signMessage(message: string | Uint8Array, key: Buffer): Promise<string> {
    return signPersonalMessage(key, message)
  }

  /** A replacement of `prepared` with the same nonce and fees at least 10% + 1 wei higher (and not under market). */
  async speedUp(prepared: PreparedTx, signedOld: SignedTx, bumpPercent = 10): Promise<PreparedTx> {
    return speedUp(prepared, signedOld, bumpPercent, await this.replaceOptions())
  }

  /** A 0-value self-transfer with the same nonce and higher fees, which voids `prepared` if it lands first. */
  async cancel(prepared: PreparedTx, signedOld: SignedTx, bumpPercent = 10): Promise<PreparedTx> {
    return cancel(prepared, signedOld, bumpPercent, await this.replaceOptions())
  }

  private async replaceOptions(): Promise<{ market: Awaited<ReturnType<typeof estimateFees>>; feeCapWei?: bigint }> {
    const market = await estimateFees(this.rpc)
    return this.opts.feeCapWei === undefined ? { market } : { market, feeCapWei: this.opts.feeCapWei }
  }

  close(): void {
    this.rpc.destroy()
  }
}

/** The EVM adapter for one network. */
export function createEvmAdapter(opts: EvmAdapterOptions): EvmAdapter {
  return new EvmAdapter(opts)
}

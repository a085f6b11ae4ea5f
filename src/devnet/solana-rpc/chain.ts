/**
 * The local chain around litesvm: a slot counter that advances one block per landed transaction (or on demand),
 * a blockhash queue that expires hashes after 150 blocks like a validator, the transaction ledger, a faucet,
 * and the send/simulate paths with a node's preflight behaviour.
 */
import { EventEmitter } from 'node:events'
import { createHash, randomBytes } from 'node:crypto'
import { AddressLookupTableAccount, Keypair, PublicKey, SystemProgram, Transaction, type VersionedMessage } from '@solana/web3.js'
import { base58 } from '@scure/base'
import { FailedTransactionMetadata, LiteSVM } from 'litesvm'
import { PREFLIGHT_FAILURE, INTERNAL_ERROR, RpcError, SIGNATURE_VERIFICATION_FAILURE } from './rpc-error.js'
import { convertTxError, isCommittedFailure, txErrorFromName, type TxError } from './tx-error.js'
import { TxHistory, type TokenBalance, type TxRecord } from './history.js'
import { asAddress, feeForMessage, parseWireTx, toKitTransaction, usesDurableNonce, type WireTx } from './wire.js'
import { decodeMint, decodeTokenAccount, tokenAmount, tokenKind } from './parsed-token.js'

/** Blocks a blockhash stays usable (agave's MAX_PROCESSING_AGE). */
export const BLOCKHASH_VALIDITY = 150
const FAUCET_LAMPORTS = 9_000_000_000_000_000n // 9M SOL, below 2^53 so JSON numbers stay exact

export interface RawAccount {
  lamports: number
  data: Uint8Array
  owner: string
  executable: boolean
}

type EncodedAccount = ReturnType<LiteSVM['getProgramAccounts']>[number]

/** litesvm's (kit) account as plain data. */
export function rawAccount(a: EncodedAccount): RawAccount {
  return { lamports: Number(a.lamports), data: a.data as unknown as Uint8Array, owner: a.programAddress, executable: a.executable }
}

export interface SimResult {
  err: TxError | null
  logs: string[]
  unitsConsumed: number
  returnData: { programId: string; data: [string, 'base64'] } | null
  /** Accounts as the transaction left them (only those it touched). */
  postAccounts: Map<string, RawAccount>
}

export interface ChainEvents {
  slot: [slot: number]
  landed: [rec: TxRecord]
}

export class LocalChain extends EventEmitter<ChainEvents> {
  readonly svm: LiteSVM
  readonly history = new TxHistory()
  readonly genesisHash = base58.encode(createHash('sha256').update('waiaas solana-local').digest())
  /** Every account a landed transaction named or loaded through a lookup table: what a snapshot keeps. */
  readonly touched = new Set<string>()
  private readonly faucet = Keypair.generate()
  private readonly blockhashes = new Map<string, number>()
  /**
   * litesvm's blockhashes follow one fixed sequence, so two local chains (or a chain before and after a reset) would
   * share them and a transaction signed for one would be valid on the other. Each chain publishes its own instead:
   * litesvm's hash mixed with this chain's random salt (litesvm itself does not check blockhashes here; we do).
   */
  private readonly salt = randomBytes(32)
  private latest = ''
  private current: number

  constructor() {
    super()
    // We check blockhash age ourselves: litesvm only accepts its single latest blockhash.
    this.svm = new LiteSVM().withBlockhashCheck(false).withNativeMints()
    this.svm.setAccount({ address: asAddress(this.faucet.publicKey), lamports: FAUCET_LAMPORTS, data: new Uint8Array(), programAddress: asAddress(SystemProgram.programId), executable: false, space: 0n } as unknown as Parameters<LiteSVM['setAccount']>[0])
    this.current = Number(this.svm.getClock().slot)
    this.advance(1)
  }

  get slot(): number {
    return this.current
  }

  /** Produces `n` empty blocks: a new slot, clock and blockhash. */
  advance(n = 1): void {
    this.current += Math.max(1, Math.floor(n))
    const clock = this.svm.getClock()
    clock.slot = BigInt(this.current)
    clock.unixTimestamp = BigInt(Math.floor(Date.now() / 1000))
    this.svm.setClock(clock)
    this.svm.expireBlockhash()
    this.latest = base58.encode(createHash('sha256').update(this.salt).update(this.svm.latestBlockhash()).digest())
    this.blockhashes.set(this.latest, this.current)
    for (const [hash, slot] of this.blockhashes) if (slot < this.current - 2 * BLOCKHASH_VALIDITY) this.blockhashes.delete(hash)
    this.emit('slot', this.current)
  }

  /** The slot counter and the blockhash queue, for a snapshot. */
  clockState(): { slot: number; blockhashes: [hash: string, slot: number][] } {
    return { slot: this.current, blockhashes: [...this.blockhashes] }
  }

  /** Goes on from a snapshot's slot and blockhash queue, with one new block (a fresh blockhash) on top. */
  resumeClock(slot: number, blockhashes: [hash: string, slot: number][]): void {
    this.current = Math.max(this.current, slot)
    this.blockhashes.clear()
    for (const [hash, at] of blockhashes) this.blockhashes.set(hash, at)
    this.advance(1)
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    return { blockhash: this.latest, lastValidBlockHeight: this.current + BLOCKHASH_VALIDITY }
  }

  isBlockhashValid(hash: string): boolean {
    const slot = this.blockhashes.get(hash)
    return slot !== undefined && this.current - slot <= BLOCKHASH_VALIDITY
  }

  private blockhashOk(message: VersionedMessage): boolean {
    return usesDurableNonce(message) || this.isBlockhashValid(message.recentBlockhash)
  }

  account(address: string): RawAccount | null {
    const a = this.svm.getAccount(asAddress(address))
    return a.exists ? rawAccount(a) : null
  }

  mintDecimals(mint: string): number | null {
    const a = this.account(mint)
    return a !== null && tokenKind(a.owner, a.data) === 'mint' ? decodeMint(a.data).decimals : null
  }

  simulate(w: WireTx, opts: { sigVerify: boolean; replaceRecentBlockhash: boolean }): SimResult {
    let messageBytes = w.messageBytes
    if (opts.replaceRecentBlockhash) {
      w.tx.message.recentBlockhash = this.latest
      messageBytes = w.tx.message.serialize()
    } else if (!this.blockhashOk(w.tx.message)) {
      return { err: txErrorFromName('BlockhashNotFound'), logs: [], unitsConsumed: 0, returnData: null, postAccounts: new Map() }
    }
    this.svm.withSigverify(opts.sigVerify)
    try {
      const res = this.svm.simulateTransaction(toKitTransaction(w, messageBytes))
      const meta = res.meta()
      const rd = meta.returnData()
      const returnData = rd.data().length === 0 ? null : { programId: base58.encode(rd.programId()), data: [Buffer.from(rd.data()).toString('base64'), 'base64'] as [string, 'base64'] }
      const base = { logs: meta.logs(), unitsConsumed: Number(meta.computeUnitsConsumed()), returnData }
      if (res instanceof FailedTransactionMetadata) return { err: convertTxError(res.err()), ...base, postAccounts: new Map() }
      const postAccounts = new Map<string, RawAccount>()
      for (const a of res.postAccounts()) postAccounts.set(a.address, rawAccount(a))
      return { err: null, ...base, postAccounts }
    } finally {
      this.svm.withSigverify(true)
    }
  }

  /** sendTransaction: preflight unless skipped, then execute and record. Returns the signature. */
  send(w: WireTx, opts: { skipPreflight: boolean }): string {
    if (!opts.skipPreflight) {
      const sim = this.simulate(w, { sigVerify: true, replaceRecentBlockhash: false })
      if (sim.err !== null) {
        if (sim.err.json === 'SignatureFailure') throw new RpcError(SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure')
        throw new RpcError(PREFLIGHT_FAILURE, `Transaction simulation failed: ${sim.err.text}`, {
          accounts: null, err: sim.err.json, innerInstructions: null, logs: sim.logs, replacementBlockhash: null, returnData: sim.returnData, unitsConsumed: sim.unitsConsumed,
        })
      }
    }
    // Without preflight a node accepts the transaction and silently drops what cannot land.
    if (!this.blockhashOk(w.tx.message)) return w.signature
    const keys = w.accountKeys
    const preBalances = keys.map((k) => this.account(k)?.lamports ?? 0)
    const preTokenBalances = this.tokenBalances(keys)
    const res = this.svm.sendTransaction(toKitTransaction(w))
    let err: TxError | null = null
    if (res instanceof FailedTransactionMetadata) {
      err = convertTxError(res.err())
      if (err.json === 'SignatureFailure') throw new RpcError(SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure')
      if (!isCommittedFailure(err)) return w.signature
    }
    const meta = res instanceof FailedTransactionMetadata ? res.meta() : res
    this.advance(1)
    const rec: TxRecord = {
      signature: w.signature, slot: this.current, blockTime: Math.floor(Date.now() / 1000), wire: w, err: err?.json ?? null,
      fee: feeForMessage(w.tx.message), preBalances, postBalances: keys.map((k) => this.account(k)?.lamports ?? 0),
      preTokenBalances, postTokenBalances: this.tokenBalances(keys), logs: meta.logs(), unitsConsumed: Number(meta.computeUnitsConsumed()),
    }
    this.history.add(rec)
    for (const key of this.loadedKeys(w)) this.touched.add(key)
    this.emit('landed', rec)
    return w.signature
  }

  /** requestAirdrop: a real transfer from the faucet account, so it shows up in the ledger like on devnet. */
  airdrop(to: string, lamports: number): string {
    const tx = new Transaction({ feePayer: this.faucet.publicKey, recentBlockhash: this.latest })
    tx.add(SystemProgram.transfer({ fromPubkey: this.faucet.publicKey, toPubkey: new PublicKey(to), lamports }))
    tx.sign(this.faucet)
    try {
      return this.send(parseWireTx(tx.serialize()), { skipPreflight: false })
    } catch (e) {
      throw new RpcError(INTERNAL_ERROR, `airdrop request failed: ${(e as Error).message}`)
    }
  }

  /** The transaction's static keys and those it loads through address lookup tables (as they read now). */
  loadedKeys(w: WireTx): string[] {
    const keys = [...w.accountKeys]
    for (const lookup of w.tx.message.addressTableLookups) {
      const table = this.account(lookup.accountKey.toBase58())
      if (table === null) continue
      try {
        const addresses = AddressLookupTableAccount.deserialize(table.data).addresses
        for (const i of [...lookup.writableIndexes, ...lookup.readonlyIndexes]) {
          const a = addresses[i]
          if (a !== undefined) keys.push(a.toBase58())
        }
      } catch {
        // not a lookup table: the transaction failed to load it too
      }
    }
    return keys
  }

  private tokenBalances(keys: string[]): TokenBalance[] {
    const out: TokenBalance[] = []
    keys.forEach((key, accountIndex) => {
      const a = this.account(key)
      if (a === null || tokenKind(a.owner, a.data) !== 'account') return
      const t = decodeTokenAccount(a.data)
      const decimals = this.mintDecimals(t.mint)
      if (decimals === null) return
      out.push({ accountIndex, mint: t.mint, owner: t.owner, programId: a.owner, uiTokenAmount: tokenAmount(t.amount, decimals) })
    })
    return out
  }
}

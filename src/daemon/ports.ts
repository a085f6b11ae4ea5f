/**
 * The daemon's parts as handlers see them: one narrow interface per part of DaemonContext (src/daemon/context.ts),
 * holding only the members handlers and the modules given the context use. The implementations (Keyring,
 * ChainRegistry, Pipeline, Devnet, PluginManager, Monitor, Notifier, the logger) declare `implements`, so the
 * compiler proves they fit. This file and the files it names hold types only (test/unit/context-interface.test.ts).
 */
import type { Database } from 'better-sqlite3'
import type { PluginName, PluginStatus } from '../lib/contract/index.js'
import type { NetworkFamily } from '../lib/networks.js'
import type { Balance, ChainAdapter, ChainFamily, OfflineSigner } from './chains/types.js'
import type { DaemonContext } from './context.js'
import type { KdfParams } from './keystore/kdf-params.js'
import type { EffectiveNetwork } from './network-types.js'
import type { KillSwitchState, SpendView, SubmitInput, TestResult } from './pipeline/facade-types.js'
import type { RequestRow } from './store/request-types.js'

/** The daemon's SQLite database (better-sqlite3). */
export type Db = Database

/** A data key handed to one operator request; `release` wipes it unless it is the daemon's unlocked key. */
export interface KeyGrant {
  dataKey: Buffer
  release(): void
}

/** A namespaced, levelled logger that appends secret-free lines to the daemon's log file (src/daemon/log.ts). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(ns: string): Logger
  close(): void
}

/** The master password and the data key it unlocks (src/daemon/keyring.ts). */
export interface KeyringPort {
  readonly initialized: boolean
  readonly locked: boolean
  /** Changes on every unlock and lock, so caches of key material know when they are stale. */
  readonly epoch: number
  /** Changes whenever the master password changes, so what the old password opened (admin sessions) can end. */
  readonly passwordEpoch: number
  init(password: string, actor: string, details: Record<string, unknown>): Promise<{ kdf: KdfParams }>
  unlock(password: string, actor: string, source?: string): Promise<void>
  lock(): void
  /** The data key while unlocked; throws LOCKED otherwise. */
  heldDataKey(): Buffer
  authorize(password: string, actor: string, action: string, source?: string): Promise<KeyGrant>
  changePassword(grant: KeyGrant, newPassword: string, actor: string, details: Record<string, unknown>): Promise<{ kdf: KdfParams }>
}

/** An EVM adapter's JSON-RPC endpoint, for raw calls (the chain head when a wallet's watching starts). */
export interface EvmRpcPort {
  write<T>(op: string, method: string, params: unknown[], details?: Record<string, unknown>): Promise<T>
}

/** The part of a Solana connection the daemon calls outside the adapter. */
export interface SolanaConnectionPort {
  getSlot(commitment?: 'confirmed' | 'finalized'): Promise<number>
}

export interface SolanaRpcPort {
  readonly commitment: 'confirmed' | 'finalized'
  write<T>(op: string, fn: (c: SolanaConnectionPort) => Promise<T>, details?: Record<string, unknown>): Promise<T>
}

/** A network's adapter, told apart by family where the chains differ. */
export type AdapterPort =
  | (ChainAdapter & { readonly family: 'evm'; readonly rpc: EvmRpcPort })
  | (ChainAdapter & { readonly family: 'solana'; readonly rpc: SolanaRpcPort; listTokenBalances(address: string): Promise<Balance[]> })

/** What releases EVM nonces nobody will use (the pipeline's sweep). */
export interface NonceReleaser {
  release(chainId: number, address: string, nonce: bigint): Promise<void>
}

/** Chain adapters per network, built on first use (src/daemon/chains/registry.ts). */
export interface ChainsPort {
  adapter(net: EffectiveNetwork): Promise<AdapterPort>
  nonceManager(): Promise<NonceReleaser>
  offlineSigner(family: ChainFamily): Promise<OfflineSigner>
}

/** Requests from validation to confirmation (src/daemon/pipeline/pipeline.ts). */
export interface PipelinePort {
  submit(input: SubmitInput, actor: string): Promise<RequestRow>
  test(input: SubmitInput, actor?: string): Promise<TestResult>
  approve(id: string, actor: string): Promise<RequestRow>
  reject(id: string, actor: string, reason: string | undefined): RequestRow
  cancel(id: string, actor: string): Promise<RequestRow>
  speedUp(id: string, bumpPercent: number, actor: string): Promise<RequestRow>
  approvalMessage(id: string, decision: 'approve' | 'reject'): { message: string; owner: string; expiresAt: string }
  ownerDecide(id: string, message: string, signature: string, inside?: () => void): Promise<RequestRow>
  forgetKey(walletId?: string): void
  killSwitch(): KillSwitchState
  setKillSwitch(on: boolean, actor: string, reason: string | null): KillSwitchState
  wait(id: string, timeoutMs: number): Promise<RequestRow>
  /** What `walletId` has used of its limits on `network` now, read from the spend ledger the decisions reserve in. */
  spendView(walletId: string, network: string): SpendView
}

/**
 * Whether a chain goes on from before: `new` (first start, or after `devnet stop`), `resumed` (same chain, balances
 * kept), `reset` (there was one, but its state could not be kept: wallets need `devnet fund` again).
 */
export type ChainState = 'new' | 'resumed' | 'reset'

export interface DevnetInfo {
  running: boolean
  evm: { network: string; url: string; chainId: number; pid: number; testToken: string | null; state: ChainState } | null
  solana: { network: string; url: string; wsUrl: string; testToken: string | null; state: ChainState } | null
}

export interface FundResult {
  network: string
  asset: string
  amount: string
  tx: string | null
}

/** The local playground (src/daemon/devnet.ts). */
export interface DevnetPort {
  info(): DevnetInfo
  start(): Promise<DevnetInfo>
  stop(): Promise<DevnetInfo>
  fundEvm(address: string, wei: bigint, tokens: bigint): Promise<FundResult[]>
  fundSolana(address: string, lamports: bigint, tokens: bigint): Promise<FundResult[]>
}

export interface EnableOptions {
  host?: string | undefined
  port?: number | undefined
  allowNonLoopback?: boolean | undefined
}

/** The optional HTTP plugins (src/daemon/plugins/manager.ts). */
export interface PluginsPort {
  start(ctx: DaemonContext): Promise<void>
  list(): PluginStatus[]
  status(name: PluginName): PluginStatus
  serving(name: PluginName): boolean
  enable(name: string, opts: EnableOptions, actor: string): Promise<PluginStatus>
  disable(name: string, actor: string): Promise<PluginStatus>
  close(): Promise<void>
}

export type WatchSource = 'operator' | 'devnet'

export interface NetworkScanStatus {
  network: string
  source: WatchSource
  /** Every wallet is scanned through this block (EVM) / slot (Solana); null before the first scan. */
  scannedThrough: number | null
  /** Completed scans since the daemon started. */
  scans: number
  lastScanAt: Date | null
  lastError: { code: string; message: string; at: Date } | null
}

/** Incoming transfers and low balances (src/daemon/monitor/monitor.ts). */
export interface MonitorPort {
  readonly intervalMs: number
  watchedByDevnet(network: string): boolean
  watched(): Map<string, WatchSource>
  networksFor(family: NetworkFamily): string[]
  startWatching(networks: readonly string[]): Promise<void>
  start(): void
  poke(): void
  stop(): Promise<void>
  status(): NetworkScanStatus[]
}

export interface ChannelTestResult {
  ok: boolean
  status: number | null
  error: string | null
}

/** Notification channels (src/daemon/notify/notifier.ts). */
export interface NotifierPort {
  start(): void
  stop(): Promise<void>
  test(ref: string, dataKey: Buffer): Promise<{ channel: { id: string }; result: ChannelTestResult }>
}

/** An asset to price: the native coin (`token` null) or a token of `network`, with its decimals. */
export interface PricedAsset {
  network: string
  token: string | null
  symbol: string
  decimals: number
}

/** USD values from the configured price sources (src/daemon/prices): exact, in micro-dollars. */
export interface PricesPort {
  /** The USD value of `amount` (minor units of `asset`), rounded up; null when no source has a fresh price. */
  usdMicros(asset: PricedAsset, amount: bigint): Promise<bigint | null>
}

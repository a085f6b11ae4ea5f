/**
 * The monitor: on its own interval (WAIAAS_MONITOR_INTERVAL_MS, default 5 s) it scans every watched network for
 * incoming transfers and then checks low-balance thresholds there. Watched are the networks on the operator's list
 * (`waiaas incoming watch`) and, while the devnet runs, its local networks; a public network is never watched unless
 * the operator listed it.
 *
 * Each network runs on its own: a scan still in flight is not started again, and a failing or hanging network never
 * delays another. An RPC failure is logged (code and a redacted message, never the RPC URL) and the scan is repeated
 * on the next tick with its cursor where it was, so an outage loses nothing.
 */
import { EVM_LOCAL_ID, SOLANA_LOCAL_ID } from '../../lib/networks.js'
import { toWaiaasError, WaiaasError } from '../../lib/errors.js'
import { redactUrls } from '../chains/evm/errors.js'
import type { ChainRegistry } from '../chains/registry.js'
import type { Devnet } from '../devnet.js'
import type { Logger } from '../log.js'
import { effectiveNetwork } from '../networks.js'
import type { Db } from '../store/db.js'
import { forgetCursors } from '../store/incoming.js'
import { getMeta, setMeta } from '../store/meta.js'
import { listWatched } from '../store/monitor-settings.js'
import { listWallets } from '../store/wallets.js'
import type { EvmScanState } from './evm-scan.js'

export const DEFAULT_MONITOR_INTERVAL_MS = 5000
/** How long shutdown waits for scans in flight (a hung endpoint must not hold the daemon up). */
const STOP_WAIT_MS = 3000

export type WatchSource = 'operator' | 'devnet'

/** The devnet chain epochs the local networks' cursors belong to (meta key). */
const DEVNET_EPOCHS_KEY = 'monitor.devnetEpochs'

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

interface NetState {
  status: NetworkScanStatus
  running: Promise<void> | null
  evm: EvmScanState | null
}

export interface MonitorDeps {
  db: Db
  chains: ChainRegistry
  devnet: Devnet
  log: Logger
}


export class Monitor {
  private readonly nets = new Map<string, NetState>()
  private timer: NodeJS.Timeout | undefined
  private stopped = true
  /** Which devnet run the local networks' cursors belong to. */
  private devnetRun: string | undefined

  constructor(
    private readonly deps: MonitorDeps,
    readonly intervalMs: number = DEFAULT_MONITOR_INTERVAL_MS,
  ) {}

  /** Networks to scan now, by CAIP-2 id, with why each is watched. */
  watched(): Map<string, WatchSource> {
    const out = new Map<string, WatchSource>()
    if (this.deps.devnet.info().running) {
      out.set(EVM_LOCAL_ID, 'devnet')
      out.set(SOLANA_LOCAL_ID, 'devnet')
    }
    for (const w of listWatched(this.deps.db)) out.set(w.network, 'operator')
    return out
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.schedule(0)
  }

  /** Scans soon (after a watch-list change) instead of at the next interval. */
  poke(): void {
    if (this.stopped) return
    this.schedule(0)
  }

  /** Stops the interval and waits (boundedly) for scans in flight. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    const inFlight = [...this.nets.values()].flatMap((s) => (s.running === null ? [] : [s.running]))
    if (inFlight.length === 0) return
    let timeout: NodeJS.Timeout | undefined
    await Promise.race([Promise.allSettled(inFlight), new Promise<void>((resolve) => (timeout = setTimeout(resolve, STOP_WAIT_MS)))])
    clearTimeout(timeout)
  }

  /** Per watched network: how far it is scanned and how the last scan went. */
  status(): NetworkScanStatus[] {
    return [...this.watched()].map(([network, source]) => ({ ...(this.nets.get(network)?.status ?? this.blank(network, source)), source }))
  }

  private blank(network: string, source: WatchSource): NetworkScanStatus {
    return { network, source, scannedThrough: null, scans: 0, lastScanAt: null, lastError: null }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.tick(), ms)
    this.timer.unref()
  }

  private tick(): void {
    if (this.stopped) return
    let watched: Map<string, WatchSource>
    try {
      this.forgetOldDevnet()
      watched = this.watched()
    } catch (err) {
      // The database is closing under us: shutdown is in progress.
      this.deps.log.warn('monitor could not read its watch list', { code: toWaiaasError(err).code })
      return
    }
    for (const [network, source] of watched) {
      let st = this.nets.get(network)
      if (st === undefined) this.nets.set(network, (st = { status: this.blank(network, source), running: null, evm: null }))
      st.status.source = source
      if (st.running !== null) continue
      const state = st
      state.running = this.scan(network, state).finally(() => (state.running = null))
    }
    this.schedule(this.intervalMs)
  }

  /**
   * A local chain keeps its state across daemon restarts until `devnet stop`; a new epoch is a new chain, whose
   * blocks and signatures the cursors of the old one do not point into. The epoch the cursors belong to is stored
   * with them, so a resumed chain keeps its cursors (nothing received while the daemon was down is missed) and a
   * new one starts at its head.
   */
  private forgetOldDevnet(): void {
    const epochs = this.deps.devnet.epochs()
    if (epochs === null) return
    const run = `${epochs.evm}|${epochs.solana}`
    if (run === this.devnetRun) return
    const local: [string, string][] = [[EVM_LOCAL_ID, epochs.evm], [SOLANA_LOCAL_ID, epochs.solana]]
    // A scan of the old chain still in flight could write its cursors back: wait for it (next tick).
    if (local.some(([id]) => (this.nets.get(id)?.running ?? null) !== null)) return
    this.devnetRun = run
    const scanned = getMeta<Record<string, string>>(this.deps.db, DEVNET_EPOCHS_KEY) ?? {}
    const stale = local.filter(([id, epoch]) => scanned[id] !== epoch).map(([id]) => id)
    if (stale.length === 0) return
    forgetCursors(this.deps.db, stale)
    setMeta(this.deps.db, DEVNET_EPOCHS_KEY, Object.fromEntries(local))
    for (const id of stale) {
      const st = this.nets.get(id)
      if (st !== undefined) st.status.scannedThrough = null
    }
  }

  private async scan(network: string, st: NetState): Promise<void> {
    const { db, chains, log } = this.deps
    try {
      const net = effectiveNetwork(db, network)
      const wallets = listWallets(db, { chain: net.family })
      const adapter = await chains.adapter(net)
      // Checked inside each commit: a network unwatched while its scan ran must not get its cursors back.
      const guard = (): void => {
        if (this.stopped || !this.watched().has(network)) throw new WaiaasError('INTERNAL', `${network} is no longer watched`, { details: { network, unwatched: true } })
      }
      let outcome
      if (adapter.family === 'evm') {
        const { newEvmScanState, scanEvm } = await import('./evm-scan.js')
        st.evm ??= newEvmScanState()
        outcome = await scanEvm(db, net, adapter.rpc, st.evm, wallets, guard)
      } else {
        const { scanSolana } = await import('./solana-scan.js')
        outcome = await scanSolana(db, net, adapter.rpc, wallets, guard)
      }
      if (this.stopped) return
      const { checkLowBalances } = await import('./low-balance.js')
      const alerts = await checkLowBalances(db, net, adapter, wallets)
      for (const t of outcome.found) {
        log.info('incoming transfer', { network: net.id, wallet: t.walletId, asset: t.asset, amount: t.amount.toString(), tx: t.tx, block: t.block })
      }
      if (alerts > 0) log.info('low balance alerts raised', { network: net.id, alerts })
      if (st.status.lastError !== null) log.info('incoming scan recovered', { network: net.id })
      st.status.scannedThrough = outcome.through ?? st.status.scannedThrough
      st.status.scans++
      st.status.lastScanAt = new Date()
      st.status.lastError = null
    } catch (err) {
      const e = toWaiaasError(err)
      if (this.stopped || e.details.unwatched === true) return
      const message = redactUrls(e.message).slice(0, 300)
      // Logged when it starts failing or fails differently, not on every tick of an outage.
      if (st.status.lastError?.code !== e.code) log.warn('incoming scan failed; retrying next tick', { network, code: e.code, error: message })
      st.status.lastError = { code: e.code, message, at: new Date() }
    }
  }
}

/**
 * The monitor: on its own interval (WAIAAS_MONITOR_INTERVAL_MS, default 5 s) it scans every watched network for
 * incoming transfers and then checks low-balance thresholds there. Watched are the networks on the operator's list
 * (`waiaas incoming watch`) and, while the devnet runs, its local networks; a public network is never watched unless
 * the operator listed it.
 *
 * Each network runs on its own: a scan still in flight is not started again, and a failing or hanging network never
 * delays another. An RPC failure is logged (code and a redacted message, never the RPC URL) and the scan is repeated
 * on the next tick with its cursor where it was, so an outage loses nothing.
 *
 * Where a wallet's watching starts is recorded when the wallet is created or imported, and for every wallet when a
 * network starts being watched (the operator's `incoming watch`, a new devnet run): that network's head at that
 * moment (see watch-start.ts), so a deposit that comes before the next scan is still found by it.
 */
import { EVM_LOCAL_ID, resolveNetwork, SOLANA_LOCAL_ID, type NetworkFamily } from '../../lib/networks.js'
import type { Clock } from '../../lib/clock.js'
import { toWaiaasError, WaiaasError } from '../../lib/errors.js'
import { redactUrls } from '../chains/evm/errors.js'
import type { ChainRegistry } from '../chains/registry.js'
import type { Devnet } from '../devnet.js'
import type { Logger } from '../log.js'
import type { MonitorPort, NetworkScanStatus, WatchSource } from '../ports.js'
import { effectiveNetwork } from '../networks.js'
import type { Db } from '../store/db.js'
import { forgetCursors, recordStarts } from '../store/incoming.js'
import { getMeta, setMeta } from '../store/meta.js'
import { listWatched } from '../store/monitor-settings.js'
import { listWallets } from '../store/wallets.js'
import type { EvmScanState } from './evm-scan.js'
import { readStarts, timeStart } from './watch-start.js'

/** How long shutdown waits for scans in flight (a hung endpoint must not hold the daemon up). */
const STOP_WAIT_MS = 3000

export type { NetworkScanStatus, WatchSource } from '../ports.js'

/** The devnet chain epochs the local networks' cursors belong to (meta key). */
const DEVNET_EPOCHS_KEY = 'monitor.devnetEpochs'

interface NetState {
  status: NetworkScanStatus
  running: Promise<void> | null
  /** A poke came during this network's scan: it is scanned again as soon as that one ends. */
  again: boolean
  evm: EvmScanState | null
}

export interface MonitorDeps {
  db: Db
  chains: ChainRegistry
  devnet: Devnet
  log: Logger
  /** The daemon's clock, for the time of each scan (incoming.status's lag); the wall clock when absent. */
  now?: Clock
}


export class Monitor implements MonitorPort {
  private readonly nets = new Map<string, NetState>()
  private timer: NodeJS.Timeout | undefined
  private stopped = true
  /** Which devnet run the local networks' cursors belong to (null: none). */
  private devnetRun: string | null = null

  constructor(
    private readonly deps: MonitorDeps,
    /** monitor.intervalMs as resolved (src/lib/resolve-settings.ts). */
    readonly intervalMs: number,
  ) {}

  /** Whether the devnet watches `network` now (one of its local networks while it runs), whatever the operator's list says. */
  watchedByDevnet(network: string): boolean {
    return this.deps.devnet.info().running && (network === EVM_LOCAL_ID || network === SOLANA_LOCAL_ID)
  }

  /** Networks to scan now, by CAIP-2 id, with why each is watched. */
  watched(): Map<string, WatchSource> {
    const out = new Map<string, WatchSource>()
    for (const id of [EVM_LOCAL_ID, SOLANA_LOCAL_ID]) if (this.watchedByDevnet(id)) out.set(id, 'devnet')
    for (const w of listWatched(this.deps.db)) out.set(w.network, 'operator')
    return out
  }

  /**
   * The networks a wallet of `family` is watched on now, for recording where its watching starts (after dropping the
   * cursors a finished devnet run left, so the new wallet's start is not dropped with them).
   */
  networksFor(family: NetworkFamily): string[] {
    this.syncDevnetRun()
    return [...this.watched().keys()].filter((id) => resolveNetwork(id).family === family)
  }

  /**
   * `networks` start being watched now (the operator added one, the devnet started): every wallet of their family
   * that has no cursor there yet starts at the network's head now (or the time, when it does not answer).
   */
  async startWatching(networks: readonly string[]): Promise<void> {
    this.syncDevnetRun()
    const at = Date.now()
    const starts = await readStarts(this.deps, networks, at)
    const writes = networks.flatMap((network) => {
      const position = starts.get(network) ?? timeStart(at)
      return listWallets(this.deps.db, { chain: resolveNetwork(network).family }).map((w) => ({ walletId: w.id, network, position }))
    })
    recordStarts(this.deps.db, writes)
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.schedule(0)
  }

  /** Scans soon (after a watch-list change) instead of at the next interval. */
  poke(): void {
    if (this.stopped) return
    // A scan that began before the poke may miss what it was for (a new wallet, a watch-list change): its network is
    // scanned again once it ends, not only at the next interval.
    for (const st of this.nets.values()) if (st.running !== null) st.again = true
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
      this.syncDevnetRun()
      watched = this.watched()
    } catch (err) {
      // The database is closing under us: shutdown is in progress.
      this.deps.log.warn('monitor could not read its watch list', { code: toWaiaasError(err).code })
      return
    }
    for (const [network, source] of watched) {
      let st = this.nets.get(network)
      if (st === undefined) this.nets.set(network, (st = { status: this.blank(network, source), running: null, again: false, evm: null }))
      st.status.source = source
      if (st.running !== null) continue
      this.launch(network, st)
    }
    this.schedule(this.intervalMs)
  }

  /** Scans `network` now; a poke that came meanwhile (state.again) brings the next tick forward to when it ends. */
  private launch(network: string, state: NetState): void {
    state.again = false
    state.running = this.scan(network, state).finally(() => {
      state.running = null
      if (state.again && !this.stopped) this.schedule(0)
    })
  }

  /** The devnet chains (their epochs) a local network's scan belongs to; '' for every other network. */
  private runOf(network: string): string | null {
    if (network !== EVM_LOCAL_ID && network !== SOLANA_LOCAL_ID) return ''
    const epochs = this.deps.devnet.epochs()
    return epochs === null ? null : `${epochs.evm}|${epochs.solana}`
  }

  /**
   * A local chain keeps its state across daemon restarts until `devnet stop`; a new epoch is a new chain, whose
   * blocks and signatures the cursors of the old one do not point into. The epoch the cursors belong to is stored
   * with them, so a resumed chain keeps its cursors (nothing received while the daemon was down is missed) and a
   * new one starts at its head. Synced synchronously the first time anything looks after a new epoch began (before a
   * wallet records its start there); a scan of the old chain still in flight writes nothing (its commit checks the run).
   */
  private syncDevnetRun(): void {
    const epochs = this.deps.devnet.epochs()
    if (epochs === null) return
    const run = `${epochs.evm}|${epochs.solana}`
    if (run === this.devnetRun) return
    this.devnetRun = run
    const local: [string, string][] = [[EVM_LOCAL_ID, epochs.evm], [SOLANA_LOCAL_ID, epochs.solana]]
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
      // Checked inside each commit: a network unwatched while its scan ran (or a devnet restarted under it) must not
      // get its cursors back.
      const run = this.runOf(network)
      const guard = (): void => {
        if (this.stopped || !this.watched().has(network) || this.runOf(network) !== run) {
          throw new WaiaasError('INTERNAL', `${network} is no longer watched`, { details: { network, unwatched: true } })
        }
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
      st.status.lastScanAt = new Date(this.deps.now?.() ?? Date.now())
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

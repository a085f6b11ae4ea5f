/**
 * The daemon as a library: `startDaemon({ home })` claims the data directory, opens the database, unlocks from the
 * configured password source, listens on the socket and returns a handle whose `close()` undoes all of it.
 * It never installs signal handlers or exits the process; `waiaas daemon start --foreground` does that.
 */
import fs from 'node:fs'
import { clockOf } from '../lib/clock.js'
import { MAX_FRAME_BYTES } from '../lib/contract/index.js'
import { readConfigFile, readEnv, withConfigFile, type Env, type LogLevel } from '../lib/env.js'
import { toWaiaasError, WaiaasError } from '../lib/errors.js'
import { ensureDataDirs, resolvePaths, type Paths } from '../lib/paths.js'
import { resolveSettings } from '../lib/resolve-settings.js'
import { passwordFromSources } from '../lib/secrets.js'
import { VERSION } from '../lib/version.js'
import type { DaemonContext } from './context.js'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startBackupSchedule } from './backup/schedule.js'
import { ChainRegistry } from './chains/registry.js'
import { effectiveNetwork } from './networks.js'
import { Pipeline } from './pipeline/pipeline.js'
import { PluginManager } from './plugins/manager.js'
import { Devnet } from './devnet.js'
import { init as initVault } from './handlers/vault.js'
import { Keyring } from './keyring.js'
import { Monitor } from './monitor/monitor.js'
import { claimPidFile, listenSocket, releasePidFile } from './lifecycle.js'
import { createLogger, type Logger } from './log.js'
import { Notifier } from './notify/notifier.js'
import { createSocketServer, type SocketServer } from './server.js'
import { openDatabase, type Db } from './store/db.js'
import { getMeta } from './store/meta.js'

export interface DaemonOptions {
  /** The data directory. */
  home: string
  /** Parsed WAIAAS_* environment; read from process.env when omitted. */
  env?: Env
  /** `daemon start --password-file`: unlock from this file at start. */
  passwordFile?: string
  /** True when the CLI launcher spawned this daemon, so a CLI of another version may restart it. */
  managed?: boolean
  logLevel?: LogLevel
  /** Also write log lines here (the foreground command passes stderr). */
  logEcho?: NodeJS.WritableStream
  maxFrameBytes?: number
  /** The version announced in the handshake; only tests set it, to act as an older or newer daemon. */
  version?: string
  /**
   * The daemon's clock (ms since the epoch): sessions, the password throttle and the pipeline's delays, expiries and
   * rolling windows. Tests move it instead of sleeping; default the wall clock, or the test clock file of the env.
   */
  now?: () => number
}

export interface DaemonHandle {
  paths: Paths
  pid: number
  /** Shuts down once: drains calls, wipes keys, closes SQLite, removes the socket and pid file. */
  close(): Promise<void>
  /** Settles when the daemon has shut down, whoever asked for it. */
  closed: Promise<void>
  /** The daemon's context, for in-process transports and tests (e.g. MCP over HTTP without the HTTP plugin). */
  ctx: DaemonContext
}

export async function startDaemon(opts: DaemonOptions): Promise<DaemonHandle> {
  const fromEnv = opts.env ?? readEnv()
  const paths = resolvePaths(opts.home, fromEnv)
  ensureDataDirs(paths)
  // The one place the config file is merged: the environment wins, the file fills the rest, read once at start;
  // the settings table's defaults fill what neither sets (src/lib/resolve-settings.ts).
  const env = resolveSettings(withConfigFile(fromEnv, readConfigFile(paths.config)))
  const log = createLogger(paths.logFile, {
    level: opts.logLevel ?? env.logLevel,
    format: env.logFormat,
    maxBytes: env.logMaxBytes,
    files: env.logFiles,
    ...(opts.logEcho ? { echo: opts.logEcho } : {}),
  })
  const undo: (() => void | Promise<void>)[] = [() => log.close()]
  const unwind = async (): Promise<void> => {
    for (const step of undo.reverse()) await step()
  }
  try {
    if (env.testStartGate !== undefined) await waitAtStartGate(env.testStartGate)
    const startedAt = new Date()
    await claimPidFile(paths.pidFile, { pid: process.pid, version: opts.version ?? VERSION, socket: paths.socket, startedAt: startedAt.toISOString() })
    undo.push(() => releasePidFile(paths.pidFile))

    const db: Db = openDatabase(paths.db)
    undo.push(() => {
      db.close()
    })
    const now = opts.now ?? clockOf(env)
    const keyring = new Keyring(db, log.child('keyring'), now)
    undo.push(() => keyring.close())

    const devnet = new Devnet(db, log.child('devnet'), paths.devnet)
    // Stops the chains but keeps their state: a devnet running at shutdown is resumed at the next start.
    undo.push(() => devnet.suspend())

    const chains = new ChainRegistry(db)
    const { createPriceService, evmCallerFromRpc, loadPriceConfig } = await import('./prices/index.js')
    const priceFile = env.pricesFile ?? (existsSync(join(paths.dataDir, 'prices.json')) ? join(paths.dataDir, 'prices.json') : undefined)
    const prices = createPriceService(loadPriceConfig(priceFile), {
      log,
      evmRpc: async (network) => {
        const adapter = await chains.adapter(effectiveNetwork(db, network)).catch(() => null)
        return adapter?.family === 'evm' ? evmCallerFromRpc(adapter.rpc) : null
      },
    })
    const pipeline = new Pipeline(
      { db, keyring, chains, log: log.child('pipeline') },
      { prices, tickMs: env.pipelineTickMs, approvalTtlMs: env.approvalTtlSeconds * 1000, crashAt: env.testCrashAt, now },
    )

    let requestShutdown = (): void => {}
    const ctx: DaemonContext = {
      paths,
      db,
      keyring,
      log,
      devnet,
      chains,
      pipeline,
      prices,
      plugins: new PluginManager(db, log.child('plugins'), env),
      notifier: new Notifier(
        { db, keyring, log: log.child('notify'), pipeline },
        { intervalMs: env.notifyIntervalMs, retryBaseMs: env.notifyRetryBaseMs, telegramApi: env.telegramApiUrl, now },
      ),
      monitor: new Monitor({ db, chains, devnet, log: log.child('monitor'), now }, env.monitorIntervalMs),
      version: opts.version ?? VERSION,
      startedAt,
      now,
      managed: opts.managed ?? false,
      requestShutdown: () => requestShutdown(),
      settings: env,
      pricesFile: priceFile,
      restPublicUrl: env.restPublicUrl,
    }

    await unlockAtStart(ctx, env, opts.passwordFile)
    await pipeline.start()
    undo.push(() => pipeline.stop())
    // On its own timer: a slow or failing channel never holds up the pipeline.
    ctx.notifier.start()
    undo.push(() => ctx.notifier.stop())
    // The devnet that was running when the last daemon stopped or crashed: the same chains again, before the
    // monitor's first scan and before any client can ask.
    await devnet.resume()
    ctx.monitor.start()
    undo.push(() => ctx.monitor.stop())

    let started: () => void = () => {}
    const ready = new Promise<void>((resolve) => (started = resolve))
    const socket: SocketServer = createSocketServer(ctx, { maxFrameBytes: opts.maxFrameBytes ?? MAX_FRAME_BYTES, ready })
    await listenSocket(socket.server, paths.socket)
    undo.push(() => socket.close())
    // After the socket: a plugin that cannot start is logged and shown in status, and never stops the daemon. Calls
    // that arrive meanwhile wait for it (`ready`), so the first one already finds an enabled plugin serving.
    try {
      await ctx.plugins.start(ctx)
    } finally {
      started()
    }
    undo.push(() => ctx.plugins.close())
    const backups = startBackupSchedule(ctx, env, opts.passwordFile)
    undo.push(() => backups.stop())
    log.info('daemon started', { pid: process.pid, version: ctx.version, socket: paths.socket, managed: ctx.managed })

    let resolveClosed: () => void = () => {}
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve))
    let closing: Promise<void> | undefined
    const close = (): Promise<void> => {
      closing ??= (async () => {
        log.info('daemon stopping')
        // Socket first (drains calls), then keys, database, pid file and log, in reverse order of creation.
        await unwind()
        resolveClosed()
      })()
      return closing
    }
    requestShutdown = () => setImmediate(() => void close())
    return { paths, pid: process.pid, close, closed, ctx }
  } catch (err) {
    log.error('daemon failed to start', { code: toWaiaasError(err).code, error: err instanceof Error ? err.message : String(err) })
    await unwind()
    throw err
  }
}

/** Auto-provisions a new data directory when asked to, then unlocks from the first password source that is set. */
async function unlockAtStart(ctx: DaemonContext, env: Env, passwordFile: string | undefined): Promise<void> {
  const { keyring, log } = ctx
  if (!keyring.initialized && env.autoProvision) {
    await initVault(ctx, { autoProvision: true }, { role: 'public', actor: 'daemon' })
    log.info('auto-provisioned on first start (WAIAAS_AUTO_PROVISION)')
    return
  }
  if (!keyring.initialized) return
  const autoProvisioned = getMeta<boolean>(ctx.db, 'auto_provisioned') === true
  const found = passwordFromSources({ file: passwordFile, env, recoveryKeyFile: autoProvisioned ? ctx.paths.recoveryKey : undefined })
  if (found === undefined) {
    log.info('started locked; unlock with `waiaas unlock`')
    return
  }
  try {
    await keyring.unlock(found.password, 'daemon')
    log.info('unlocked at start', { source: found.source })
  } catch (err) {
    // A wrong password at start leaves the daemon running but locked; the failure is already audited.
    if (err instanceof WaiaasError && (err.code === 'AUTH_BAD_PASSWORD' || err.code === 'AUTH_THROTTLED')) {
      log.warn('could not unlock at start', { source: found.source, code: err.code })
      return
    }
    throw err
  }
}

/** The test hook testStartGate: says its pid in `<gate>.pid`, then waits for `<gate>` to exist. */
async function waitAtStartGate(gate: string): Promise<void> {
  fs.writeFileSync(`${gate}.pid`, String(process.pid))
  while (!fs.existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 20))
}

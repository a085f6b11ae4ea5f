/**
 * An in-process daemon on one temporary home that can be closed and started again on the same home (to test what
 * survives a restart), with a fast monitor, and helpers that wait on the monitor's observable progress.
 */
import fs from 'node:fs'
import { startDaemon, type DaemonHandle } from '../../src/daemon/daemon.js'
import type { DaemonClient } from '../../src/cli/client.js'
import type { Output } from '../../src/lib/contract/index.js'
import type { Env } from '../../src/lib/env.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { tempHome } from './cli.js'
import { PASSWORD } from './daemon.js'
import { waitFor } from './e2e.js'

export const auth = { password: PASSWORD }
export type Transfer = Output<'incoming.list'>['transfers'][number]

export interface MonitoredDaemon {
  readonly client: DaemonClient
  readonly daemon: DaemonHandle
  /** Closes the daemon cleanly and starts a new one on the same home. */
  restart(): Promise<void>
  /** Closes the daemon (a later restart() starts it again). */
  stop(): Promise<void>
  start(): Promise<void>
  log(): string
  close(): Promise<void>
}

export async function monitoredDaemon(env: Partial<Env> = {}): Promise<MonitoredDaemon> {
  const home = tempHome('waiaas-mon-')
  const fullEnv: Env = { autoProvision: false, masterPassword: PASSWORD, pipelineTickMs: 50, monitorIntervalMs: 100, ...env }
  let daemon: DaemonHandle | undefined = await startDaemon({ home: home.dataDir, env: fullEnv })
  let client: DaemonClient | undefined = await connectExisting(daemon.paths)
  await client.call('vault.init', { password: PASSWORD })
  const logFile = daemon.paths.logFile
  const m: MonitoredDaemon = {
    get client() {
      if (client === undefined) throw new Error('the daemon is stopped')
      return client
    },
    get daemon() {
      if (daemon === undefined) throw new Error('the daemon is stopped')
      return daemon
    },
    async stop() {
      client?.close()
      await daemon?.close()
      client = undefined
      daemon = undefined
    },
    async start() {
      daemon = await startDaemon({ home: home.dataDir, env: fullEnv })
      client = await connectExisting(daemon.paths)
    },
    async restart() {
      await m.stop()
      await m.start()
    },
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    async close() {
      await m.stop()
      home.cleanup()
    },
  }
  return m
}

/** The monitor's status of one network (by CAIP-2 id). */
export async function scanStatus(c: DaemonClient, network: string): Promise<Output<'incoming.status'>['watching'][number] | undefined> {
  return (await c.call('incoming.status', {})).watching.find((w) => w.network === network)
}

/** Waits until the monitor has completed `n` more successful scans of `network` than it had when called. */
export async function settle(c: DaemonClient, network: string, n = 2, timeoutMs = 20_000): Promise<void> {
  const start = (await scanStatus(c, network))?.scans ?? 0
  await waitFor(`${n} more scans of ${network}`, async () => ((await scanStatus(c, network))?.scans ?? 0) >= start + n, timeoutMs)
}

/** Every recorded transfer (up to 1000), oldest first. */
export async function transfers(c: DaemonClient, params: { wallet?: string; network?: string } = {}): Promise<Transfer[]> {
  return (await c.call('incoming.list', { ...params, limit: 1000 })).transfers.reverse()
}

/** Waits until at least `count` transfers are recorded, then returns them all (oldest first). */
export async function waitForTransfers(c: DaemonClient, count: number, params: { wallet?: string; network?: string } = {}, timeoutMs = 20_000): Promise<Transfer[]> {
  let last: Transfer[] = []
  await waitFor(
    `${count} incoming transfers`,
    async () => {
      last = await transfers(c, params)
      return last.length >= count
    },
    timeoutMs,
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; have ${JSON.stringify(last.map((t) => [t.walletName, t.asset, t.amount, t.tx]))}`)
  })
  return last
}

/** Audit entries with this action, oldest first. */
export async function auditOf(c: DaemonClient, action: string): Promise<Output<'audit.list'>['entries']> {
  return (await c.call('audit.list', { action, limit: 1000 })).entries.reverse()
}

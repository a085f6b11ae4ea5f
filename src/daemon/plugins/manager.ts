/**
 * Runs the optional HTTP plugins (REST and MCP over Streamable HTTP) on one shared HTTP server. The server module is
 * imported only when a plugin is enabled, so a daemon without plugins never loads it. Enabling and disabling are
 * serialised, take effect at once and persist; a plugin that cannot start at daemon start-up is logged and shown in
 * status, and never stops the daemon.
 */
import { PLUGIN_NAMES, type PluginName, type PluginStatus } from '../../lib/contract/index.js'
import type { Env } from '../../lib/env.js'
import { toWaiaasError, WaiaasError } from '../../lib/errors.js'
import type { DaemonContext } from '../context.js'
import type { Logger } from '../log.js'
import type { EnableOptions, PluginsPort } from '../ports.js'
import { appendAudit } from '../store/audit.js'
import type { Db } from '../store/db.js'
import type { HttpServerHandle } from './http.js'
import { clone, isLoopbackHost, savePluginSettings, serverWanted, storedPluginSettings, withEnv, type PluginSettings } from './settings.js'

export type { EnableOptions } from '../ports.js'

/** The plugin called `name`, or PLUGIN_UNKNOWN naming the ones there are. */
export function pluginName(name: string): PluginName {
  if ((PLUGIN_NAMES as readonly string[]).includes(name)) return name as PluginName
  throw new WaiaasError('PLUGIN_UNKNOWN', `There is no plugin ${JSON.stringify(name.slice(0, 32))}; the plugins are ${PLUGIN_NAMES.join(' and ')}`, {
    details: { name: name.slice(0, 32), plugins: [...PLUGIN_NAMES] },
  })
}

export class PluginManager implements PluginsPort {
  /** The effective settings: stored, overridden by the environment at start, then changed live. */
  private settings: PluginSettings
  private server: HttpServerHandle | undefined
  private failure: { code: string; message: string } | null = null
  private ctx: DaemonContext | undefined
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    env: Env,
  ) {
    this.settings = withEnv(storedPluginSettings(db), env)
  }

  /** Starts the enabled plugins (called once the socket listens). Never throws: a failure is logged and kept for status. */
  start(ctx: DaemonContext): Promise<void> {
    this.ctx = ctx
    return this.serial(async () => {
      if (!serverWanted(this.settings)) return
      try {
        await this.apply(this.settings)
      } catch (err) {
        const e = toWaiaasError(err)
        this.log.error('HTTP plugins did not start', { code: e.code, message: e.message, host: this.settings.rest.host, port: this.settings.rest.port })
      }
    })
  }

  list(): PluginStatus[] {
    return PLUGIN_NAMES.map((n) => this.status(n))
  }

  status(name: PluginName): PluginStatus {
    const { rest } = this.settings
    const enabled = this.settings[name].enabled
    const serving = enabled && this.server !== undefined
    return {
      name,
      enabled,
      host: rest.host,
      port: rest.port,
      allowNonLoopback: rest.allowNonLoopback,
      listening: serving && this.server !== undefined ? `${this.server.url}${name === 'rest' ? '/v1' : '/mcp'}` : null,
      error: enabled && !serving ? this.failure : null,
    }
  }

  /** Whether a plugin's routes are served right now (read by the HTTP server on every request). */
  serving(name: PluginName): boolean {
    return this.settings[name].enabled && this.server !== undefined
  }

  /** Enables a plugin now and persists it. PLUGIN_UNKNOWN, PLUGIN_BIND_REFUSED, PLUGIN_START_FAILED. */
  enable(name: string, opts: EnableOptions, actor: string): Promise<PluginStatus> {
    const plugin = pluginName(name)
    return this.serial(async () => {
      await this.change(plugin, 'plugin.enable', actor, (s) => {
        s[plugin].enabled = true
        if (opts.host !== undefined) s.rest.host = opts.host
        if (opts.port !== undefined) s.rest.port = opts.port
        if (opts.allowNonLoopback !== undefined) s.rest.allowNonLoopback = opts.allowNonLoopback
      })
      return this.status(plugin)
    })
  }

  /** Disables a plugin now and persists it; the server stops when no plugin needs it. PLUGIN_UNKNOWN. */
  disable(name: string, actor: string): Promise<PluginStatus> {
    const plugin = pluginName(name)
    return this.serial(async () => {
      await this.change(plugin, 'plugin.disable', actor, (s) => {
        s[plugin].enabled = false
      })
      return this.status(plugin)
    })
  }

  /** Stops the server (daemon shutdown). Idempotent. */
  close(): Promise<void> {
    return this.serial(async () => {
      const old = this.server
      this.server = undefined
      await old?.close()
    })
  }

  /**
   * Applies `patch` to the settings in use and puts the result into effect, then applies the same patch to the
   * stored settings (which env overrides do not touch) and audits it; when that write fails, the previous settings
   * are applied again.
   */
  private async change(plugin: PluginName, action: string, actor: string, patch: (settings: PluginSettings) => void): Promise<void> {
    const prev = clone(this.settings)
    const next = clone(this.settings)
    patch(next)
    await this.apply(next)
    try {
      this.db.transaction(() => {
        const stored = storedPluginSettings(this.db)
        patch(stored)
        savePluginSettings(this.db, stored)
        const { host, port, allowNonLoopback } = next.rest
        appendAudit(this.db, { actor, action, target: plugin, outcome: 'ok', details: { host, port, allowNonLoopback } })
      })()
    } catch (err) {
      await this.apply(prev).catch((e: unknown) => this.log.error('could not restore the HTTP plugins', { code: toWaiaasError(e).code }))
      throw err
    }
    this.log.info(action, { plugin, host: next.rest.host, port: next.rest.port, listening: this.server?.url ?? null })
  }

  /** Makes the server match `next`: stopped when no plugin is enabled, else listening on its address. */
  private async apply(next: PluginSettings): Promise<void> {
    if (!serverWanted(next)) {
      const old = this.server
      this.server = undefined
      this.settings = next
      this.failure = null
      await old?.close()
      return
    }
    const { host, port, allowNonLoopback } = next.rest
    if (!allowNonLoopback && !isLoopbackHost(host)) {
      throw new WaiaasError('PLUGIN_BIND_REFUSED', `Refusing to listen on ${host}: it is not a loopback address, and allowNonLoopback is not set`, {
        details: { host, port },
      })
    }
    if (this.server !== undefined && this.server.host === host && this.server.port === port) {
      this.settings = next
      return
    }
    const ctx = this.ctx
    if (ctx === undefined) throw new WaiaasError('INTERNAL', 'The plugin manager was used before the daemon started it')
    // A new address: stop the old server first (it may hold the same port), then listen on the new one.
    const old = this.server
    this.server = undefined
    await old?.close()
    try {
      const { startHttpServer } = await import('./http.js')
      this.server = await startHttpServer(ctx, { host, port, serving: (n) => this.serving(n) })
      this.settings = next
      this.failure = null
    } catch (err) {
      const e = toWaiaasError(err)
      this.failure = { code: e.code, message: e.message }
      throw e
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn)
    this.queue = result.catch(() => undefined)
    return result
  }
}

/**
 * The HTTP plugins' settings: stored in the meta table under `plugins`, off by default on 127.0.0.1:3100, and
 * overridden at start by WAIAAS_REST_* / WAIAAS_MCP_HTTP_ENABLED. Both plugins share one HTTP server, whose address
 * is the rest plugin's host and port.
 */
import type { PluginName } from '../../lib/contract/index.js'
import type { Env } from '../../lib/env.js'
import { settingDefault } from '../../lib/resolve-settings.js'
import type { Db } from '../store/db.js'
import { getMeta, setMeta } from '../store/meta.js'

export interface PluginSettings {
  rest: { enabled: boolean; host: string; port: number; allowNonLoopback: boolean }
  'mcp-http': { enabled: boolean }
}

const META_KEY = 'plugins'

/** The defaults of the settings table (rest.*, mcpHttp.enabled), under what is stored. */
export function defaultPluginSettings(): PluginSettings {
  return {
    rest: {
      enabled: settingDefault('restEnabled'),
      host: settingDefault('restHost'),
      port: settingDefault('restPort'),
      allowNonLoopback: settingDefault('restAllowNonLoopback'),
    },
    'mcp-http': { enabled: settingDefault('mcpHttpEnabled') },
  }
}

/** The stored settings over the defaults; a field missing or of the wrong type keeps its default. */
export function storedPluginSettings(db: Db): PluginSettings {
  const out = defaultPluginSettings()
  const raw = getMeta<Record<string, Record<string, unknown> | undefined>>(db, META_KEY)
  const rest = raw?.rest
  if (typeof rest?.enabled === 'boolean') out.rest.enabled = rest.enabled
  if (typeof rest?.host === 'string' && rest.host !== '') out.rest.host = rest.host
  if (typeof rest?.port === 'number' && Number.isInteger(rest.port) && rest.port >= 0 && rest.port <= 65_535) out.rest.port = rest.port
  if (typeof rest?.allowNonLoopback === 'boolean') out.rest.allowNonLoopback = rest.allowNonLoopback
  if (typeof raw?.['mcp-http']?.enabled === 'boolean') out['mcp-http'].enabled = raw['mcp-http'].enabled
  return out
}

export function savePluginSettings(db: Db, settings: PluginSettings): void {
  setMeta(db, META_KEY, settings)
}

/** The settings the daemon starts with: stored, then whatever the environment sets. */
export function withEnv(s: PluginSettings, env: Env): PluginSettings {
  const out = clone(s)
  if (env.restEnabled !== undefined) out.rest.enabled = env.restEnabled
  if (env.mcpHttpEnabled !== undefined) out['mcp-http'].enabled = env.mcpHttpEnabled
  if (env.restHost !== undefined) out.rest.host = env.restHost
  if (env.restPort !== undefined) out.rest.port = env.restPort
  if (env.restAllowNonLoopback !== undefined) out.rest.allowNonLoopback = env.restAllowNonLoopback
  return out
}

export function clone(s: PluginSettings): PluginSettings {
  return { rest: { ...s.rest }, 'mcp-http': { ...s['mcp-http'] } }
}

/** Any plugin enabled means the HTTP server runs. */
export function serverWanted(s: PluginSettings): boolean {
  return s.rest.enabled || s['mcp-http'].enabled
}

/** Kept here for the plugins' importers; the rule itself lives with the other host checks. */
export { isLoopbackHost } from '../../lib/host.js'

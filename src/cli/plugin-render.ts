/** Human renderings of the HTTP plugins' state, for `plugin list|enable|disable` and `status`. */
import type { PluginStatus } from '../lib/contract/index.js'
import { table, type Column, type TableOptions } from './render.js'

/** `listening at http://127.0.0.1:3100/v1`, `off`, or `enabled, not running: <why>`. */
export function pluginState(p: PluginStatus): string {
  if (!p.enabled) return 'off'
  if (p.listening !== null) return `listening at ${p.listening}`
  return `enabled, not running${p.error === null ? '' : `: ${p.error.message} (${p.error.code})`}`
}

/** One line for `status`: each plugin and its state. */
export function pluginsLine(plugins: readonly PluginStatus[]): string {
  return plugins.map((p) => `${p.name} ${pluginState(p)}`).join('; ')
}

/** The columns of `plugin list`. */
export const PLUGIN_COLUMNS: readonly Column[] = [['name', 'PLUGIN'], ['address', 'ADDRESS'], ['state', 'STATE']]

/** A table of the plugins: name, configured address, state. */
export function pluginTable(plugins: readonly PluginStatus[], opts: TableOptions = {}): string {
  return table(
    plugins.map((p) => ({ ...p, address: `${p.host}:${p.port}${p.allowNonLoopback ? ' (non-loopback allowed)' : ''}`, state: pluginState(p) })),
    PLUGIN_COLUMNS,
    '(none)',
    opts,
  )
}

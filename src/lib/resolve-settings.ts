/**
 * The one settings resolver: every setting's value in force, from the one table (src/lib/settings.ts). `readEnv`
 * reads the environment over the config file; this fills what neither sets with the table's default, so no default is
 * written anywhere else. The HTTP plugins' rows are the exception the table marks `stored`: between the config file
 * and the default sits the daemon's stored plugin setting (`waiaas plugin enable|disable`), so they are filled by
 * src/daemon/plugins/settings.ts from the same defaults, after the stored value.
 */
import type { Env } from './env.js'
import { SETTINGS } from './settings.js'

/** The fields whose setting has a default and no stored layer: always set once resolved. */
export type DefaultedField =
  | 'logLevel'
  | 'logFormat'
  | 'logMaxBytes'
  | 'logFiles'
  | 'pipelineTickMs'
  | 'approvalTtlSeconds'
  | 'notifyIntervalMs'
  | 'notifyRetryBaseMs'
  | 'telegramApiUrl'
  | 'monitorIntervalMs'
  | 'backupIntervalHours'
  | 'backupKeep'
  | 'npmRegistry'

/** The settings in force: the environment, then the config file, then the table's default. */
export type ResolvedSettings = Env & { [K in DefaultedField]-?: NonNullable<Env[K]> }

/** The table's default of the setting that fills `field`; throws (a programming error) when it has none. */
export function settingDefault<F extends keyof Env>(field: F): NonNullable<Env[F]> {
  const row = SETTINGS.find((s) => s.field === field)
  if (row === undefined || row.default === null) throw new Error(`settingDefault: the setting of ${String(field)} has no default`)
  return row.default as NonNullable<Env[F]>
}

/**
 * Fills every setting that `env` (already the environment over the config file) leaves unset with its default.
 * Settings without a default stay unset, and so do the `stored` ones (the plugin settings layer them).
 */
export function resolveSettings(env: Env): ResolvedSettings {
  const out: Env = { ...env }
  for (const s of SETTINGS) {
    if (s.default === null || s.stored || s.envOnly) continue
    if (out[s.field] === undefined) Object.assign(out, { [s.field]: s.default })
  }
  // Every DefaultedField has a default in the table (test/unit/resolve-settings.test.ts holds the two lists equal).
  return out as ResolvedSettings
}

/** What `waiaas config` shows of one setting: its value in force, where that came from, and what it accepts. */
import { WaiaasError } from '../lib/errors.js'
import { readPidFile, processAlive } from '../lib/process.js'
import type { Paths } from '../lib/paths.js'
import { closeKeys, describeType, FILE_SETTINGS, findSetting, parseSetting, SETTINGS, type Setting } from '../lib/settings.js'
import type { ConfigFile } from '../lib/env.js'

export interface SettingView {
  key: string
  /**
   * The value in force; null when unset with no default, when the setting is a secret (never shown), or when it is a
   * stored plugin setting that neither the environment nor the file sets (`waiaas plugin list` shows it).
   */
  value: string | number | boolean | null
  source: 'env' | 'file' | 'default'
  default: string | number | boolean | null
  env: string
  accepts: string
  description: string
  secret: boolean
  envOnly: boolean
  readBy: 'daemon' | 'cli'
}

export function viewSetting(s: Setting, procEnv: NodeJS.ProcessEnv, file: ConfigFile): SettingView {
  const raw = procEnv[s.env]
  let source: SettingView['source'] = 'default'
  // A stored plugin setting sits between the file and the default: only the daemon knows which is in force.
  let value: SettingView['value'] = s.stored ? null : s.default
  if (raw !== undefined && raw !== '') {
    source = 'env'
    const r = parseSetting(s, raw)
    value = r.ok ? r.value : raw
  } else if (!s.envOnly && Object.hasOwn(file, s.key)) {
    source = 'file'
    const r = parseSetting(s, file[s.key])
    value = r.ok ? r.value : String(file[s.key])
  }
  if (s.secret) value = null
  return {
    key: s.key,
    value,
    source,
    default: s.default,
    env: s.env,
    accepts: describeType(s.type),
    description: s.description,
    secret: s.secret,
    envOnly: s.envOnly,
    readBy: s.readBy,
  }
}

export function viewAll(procEnv: NodeJS.ProcessEnv, file: ConfigFile): SettingView[] {
  return SETTINGS.map((s) => viewSetting(s, procEnv, file))
}

/** The setting of a key the config file may hold; CONFIG_KEY_UNKNOWN with close keys, CONFIG_INVALID for env-only ones. */
export function fileSetting(key: string): Setting {
  const s = findSetting(key)
  if (s === undefined) {
    const close = closeKeys(key)
    throw new WaiaasError('CONFIG_KEY_UNKNOWN', `Unknown setting "${key}"${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''}`, {
      details: { key, closeKeys: close, keys: FILE_SETTINGS.map((x) => x.key) },
    })
  }
  if (s.envOnly || s.secret) {
    throw new WaiaasError('CONFIG_INVALID', `${key} can only be set in the environment (${s.env}), not in the config file`, {
      details: { key, env: s.env },
      hint: `Set ${s.env} in the daemon's environment instead.`,
    })
  }
  return s
}

/** True when a daemon runs for these paths (its pid file names a live process). */
export function daemonRunning(paths: Paths): boolean {
  const pid = readPidFile(paths.pidFile)
  return pid !== undefined && processAlive(pid.pid)
}

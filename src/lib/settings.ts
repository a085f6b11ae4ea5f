/**
 * The one table of every waiaas setting: its config-file key, its WAIAAS_* environment variable, its type and
 * validation, its default and what it does. `readEnv` (src/lib/env.ts) parses from this table, `waiaas config`
 * lists and edits from it. Precedence: flags (per command), then the environment, then `<data dir>/config.json`,
 * then the default. Secrets and the settings that locate the data directory are environment-only.
 */
import { checkDuration, durationBounds, type DurationUnit } from './durations.js'
import type { Env } from './env.js'

export type SettingType =
  | { kind: 'int'; min: number; max: number }
  /** A length of time in the one duration grammar (`2d`, `1.5h`); a plain number is in `unit`, the stored unit. */
  | { kind: 'duration'; unit: DurationUnit; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'url' }
  | { kind: 'path' }
  | { kind: 'string' }

export interface Setting {
  /** The key in config.json and for `waiaas config get|set`. */
  key: string
  env: string
  /** The field of `Env` it fills. */
  field: keyof Env
  type: SettingType
  /** The value used when neither the environment nor the config file sets it; null when there is none (derived). */
  default: string | number | boolean | null
  description: string
  /** A secret: never written to the config file, never shown by `config list`, never passed to a child process. */
  secret: boolean
  /** Names a file that holds a secret: passed to no child process but the daemon, and to it only if it reads it. */
  secretFile: boolean
  /** Only from the environment (secrets, and what must be known before the config file can be found). */
  envOnly: boolean
  /** Who reads it: the daemon (at start: a change needs a restart) or the CLI (on each run). */
  readBy: 'daemon' | 'cli'
  /**
   * An HTTP plugin setting: between the config file and the default sits the daemon's stored plugin setting
   * (`waiaas plugin enable|disable`), so `config list` shows no value of its own when neither env nor file sets it.
   */
  stored: boolean
}

const int = (min: number, max: number): SettingType => ({ kind: 'int', min, max })
const duration = (unit: DurationUnit, min: number, max: number): SettingType => ({ kind: 'duration', unit, min, max })
const BOOL: SettingType = { kind: 'bool' }
const URL_T: SettingType = { kind: 'url' }
const PATH: SettingType = { kind: 'path' }
const STRING: SettingType = { kind: 'string' }

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
/** How daemon.log lines are written: text for people, json (one object per line) for log shippers. */
export const LOG_FORMATS = ['text', 'json'] as const

type Flags = 'secret' | 'secretFile' | 'envOnly' | 'readBy' | 'stored'
type Row = Omit<Setting, Flags> & Partial<Pick<Setting, Flags>>
const s = (r: Row): Setting => ({ secret: false, secretFile: false, envOnly: false, readBy: 'daemon', stored: false, ...r })

export const SETTINGS: readonly Setting[] = [
  s({ key: 'dataDir', env: 'WAIAAS_DATA_DIR', field: 'dataDir', type: PATH, default: '~/.waiaas', description: 'The data directory (the --data-dir flag wins)', envOnly: true, readBy: 'cli' }),
  s({ key: 'configDir', env: 'WAIAAS_CONFIG_DIR', field: 'configDir', type: PATH, default: null, description: 'Where the CLI keeps your preferences (`waiaas use`); default the user config directory (~/.config/waiaas)', envOnly: true, readBy: 'cli' }),
  s({ key: 'socketPath', env: 'WAIAAS_SOCKET_PATH', field: 'socketPath', type: PATH, default: null, description: 'The Unix socket (default <data dir>/waiaas.sock)', envOnly: true, readBy: 'cli' }),
  s({ key: 'masterPassword', env: 'WAIAAS_MASTER_PASSWORD', field: 'masterPassword', type: STRING, default: null, description: 'The master password', secret: true, envOnly: true, readBy: 'cli' }),
  s({ key: 'masterPasswordFile', env: 'WAIAAS_MASTER_PASSWORD_FILE', field: 'masterPasswordFile', type: PATH, default: null, description: 'A file holding the master password', secretFile: true, envOnly: true, readBy: 'cli' }),
  s({ key: 'sessionToken', env: 'WAIAAS_SESSION_TOKEN', field: 'sessionToken', type: STRING, default: null, description: "An agent session's token", secret: true, envOnly: true, readBy: 'cli' }),
  s({ key: 'sessionTokenFile', env: 'WAIAAS_SESSION_TOKEN_FILE', field: 'sessionTokenFile', type: PATH, default: null, description: "A file holding an agent session's token", secretFile: true, envOnly: true, readBy: 'cli' }),
  s({ key: 'autoProvision', env: 'WAIAAS_AUTO_PROVISION', field: 'autoProvision', type: BOOL, default: false, description: 'Initialise with a generated password kept in recovery.key', envOnly: true }),
  s({ key: 'log.level', env: 'WAIAAS_LOG_LEVEL', field: 'logLevel', type: { kind: 'enum', values: LOG_LEVELS }, default: 'info', description: 'The lowest level written to daemon.log' }),
  s({ key: 'log.format', env: 'WAIAAS_LOG_FORMAT', field: 'logFormat', type: { kind: 'enum', values: LOG_FORMATS }, default: 'text', description: 'daemon.log lines: text, or json (one JSON object per line: time, level, ns, msg and the fields) for log shippers' }),
  s({ key: 'log.maxBytes', env: 'WAIAAS_LOG_MAX_BYTES', field: 'logMaxBytes', type: int(1024, 1 << 30), default: 10 * 1024 * 1024, description: 'daemon.log is rotated when it passes this size (bytes)' }),
  s({ key: 'log.files', env: 'WAIAAS_LOG_FILES', field: 'logFiles', type: int(1, 100), default: 5, description: 'How many rotated logs to keep (daemon.log.1 … daemon.log.N)' }),
  s({ key: 'prices.file', env: 'WAIAAS_PRICES_FILE', field: 'pricesFile', type: PATH, default: null, description: 'USD price sources (JSON); default <data dir>/prices.json when it exists' }),
  s({ key: 'pipeline.tickMs', env: 'WAIAAS_PIPELINE_TICK_MS', field: 'pipelineTickMs', type: duration('ms', 10, 60_000), default: 500, description: 'How often the pipeline sweeps delays, expiries and confirmations (ms)' }),
  s({ key: 'approval.ttlSeconds', env: 'WAIAAS_APPROVAL_TTL_SECONDS', field: 'approvalTtlSeconds', type: duration('s', 1, 30 * 86_400), default: 86_400, description: 'How long an approval waits before it expires (s)' }),
  s({ key: 'notify.intervalMs', env: 'WAIAAS_NOTIFY_INTERVAL_MS', field: 'notifyIntervalMs', type: duration('ms', 10, 60_000), default: 1000, description: 'How often queued notifications are delivered (ms)' }),
  s({ key: 'notify.retryBaseMs', env: 'WAIAAS_NOTIFY_RETRY_BASE_MS', field: 'notifyRetryBaseMs', type: duration('ms', 10, 60_000), default: 1000, description: 'First retry delay of a failing channel, doubled per failure (ms)' }),
  s({ key: 'telegram.apiUrl', env: 'WAIAAS_TELEGRAM_API_URL', field: 'telegramApiUrl', type: URL_T, default: 'https://api.telegram.org', description: 'The Telegram Bot API base URL' }),
  s({ key: 'monitor.intervalMs', env: 'WAIAAS_MONITOR_INTERVAL_MS', field: 'monitorIntervalMs', type: duration('ms', 10, 3_600_000), default: 5000, description: 'How often watched networks are scanned for incoming transfers (ms)' }),
  s({ key: 'daemon.hostname', env: 'WAIAAS_DAEMON_HOSTNAME', field: 'daemonHostname', type: STRING, default: null, description: 'Serve the REST plugin on this address; a non-loopback one (0.0.0.0 in a container) is itself the opt-in of rest.allowNonLoopback', envOnly: true }),
  s({ key: 'daemon.port', env: 'WAIAAS_DAEMON_PORT', field: 'daemonPort', type: int(1, 65_535), default: null, description: 'Serve the REST plugin on this port', envOnly: true }),
  s({ key: 'rest.enabled', env: 'WAIAAS_REST_ENABLED', field: 'restEnabled', type: BOOL, default: false, stored: true, description: 'Override the stored REST plugin setting at start' }),
  s({ key: 'rest.host', env: 'WAIAAS_REST_HOST', field: 'restHost', type: STRING, default: '127.0.0.1', stored: true, description: 'Override the address the HTTP plugins listen on' }),
  s({ key: 'rest.port', env: 'WAIAAS_REST_PORT', field: 'restPort', type: int(1, 65_535), default: 3100, stored: true, description: 'Override the port the HTTP plugins listen on' }),
  s({ key: 'rest.allowNonLoopback', env: 'WAIAAS_REST_ALLOW_NON_LOOPBACK', field: 'restAllowNonLoopback', type: BOOL, default: false, stored: true, description: 'Allow the HTTP plugins on a non-loopback address' }),
  s({ key: 'rest.publicUrl', env: 'WAIAAS_REST_PUBLIC_URL', field: 'restPublicUrl', type: URL_T, default: null, description: "The base URL clients reach the HTTP plugins at, e.g. behind a reverse proxy: approval links use it, and its host passes the DNS-rebinding check" }),
  s({ key: 'mcpHttp.enabled', env: 'WAIAAS_MCP_HTTP_ENABLED', field: 'mcpHttpEnabled', type: BOOL, default: false, stored: true, description: 'Override the stored MCP-over-HTTP plugin setting at start' }),
  s({ key: 'backup.intervalHours', env: 'WAIAAS_BACKUP_INTERVAL_HOURS', field: 'backupIntervalHours', type: duration('h', 0, 24 * 365), default: 0, description: 'Hours between automatic backups (0: off; they need a password file or recovery.key to run unattended)' }),
  s({ key: 'backup.keep', env: 'WAIAAS_BACKUP_KEEP', field: 'backupKeep', type: int(1, 1000), default: 7, description: 'How many automatic backups to keep' }),
  s({ key: 'update.registry', env: 'WAIAAS_NPM_REGISTRY', field: 'npmRegistry', type: URL_T, default: 'https://registry.npmjs.org', description: 'The npm registry `waiaas update --check` asks', readBy: 'cli' }),
]

/** The settings the config file may hold. */
export const FILE_SETTINGS: readonly Setting[] = SETTINGS.filter((x) => !x.envOnly && !x.secret)

export function findSetting(key: string): Setting | undefined {
  return SETTINGS.find((x) => x.key === key)
}

/** Up to five keys close to `key` (shared prefix, substring or small edit distance), for "did you mean". */
export function closeKeys(key: string): string[] {
  const k = key.toLowerCase()
  const scored = FILE_SETTINGS.map((x) => {
    const c = x.key.toLowerCase()
    const d = c.includes(k) || k.includes(c) ? 0 : distance(k, c)
    return { key: x.key, d: c.split('.')[0] === k.split('.')[0] ? Math.min(d, 2) : d }
  })
  return scored
    .filter((x) => x.d <= Math.max(3, Math.floor(k.length / 3)))
    .sort((a, b) => a.d - b.d || a.key.localeCompare(b.key))
    .slice(0, 5)
    .map((x) => x.key)
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[b.length] ?? 0
}

/** A short human description of what a setting accepts. */
export function describeType(t: SettingType): string {
  switch (t.kind) {
    case 'int':
      return `whole number ${t.min}–${t.max}`
    case 'duration':
      return `duration ${durationBounds(t)}, e.g. 90s, 1.5h, 2d (a plain number is in ${t.unit})`
    case 'bool':
      return 'true or false'
    case 'enum':
      return t.values.join(' | ')
    case 'url':
      return 'http(s) URL without credentials'
    case 'path':
      return 'path'
    case 'string':
      return 'text'
  }
}

/**
 * Parses a raw value (a string from the environment or the command line, or a JSON value from the config file).
 * Returns the typed value, or a reason it is invalid.
 */
export function parseSetting(setting: Setting, raw: unknown): { ok: true; value: string | number | boolean } | { ok: false; reason: string } {
  const bad = (reason: string): { ok: false; reason: string } => ({ ok: false, reason })
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return bad(`must be ${describeType(setting.type)}`)
  const text = String(raw).trim()
  const t = setting.type
  switch (t.kind) {
    case 'int': {
      const n = /^\d+$/.test(text) ? Number(text) : NaN
      if (!Number.isSafeInteger(n) || n < t.min || n > t.max) return bad(`must be a whole number from ${t.min} to ${t.max}, got "${text}"`)
      return { ok: true, value: n }
    }
    case 'duration': {
      const r = checkDuration(/^\d+$/.test(text) ? Number(text) : text, t)
      return r.ok ? { ok: true, value: r.value } : bad(`${r.reason}, got "${text.slice(0, 64)}"`)
    }
    case 'bool': {
      const v = text.toLowerCase()
      if (['1', 'true', 'yes', 'on'].includes(v)) return { ok: true, value: true }
      if (['0', 'false', 'no', 'off', ''].includes(v)) return { ok: true, value: false }
      return bad(`must be true or false, got "${text}"`)
    }
    case 'enum':
      return t.values.includes(text) ? { ok: true, value: text } : bad(`must be one of ${t.values.join(', ')}, got "${text}"`)
    case 'url':
      if (!/^https?:\/\/[^\s/@]+(\/[^\s]*)?$/.test(text)) return bad(`must be an http(s) URL without credentials, got "${text}"`)
      return { ok: true, value: text.replace(/\/+$/, '') }
    case 'path':
    case 'string':
      return text === '' ? bad('must not be empty') : { ok: true, value: text }
  }
}

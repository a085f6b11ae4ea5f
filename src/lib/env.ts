import fs from 'node:fs'
import { WaiaasError } from './errors.js'
import { isListenHost, isLoopbackHost } from './host.js'
import { writeSecretFile } from './paths.js'
import { LOG_FORMATS, LOG_LEVELS, SETTINGS, closeKeys, findSetting, parseSetting } from './settings.js'

/**
 * Every WAIAAS_* setting waiaas reads, parsed once, in one place, driven by the settings table (src/lib/settings.ts).
 * A field is undefined when neither the environment nor the config file sets it; users apply the default.
 */
export interface Env {
  dataDir?: string
  /** Where the CLI keeps the user's preferences (WAIAAS_CONFIG_DIR); default the user's config directory. */
  configDir?: string
  socketPath?: string
  masterPassword?: string
  masterPasswordFile?: string
  /** An agent session's token (WAIAAS_SESSION_TOKEN) or the file holding it (WAIAAS_SESSION_TOKEN_FILE). */
  sessionToken?: string
  sessionTokenFile?: string
  autoProvision: boolean
  logLevel?: LogLevel
  /** daemon.log as text lines or one JSON object per line (WAIAAS_LOG_FORMAT, log.format). */
  logFormat?: LogFormat
  /** daemon.log is rotated past this many bytes (WAIAAS_LOG_MAX_BYTES, log.maxBytes). */
  logMaxBytes?: number
  /** How many rotated logs are kept (WAIAAS_LOG_FILES, log.files). */
  logFiles?: number
  /** USD price sources (JSON); default `<data dir>/prices.json` when it exists. */
  pricesFile?: string
  /** How often the pipeline sweeps (due delays, expiries, confirmations), ms. */
  pipelineTickMs?: number
  /** How long an approval waits before it expires, unless a SPENDING_LIMIT says otherwise, seconds. */
  approvalTtlSeconds?: number
  /** The base URL approval links are given under (WAIAAS_REST_PUBLIC_URL); default the REST plugin's address. */
  restPublicUrl?: string
  /** How often the notifier reads new events and delivers queued notifications, ms (WAIAAS_NOTIFY_INTERVAL_MS). */
  notifyIntervalMs?: number
  /** The first retry delay of a failing notification channel, ms; doubles per failure (WAIAAS_NOTIFY_RETRY_BASE_MS). */
  notifyRetryBaseMs?: number
  /** The Telegram Bot API base URL (WAIAAS_TELEGRAM_API_URL; default https://api.telegram.org). */
  telegramApiUrl?: string
  /** How often the monitor scans watched networks for incoming transfers and low balances, ms (WAIAAS_MONITOR_INTERVAL_MS). */
  monitorIntervalMs?: number
  /** Test hook (only with WAIAAS_TEST_HOOKS=1): SIGKILL the daemon right after this pipeline stage commits. */
  testCrashAt?: string
  /** Test hook (only with WAIAAS_TEST_HOOKS=1): session time is the wall clock plus the ms in this file (src/lib/clock.ts). */
  testClockFile?: string
  /**
   * Test hook (only with WAIAAS_TEST_HOOKS=1): before it claims the data directory, the daemon writes its pid to
   * `<gate>.pid` and waits until the file `<gate>` exists (a daemon held at the start line, for auto-start races).
   */
  testStartGate?: string
  /** The HTTP plugins (WAIAAS_REST_*, WAIAAS_MCP_HTTP_ENABLED): override the stored plugin settings at start. */
  restEnabled?: boolean
  mcpHttpEnabled?: boolean
  restHost?: string
  restPort?: number
  restAllowNonLoopback?: boolean
  /**
   * The seed article's names for the REST plugin's address (WAIAAS_DAEMON_HOSTNAME, WAIAAS_DAEMON_PORT): either one
   * serves the REST plugin, and readEnv folds them into restEnabled/restHost/restPort/restAllowNonLoopback.
   */
  daemonHostname?: string
  daemonPort?: number
  /** Hours between automatic backups, 0 = off (WAIAAS_BACKUP_INTERVAL_HOURS). */
  backupIntervalHours?: number
  /** How many automatic backups are kept (WAIAAS_BACKUP_KEEP). */
  backupKeep?: number
  /** The npm registry `waiaas update --check` asks (WAIAAS_NPM_REGISTRY). */
  npmRegistry?: string
}

export type LogLevel = (typeof LOG_LEVELS)[number]
export type LogFormat = (typeof LOG_FORMATS)[number]

/** The config file's settings, by key, as stored (JSON values). */
export type ConfigFile = Record<string, unknown>

/**
 * Reads and validates the settings: each from its WAIAAS_* variable, else from the config file's values, else
 * undefined. A bad variable is INPUT_INVALID naming the variable; a bad file value is CONFIG_INVALID naming the key.
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env, file: ConfigFile = {}): Env {
  const out: Env = { autoProvision: false }
  const target = out as unknown as Record<string, unknown>
  for (const setting of SETTINGS) {
    const raw = env[setting.env]
    // An empty variable means unset, except WAIAAS_AUTO_PROVISION where it means false.
    if (raw !== undefined && (raw !== '' || setting.key === 'autoProvision')) {
      const r = parseSetting(setting, raw)
      if (!r.ok) throw new WaiaasError('INPUT_INVALID', `${setting.env} ${r.reason}`, { details: { variable: setting.env } })
      target[setting.field] = r.value
      continue
    }
    if (setting.envOnly || !Object.hasOwn(file, setting.key)) continue
    const r = parseSetting(setting, file[setting.key])
    if (!r.ok) throw configInvalid(setting.key, `${setting.key} ${r.reason}`)
    target[setting.field] = r.value
  }
  applyDaemonAddress(out, env)
  const crash = env.WAIAAS_TEST_CRASH_AT
  if (crash !== undefined && crash !== '' && env.WAIAAS_TEST_HOOKS === '1') out.testCrashAt = crash
  const clock = env.WAIAAS_TEST_CLOCK_FILE
  if (clock !== undefined && clock !== '' && env.WAIAAS_TEST_HOOKS === '1') out.testClockFile = clock
  const gate = env.WAIAAS_TEST_START_GATE
  if (gate !== undefined && gate !== '' && env.WAIAAS_TEST_HOOKS === '1') out.testStartGate = gate
  return out
}

/**
 * WAIAAS_DAEMON_HOSTNAME / WAIAAS_DAEMON_PORT (the seed article's container settings) serve the REST plugin on that
 * address: the same as WAIAAS_REST_ENABLED=true with WAIAAS_REST_HOST / WAIAAS_REST_PORT. Naming a non-loopback
 * hostname is itself the explicit opt-in that WAIAAS_REST_ALLOW_NON_LOOPBACK otherwise gives. An explicit WAIAAS_REST_*
 * variable that says otherwise is INPUT_INVALID naming both, rather than one silently winning.
 */
function applyDaemonAddress(out: Env, env: NodeJS.ProcessEnv): void {
  const host = out.daemonHostname
  const port = out.daemonPort
  if (host === undefined && port === undefined) return
  const inEnv = (name: string): boolean => env[name] !== undefined && env[name] !== ''
  const clash = (variable: string, other: string, why: string, hint = `Set only one of ${variable} and ${other}, or give both the same value.`): WaiaasError =>
    new WaiaasError('INPUT_INVALID', `${variable} ${why}, but ${other} says otherwise`, { details: { variable, conflictsWith: other }, hint })
  if (host !== undefined) {
    if (!isListenHost(host)) {
      throw new WaiaasError('INPUT_INVALID', `WAIAAS_DAEMON_HOSTNAME must be an IP address or a host name (no scheme, no port), got "${host.slice(0, 64)}"`, {
        details: { variable: 'WAIAAS_DAEMON_HOSTNAME' },
        hint: 'In a container: WAIAAS_DAEMON_HOSTNAME=0.0.0.0 (and the port in WAIAAS_DAEMON_PORT).',
      })
    }
    if (inEnv('WAIAAS_REST_HOST') && out.restHost !== host) throw clash('WAIAAS_DAEMON_HOSTNAME', 'WAIAAS_REST_HOST', `asks for ${host}`)
    out.restHost = host
    if (!isLoopbackHost(host)) {
      if (inEnv('WAIAAS_REST_ALLOW_NON_LOOPBACK') && out.restAllowNonLoopback !== true) {
        throw clash(
          'WAIAAS_DAEMON_HOSTNAME',
          'WAIAAS_REST_ALLOW_NON_LOOPBACK',
          `opens the REST plugin on the non-loopback address ${host}`,
          'Unset WAIAAS_REST_ALLOW_NON_LOOPBACK (the hostname is the opt-in), or give WAIAAS_DAEMON_HOSTNAME a loopback address such as 127.0.0.1.',
        )
      }
      out.restAllowNonLoopback = true
    }
  }
  if (port !== undefined) {
    if (inEnv('WAIAAS_REST_PORT') && out.restPort !== port) throw clash('WAIAAS_DAEMON_PORT', 'WAIAAS_REST_PORT', `asks for port ${port}`)
    out.restPort = port
  }
  const variable = host !== undefined ? 'WAIAAS_DAEMON_HOSTNAME' : 'WAIAAS_DAEMON_PORT'
  if (inEnv('WAIAAS_REST_ENABLED') && out.restEnabled !== true) {
    throw clash(variable, 'WAIAAS_REST_ENABLED', 'serves the REST plugin', `Unset WAIAAS_REST_ENABLED, or unset ${variable} to keep the REST plugin off.`)
  }
  out.restEnabled = true
}

function configInvalid(key: string, message: string, extra: Record<string, unknown> = {}): WaiaasError {
  return new WaiaasError('CONFIG_INVALID', `The config file is invalid: ${message}`, {
    details: { key, ...extra },
    hint: `Fix it with \`waiaas config set ${key} VALUE\` or \`waiaas config unset ${key}\` (\`waiaas config list\` shows every setting).`,
  })
}

/**
 * Reads `<data dir>/config.json`: {} when it does not exist. CONFIG_INVALID (naming the key) when it is not a JSON
 * object, holds an unknown key, or a secret or environment-only setting. Values are checked by readEnv.
 */
export function readConfigFile(file: string): ConfigFile {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new WaiaasError('CONFIG_INVALID', `Cannot read the config file ${file}`, { details: { path: file, key: null }, cause: err })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new WaiaasError('CONFIG_INVALID', `The config file ${file} is not valid JSON`, { details: { path: file, key: null }, hint: `Fix or remove ${file}.` })
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WaiaasError('CONFIG_INVALID', `The config file ${file} must hold one JSON object`, { details: { path: file, key: null }, hint: `Fix or remove ${file}.` })
  }
  const out = parsed as ConfigFile
  for (const key of Object.keys(out)) {
    const setting = findSetting(key)
    if (setting === undefined) throw configInvalid(key, `unknown setting "${key}"`, { path: file, closeKeys: closeKeys(key) })
    if (setting.envOnly || setting.secret) throw configInvalid(key, `${key} may only be set in the environment (${setting.env})`, { path: file })
  }
  return out
}

/** Writes the config file atomically with mode 0600. */
export function writeConfigFile(file: string, values: ConfigFile): void {
  writeSecretFile(file, `${JSON.stringify(values, null, 2)}\n`, { overwrite: true })
}

/** The settings in force for a data directory: the environment over its config file. */
export function readSettings(configFile: string, env: NodeJS.ProcessEnv = process.env): Env {
  return readEnv(env, readConfigFile(configFile))
}

/** An already-read environment with the config file filling what it leaves unset (env over file). */
export function withConfigFile(env: Env, file: ConfigFile): Env {
  const fromFile = readEnv({}, file)
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Partial<Env>
  return { ...fromFile, ...set, autoProvision: env.autoProvision }
}

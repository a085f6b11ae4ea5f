import { WaiaasError } from './errors.js'

/** Every WAIAAS_* environment variable waiaas reads, parsed once, in one place. */
export interface Env {
  dataDir?: string
  socketPath?: string
  masterPassword?: string
  masterPasswordFile?: string
  /** An agent session's token (WAIAAS_SESSION_TOKEN) or the file holding it (WAIAAS_SESSION_TOKEN_FILE). */
  sessionToken?: string
  sessionTokenFile?: string
  autoProvision: boolean
  logLevel?: LogLevel
  /** USD price sources (JSON); default `<data dir>/prices.json` when it exists. */
  pricesFile?: string
  /** How often the pipeline sweeps (due delays, expiries, confirmations), ms. */
  pipelineTickMs?: number
  /** How long an approval waits before it expires, unless a SPENDING_LIMIT says otherwise, seconds. */
  approvalTtlSeconds?: number
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
  /** The HTTP plugins (WAIAAS_REST_*, WAIAAS_MCP_HTTP_ENABLED): override the stored plugin settings at start. */
  restEnabled?: boolean
  mcpHttpEnabled?: boolean
  restHost?: string
  restPort?: number
  restAllowNonLoopback?: boolean
}

function parseIntVar(name: string, raw: string, min: number, max: number): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new WaiaasError('INPUT_INVALID', `${name} must be a whole number from ${min} to ${max}, got "${raw}"`, { details: { variable: name } })
  }
  return n
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

function parseBool(name: string, raw: string): boolean {
  const v = raw.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(v)) return true
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false
  throw new WaiaasError('INPUT_INVALID', `${name} must be true or false, got "${raw}"`, { details: { variable: name } })
}

/** Reads and validates the environment. Throws INPUT_INVALID naming the variable on a bad value. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const out: Env = { autoProvision: false }
  const str = (name: string): string | undefined => {
    const v = env[name]
    return v === undefined || v === '' ? undefined : v
  }
  const dataDir = str('WAIAAS_DATA_DIR')
  if (dataDir !== undefined) out.dataDir = dataDir
  const socketPath = str('WAIAAS_SOCKET_PATH')
  if (socketPath !== undefined) out.socketPath = socketPath
  const pw = str('WAIAAS_MASTER_PASSWORD')
  if (pw !== undefined) out.masterPassword = pw
  const pwFile = str('WAIAAS_MASTER_PASSWORD_FILE')
  if (pwFile !== undefined) out.masterPasswordFile = pwFile
  const token = str('WAIAAS_SESSION_TOKEN')
  if (token !== undefined) out.sessionToken = token
  const tokenFile = str('WAIAAS_SESSION_TOKEN_FILE')
  if (tokenFile !== undefined) out.sessionTokenFile = tokenFile
  const auto = env.WAIAAS_AUTO_PROVISION
  if (auto !== undefined) out.autoProvision = parseBool('WAIAAS_AUTO_PROVISION', auto)
  const level = str('WAIAAS_LOG_LEVEL')
  if (level !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new WaiaasError('INPUT_INVALID', `WAIAAS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`, {
        details: { variable: 'WAIAAS_LOG_LEVEL' },
      })
    }
    out.logLevel = level as LogLevel
  }
  const prices = str('WAIAAS_PRICES_FILE')
  if (prices !== undefined) out.pricesFile = prices
  const tick = str('WAIAAS_PIPELINE_TICK_MS')
  if (tick !== undefined) out.pipelineTickMs = parseIntVar('WAIAAS_PIPELINE_TICK_MS', tick, 10, 60_000)
  const ttl = str('WAIAAS_APPROVAL_TTL_SECONDS')
  if (ttl !== undefined) out.approvalTtlSeconds = parseIntVar('WAIAAS_APPROVAL_TTL_SECONDS', ttl, 1, 30 * 86_400)
  const notifyInterval = str('WAIAAS_NOTIFY_INTERVAL_MS')
  if (notifyInterval !== undefined) out.notifyIntervalMs = parseIntVar('WAIAAS_NOTIFY_INTERVAL_MS', notifyInterval, 10, 60_000)
  const notifyRetry = str('WAIAAS_NOTIFY_RETRY_BASE_MS')
  if (notifyRetry !== undefined) out.notifyRetryBaseMs = parseIntVar('WAIAAS_NOTIFY_RETRY_BASE_MS', notifyRetry, 10, 60_000)
  const telegram = str('WAIAAS_TELEGRAM_API_URL')
  if (telegram !== undefined) {
    if (!/^https?:\/\/[^\s/@]+(\/[^\s]*)?$/.test(telegram)) {
      throw new WaiaasError('INPUT_INVALID', `WAIAAS_TELEGRAM_API_URL must be an http(s) URL without credentials, got "${telegram}"`, { details: { variable: 'WAIAAS_TELEGRAM_API_URL' } })
    }
    out.telegramApiUrl = telegram.replace(/\/+$/, '')
  }
  const monitorInterval = str('WAIAAS_MONITOR_INTERVAL_MS')
  if (monitorInterval !== undefined) out.monitorIntervalMs = parseIntVar('WAIAAS_MONITOR_INTERVAL_MS', monitorInterval, 10, 3_600_000)
  const bool = (name: string): boolean | undefined => (str(name) === undefined ? undefined : parseBool(name, str(name) ?? ''))
  const restEnabled = bool('WAIAAS_REST_ENABLED')
  if (restEnabled !== undefined) out.restEnabled = restEnabled
  const mcpHttpEnabled = bool('WAIAAS_MCP_HTTP_ENABLED')
  if (mcpHttpEnabled !== undefined) out.mcpHttpEnabled = mcpHttpEnabled
  const allowNonLoopback = bool('WAIAAS_REST_ALLOW_NON_LOOPBACK')
  if (allowNonLoopback !== undefined) out.restAllowNonLoopback = allowNonLoopback
  const restHost = str('WAIAAS_REST_HOST')
  if (restHost !== undefined) out.restHost = restHost
  const restPort = str('WAIAAS_REST_PORT')
  if (restPort !== undefined) out.restPort = parseIntVar('WAIAAS_REST_PORT', restPort, 1, 65_535)
  const crash = str('WAIAAS_TEST_CRASH_AT')
  if (crash !== undefined && str('WAIAAS_TEST_HOOKS') === '1') out.testCrashAt = crash
  return out
}

import { WaiaasError } from './errors.js'

/** Every WAIAAS_* environment variable waiaas reads, parsed once, in one place. */
export interface Env {
  dataDir?: string
  socketPath?: string
  masterPassword?: string
  masterPasswordFile?: string
  autoProvision: boolean
  logLevel?: LogLevel
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
  return out
}

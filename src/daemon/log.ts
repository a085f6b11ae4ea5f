import fs from 'node:fs'
import type { LogFormat, LogLevel } from '../lib/env.js'
import { redactUrl } from '../lib/networks.js'
import { openPrivateForAppend } from '../lib/paths.js'
import { settingDefault } from '../lib/resolve-settings.js'
import type { Logger } from './ports.js'

export type { Logger } from './ports.js'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** Field names whose values are never written, whatever a caller passes by mistake. */
const SECRET_KEYS = /pass(word|phrase)?|secret|token|private|mnemonic|seed|content|auth|key$/i

/** Strips credentials from every URL in a text: user info, API-key path segments and query parameters. */
export function redactText(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (u) => redactUrl(u)).replace(/(\w+:\/\/)[^/@\s]+@/g, '$1[REDACTED]@')
}

/** Replaces secret-looking fields and credentials inside URLs before anything is written. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[…]'
  if (typeof value === 'string') return redactText(value)
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1), code: (value as { code?: unknown }).code }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '[REDACTED]' : redact(v, depth + 1)
    return out
  }
  return value
}

/** The keys of a JSON line; a field of the same name is written as `field.<name>` so nothing is lost. */
const JSON_KEYS = new Set(['time', 'level', 'ns', 'msg'])

/**
 * One log line: `<ISO time> <LEVEL> <ns> <msg> <fields as JSON>` as text, or one JSON object
 * `{"time","level","ns","msg",...fields}` for log shippers. Both redacted the same way.
 */
function formatLine(format: LogFormat, level: LogLevel, ns: string, msg: string, fields: Record<string, unknown> | undefined): string {
  const time = new Date().toISOString()
  const safe = fields === undefined ? undefined : (redact(fields) as Record<string, unknown>)
  if (format === 'text') return `${time} ${level.toUpperCase().padEnd(5)} ${ns} ${redactText(msg)}${safe === undefined ? '' : ` ${JSON.stringify(safe)}`}\n`
  const line: Record<string, unknown> = { time, level, ns, msg: redactText(msg) }
  for (const [k, v] of Object.entries(safe ?? {})) line[JSON_KEYS.has(k) ? `field.${k}` : k] = v
  return `${JSON.stringify(line)}\n`
}

/**
 * Opens (creating with mode 0600) the log file and returns the root logger. When the file passes `maxBytes` it is
 * rotated: daemon.log.N-1 → daemon.log.N … daemon.log → daemon.log.1 (the oldest dropped), each 0600.
 */
export function createLogger(
  file: string,
  opts: { level?: LogLevel; format?: LogFormat; echo?: NodeJS.WritableStream; maxBytes?: number; files?: number } = {},
): Logger {
  // Unset options take the settings table's defaults (log.maxBytes, log.files, log.level, log.format).
  const maxBytes = opts.maxBytes ?? settingDefault('logMaxBytes')
  const files = opts.files ?? settingDefault('logFiles')
  const openLog = (): number => {
    const fd = openPrivateForAppend(file)
    fs.fchmodSync(fd, 0o600)
    return fd
  }
  let fd = openLog()
  let size = fs.fstatSync(fd).size
  const min = RANK[opts.level ?? settingDefault('logLevel')]
  let open = true
  const rotate = (): void => {
    fs.closeSync(fd)
    try {
      fs.rmSync(`${file}.${files}`, { force: true })
      for (let i = files - 1; i >= 1; i--) {
        if (fs.existsSync(`${file}.${i}`)) fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`)
      }
      fs.renameSync(file, `${file}.1`)
      fs.chmodSync(`${file}.1`, 0o600)
    } finally {
      fd = openLog()
      size = fs.fstatSync(fd).size
    }
  }
  const write = (level: LogLevel, ns: string, msg: string, fields?: Record<string, unknown>): void => {
    if (!open || RANK[level] < min) return
    const line = formatLine(opts.format ?? settingDefault('logFormat'), level, ns, msg, fields)
    try {
      if (size > 0 && size + Buffer.byteLength(line) > maxBytes) rotate()
      size += fs.writeSync(fd, line)
    } catch {
      // A full disk must not take the daemon down through its logger.
    }
    opts.echo?.write(line)
  }
  const make = (ns: string): Logger => ({
    debug: (m, f) => write('debug', ns, m, f),
    info: (m, f) => write('info', ns, m, f),
    warn: (m, f) => write('warn', ns, m, f),
    error: (m, f) => write('error', ns, m, f),
    child: (sub) => make(`${ns}:${sub}`),
    close: () => {
      if (!open) return
      open = false
      fs.closeSync(fd)
    },
  })
  return make('waiaas')
}

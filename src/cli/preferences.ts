/**
 * The CLI's per-user preferences (`waiaas use`): the default wallet and network for commands that act on one, and the
 * preferred output. Stored by `conf` in the user's config directory (`$XDG_CONFIG_HOME/waiaas/config.json`, the OS
 * equivalent elsewhere) or in WAIAAS_CONFIG_DIR. Never a secret: the file holds only the keys below, and a value that
 * looks like a key, mnemonic or token is refused before it is sent anywhere. The defaults belong to the data
 * directory they were set for and apply only there.
 *
 * Reading happens on every command, so it is a plain read of that one small file (no file: nothing is loaded);
 * `conf` (with its schema) is loaded only by `waiaas use`, to write.
 */
import fs from 'node:fs'
import path from 'node:path'
import envPaths from 'env-paths'
import type { Env } from '../lib/env.js'
import { WaiaasError } from '../lib/errors.js'

export const OUTPUTS = ['human', 'json'] as const
export type OutputStyle = (typeof OUTPUTS)[number]

export interface Preferences {
  output?: OutputStyle
  /** The defaults of `--wallet` and `--network`, for the data directory they were set in. */
  defaults?: { dataDir: string; wallet?: { id: string; name: string }; network?: string }
}

/** The directory of the preferences: WAIAAS_CONFIG_DIR, else the user's config directory for waiaas. */
export function preferencesDir(env: Pick<Env, 'configDir'>): string {
  return path.resolve(env.configDir ?? envPaths('waiaas', { suffix: '' }).config)
}

export function preferencesFile(env: Pick<Env, 'configDir'>): string {
  return path.join(preferencesDir(env), 'config.json')
}

/** The JSON schema conf validates every write with (and the hand check of a read follows). */
export const PREFERENCES_SCHEMA = {
  output: { enum: [...OUTPUTS] },
  defaults: {
    type: 'object',
    additionalProperties: false,
    required: ['dataDir'],
    properties: {
      dataDir: { type: 'string', maxLength: 4096 },
      wallet: { type: 'object', additionalProperties: false, required: ['id', 'name'], properties: { id: { type: 'string', maxLength: 128 }, name: { type: 'string', maxLength: 128 } } },
      network: { type: 'string', maxLength: 128 },
    },
  },
} as const

function invalid(file: string, key: string, why: string): WaiaasError {
  return new WaiaasError('CONFIG_INVALID', `The preferences file ${file} is invalid: ${why}`, {
    details: { path: file, key },
    hint: 'Reset it with `waiaas use --reset`, then set your defaults again.',
  })
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max

/** The preferences in a file's JSON, checked as the schema says; CONFIG_INVALID naming the key otherwise. */
export function checkPreferences(file: string, raw: unknown): Preferences {
  if (!isObject(raw)) throw invalid(file, '', 'it must hold one JSON object')
  const out: Preferences = {}
  for (const [key, v] of Object.entries(raw)) {
    if (key === 'output') {
      if (!(OUTPUTS as readonly unknown[]).includes(v)) throw invalid(file, key, `output must be ${OUTPUTS.join(' or ')}`)
      out.output = v as OutputStyle
    } else if (key === 'defaults') {
      if (!isObject(v) || !isText(v.dataDir, 4096)) throw invalid(file, key, 'defaults must name the data directory they belong to')
      const d: NonNullable<Preferences['defaults']> = { dataDir: v.dataDir }
      for (const [k, x] of Object.entries(v)) {
        if (k === 'dataDir') continue
        if (k === 'wallet' && isObject(x) && isText(x.id, 128) && isText(x.name, 128) && Object.keys(x).length === 2) d.wallet = { id: x.id, name: x.name }
        else if (k === 'network' && isText(x, 128)) d.network = x
        else throw invalid(file, `defaults.${k.slice(0, 64)}`, `defaults.${k.slice(0, 64)} is not a default waiaas keeps`)
      }
      out.defaults = d
    } else {
      // Only the keys above are ever kept here: never a secret, whatever someone wrote into the file.
      throw invalid(file, key.slice(0, 64), `"${key.slice(0, 64)}" is not a preference (they are output and defaults; preferences never hold a secret)`)
    }
  }
  return out
}

/** The preferences ({} when there is no file). CONFIG_INVALID when the file is not what `waiaas use` writes. */
export function readPreferences(env: Pick<Env, 'configDir'>): Preferences {
  const file = preferencesFile(env)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new WaiaasError('CONFIG_INVALID', `Cannot read the preferences file ${file}`, { details: { path: file, key: null }, cause: err })
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw invalid(file, '', 'it is not valid JSON')
  }
  return checkPreferences(file, raw)
}

/** The defaults that apply to this data directory (none when they were set for another). */
export function defaultsFor(prefs: Preferences, dataDir: string): { wallet?: { id: string; name: string }; network?: string } {
  const d = prefs.defaults
  if (d === undefined || path.resolve(d.dataDir) !== path.resolve(dataDir)) return {}
  return { ...(d.wallet === undefined ? {} : { wallet: d.wallet }), ...(d.network === undefined ? {} : { network: d.network }) }
}

/**
 * Refuses a value that looks like a secret (a private key, a mnemonic, a keypair, a session token), naming the field
 * but never showing the value, before it is sent to the daemon or written anywhere.
 */
export function assertNotSecret(value: string, field: string): void {
  const v = value.trim()
  const looks =
    /^(0x)?[0-9a-fA-F]{64}$/.test(v) || // an EVM private key
    /^[1-9A-HJ-NP-Za-km-z]{80,90}$/.test(v) || // a base58 Solana secret key
    /^\[\s*\d{1,3}(\s*,\s*\d{1,3}){31,}\s*\]$/.test(v) || // a Solana keypair JSON
    /^wsk_/.test(v) || // an agent session token
    v.split(/\s+/).length >= 12 // a mnemonic
  if (!looks) return
  throw new WaiaasError('INPUT_INVALID', `${field} looks like a secret (a key, mnemonic or token); preferences never hold one, and it was not stored or sent`, {
    details: { field, issue: 'looks-like-secret' },
    hint: `Give ${field} a wallet name or id (\`waiaas wallet list\`). Keep secrets in files passed with --password-file or --session-token-file.`,
  })
}

/** Writes preferences through conf (schema-checked, atomic, mode 0600); `undefined` removes a key. */
export async function writePreferences(env: Pick<Env, 'configDir'>, change: { output?: OutputStyle; defaults?: Preferences['defaults'] | null }): Promise<string> {
  const { default: Conf } = await import('conf')
  const store = new Conf<Preferences>({
    cwd: preferencesDir(env),
    configName: 'config',
    configFileMode: 0o600,
    clearInvalidConfig: false,
    schema: PREFERENCES_SCHEMA as never,
    rootSchema: { additionalProperties: false },
  })
  if (change.output !== undefined) store.set('output', change.output)
  if (change.defaults === null) store.delete('defaults')
  else if (change.defaults !== undefined) store.set('defaults', change.defaults)
  return store.path
}

/** Removes the preferences file (to recover from a broken one). */
export function resetPreferences(env: Pick<Env, 'configDir'>): boolean {
  const file = preferencesFile(env)
  try {
    fs.unlinkSync(file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw new WaiaasError('CONFIG_INVALID', `Cannot remove the preferences file ${file}`, { details: { path: file, key: null }, cause: err })
  }
}

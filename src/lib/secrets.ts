import fs from 'node:fs'
import type { Env } from './env.js'
import { WaiaasError } from './errors.js'

/** Where a master password came from; named in messages, never the password itself. */
export type PasswordSource = '--password-file' | 'WAIAAS_MASTER_PASSWORD_FILE' | 'WAIAAS_MASTER_PASSWORD' | 'recovery.key' | 'prompt'

/**
 * Reads a secret from a file: the whole content without its trailing line break (as `echo` and Docker secrets
 * leave one). Refuses an empty file. The error names the file and the flag, never the content.
 */
export function readSecretFile(file: string, what: string): string {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot read ${what} from ${file}`, { details: { path: file, field: what }, cause: err })
  }
  const secret = text.replace(/\r?\n$/, '')
  if (secret === '') throw new WaiaasError('INPUT_INVALID', `${file} is empty`, { details: { path: file, field: what } })
  return secret
}

/**
 * The master password from non-interactive sources, in order: an explicit file, WAIAAS_MASTER_PASSWORD_FILE,
 * WAIAAS_MASTER_PASSWORD, then (when allowed) an auto-provisioned recovery.key. Undefined when none is set.
 */
export function passwordFromSources(
  opts: { file?: string | undefined; env: Env; recoveryKeyFile?: string | undefined },
): { password: string; source: PasswordSource } | undefined {
  if (opts.file !== undefined) return { password: readSecretFile(opts.file, '--password-file'), source: '--password-file' }
  if (opts.env.masterPasswordFile !== undefined) {
    return { password: readSecretFile(opts.env.masterPasswordFile, 'WAIAAS_MASTER_PASSWORD_FILE'), source: 'WAIAAS_MASTER_PASSWORD_FILE' }
  }
  if (opts.env.masterPassword !== undefined) return { password: opts.env.masterPassword, source: 'WAIAAS_MASTER_PASSWORD' }
  if (opts.recoveryKeyFile !== undefined && fs.existsSync(opts.recoveryKeyFile)) {
    return { password: readSecretFile(opts.recoveryKeyFile, 'recovery.key'), source: 'recovery.key' }
  }
  return undefined
}

/**
 * What quickset, init --auto-provision and doctor say when the master password sits in recovery.key: whoever runs as
 * this OS user can read it, an agent with a shell included, and with it act as the operator.
 */
export function recoveryKeyWarning(file: string): string {
  return (
    `${file} holds the master password: any process running as this OS user (an agent with a shell, say) can read it ` +
    'and act as the operator. Run agents as another OS user, or replace it with a password only you know: ' +
    '`waiaas password change` (it removes recovery.key).'
  )
}

/**
 * Who the SDK acts as, found the way the CLI finds it: an explicit option first, then WAIAAS_SESSION_TOKEN_FILE,
 * WAIAAS_SESSION_TOKEN (an agent session), then WAIAAS_MASTER_PASSWORD_FILE, WAIAAS_MASTER_PASSWORD (the operator).
 * With a token, no password source is ever read. Secrets are read once and kept only in the client.
 */
import { WaiaasError } from '../lib/errors.js'
import { readSecretFile } from '../lib/secrets.js'
import type { WireAuth } from '../lib/wire.js'

export interface CredentialOptions {
  /** An agent session's token. */
  token?: string
  /** A file holding an agent session's token (as `waiaas session create --out FILE` writes it). */
  tokenFile?: string
  /** The master password: the operator. */
  password?: string
  /** A file holding the master password. */
  passwordFile?: string
}

export function resolveCredentials(opts: CredentialOptions, env: NodeJS.ProcessEnv = process.env): WireAuth {
  const given = [opts.token, opts.tokenFile, opts.password, opts.passwordFile].filter((v) => v !== undefined).length
  if (given > 1) {
    throw new WaiaasError('INPUT_INVALID', 'Give one credential: token, tokenFile, password or passwordFile', {
      details: { field: 'credentials' },
      hint: 'A session token makes the client an agent; the master password makes it the operator. Pick one.',
    })
  }
  if (opts.token !== undefined) return { token: opts.token }
  if (opts.tokenFile !== undefined) return { token: readSecretFile(opts.tokenFile, 'tokenFile') }
  if (opts.password !== undefined) return { password: opts.password }
  if (opts.passwordFile !== undefined) return { password: readSecretFile(opts.passwordFile, 'passwordFile') }
  const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v)
  const tokenFile = nonEmpty(env.WAIAAS_SESSION_TOKEN_FILE)
  if (tokenFile !== undefined) return { token: readSecretFile(tokenFile, 'WAIAAS_SESSION_TOKEN_FILE') }
  const token = nonEmpty(env.WAIAAS_SESSION_TOKEN)
  if (token !== undefined) return { token }
  const pwFile = nonEmpty(env.WAIAAS_MASTER_PASSWORD_FILE)
  if (pwFile !== undefined) return { password: readSecretFile(pwFile, 'WAIAAS_MASTER_PASSWORD_FILE') }
  const pw = nonEmpty(env.WAIAAS_MASTER_PASSWORD)
  if (pw !== undefined) return { password: pw }
  return {}
}

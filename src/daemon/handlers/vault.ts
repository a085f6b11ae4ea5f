import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { WaiaasError } from '../../lib/errors.js'
import { writeSecretFile } from '../../lib/paths.js'
import type { Handler } from '../context.js'
import { requireGrant } from '../grant.js'
import { assertStrongPassword } from '../keyring.js'
import type { KdfParams } from '../keystore/kdf.js'
import { setMeta } from '../store/meta.js'

const kdfSummary = (k: KdfParams): { name: 'scrypt'; N: number; r: number; p: number } => ({ name: k.name, N: k.N, r: k.r, p: k.p })

export const init: Handler<'vault.init'> = async (ctx, params, caller) => {
  if (ctx.keyring.initialized) throw new WaiaasError('ALREADY_INITIALIZED', 'This data directory is already initialised')
  if (!params.autoProvision) {
    if (params.password === undefined) {
      throw new WaiaasError('INPUT_INVALID', 'A master password is required unless auto-provisioning', { details: { field: 'password' } })
    }
    assertStrongPassword(params.password)
    const record = await ctx.keyring.init(params.password, caller.actor, { autoProvisioned: false })
    return { initialized: true, autoProvisioned: false, recoveryKeyFile: null, kdf: kdfSummary(record.kdf) }
  }
  // Auto-provision: the file is written before the vault so a crash can never leave a password nobody knows.
  const password = randomBytes(32).toString('base64url')
  writeSecretFile(ctx.paths.recoveryKey, `${password}\n`, { overwrite: true })
  try {
    const record = await ctx.keyring.init(password, caller.actor, { autoProvisioned: true })
    setMeta(ctx.db, 'auto_provisioned', true)
    ctx.log.info('auto-provisioned a master password', { file: ctx.paths.recoveryKey })
    return { initialized: true, autoProvisioned: true, recoveryKeyFile: ctx.paths.recoveryKey, kdf: kdfSummary(record.kdf) }
  } catch (err) {
    if (!ctx.keyring.initialized) fs.rmSync(ctx.paths.recoveryKey, { force: true })
    throw err
  }
}

export const unlock: Handler<'vault.unlock'> = async (ctx, params, caller) => {
  await ctx.keyring.unlock(params.password, caller.actor, caller.source)
  return { locked: false }
}

export const lock: Handler<'vault.lock'> = (ctx) => {
  if (!ctx.keyring.initialized) throw new WaiaasError('NOT_INITIALIZED', 'This data directory has no master password yet')
  ctx.keyring.lock()
  ctx.pipeline.forgetKey()
  ctx.log.info('locked')
  return { locked: true }
}

export const changePassword: Handler<'vault.changePassword'> = async (ctx, params, caller) => {
  assertStrongPassword(params.newPassword, 'newPassword')
  const hadRecovery = fs.existsSync(ctx.paths.recoveryKey)
  const record = await ctx.keyring.changePassword(requireGrant(caller), params.newPassword, caller.actor, { recoveryKeyRemoved: hadRecovery })
  // recovery.key holds the old password, which no longer opens anything: remove it rather than leave it stale.
  if (hadRecovery) fs.rmSync(ctx.paths.recoveryKey, { force: true })
  setMeta(ctx.db, 'auto_provisioned', false)
  return { changed: true, recoveryKeyRemoved: hadRecovery, kdf: kdfSummary(record.kdf) }
}

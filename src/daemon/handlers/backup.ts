/** backup.create: an encrypted snapshot under the master password of the call (see src/daemon/backup/); backup.list: what is in the backups folder. */
import { isAbsolute } from 'node:path'
import { listBackupFiles } from '../../lib/backup-files.js'
import { WaiaasError } from '../../lib/errors.js'
import { createBackup } from '../backup/create.js'
import type { Handler } from '../context.js'
import { appendAudit } from '../store/audit.js'

export const create: Handler<'backup.create'> = async (ctx, params, caller) => {
  if (caller.password === undefined) throw new WaiaasError('AUTH_REQUIRED', 'backup.create needs the master password: it derives the backup key', { details: {} })
  if (params.out !== undefined && !isAbsolute(params.out)) {
    throw new WaiaasError('INPUT_INVALID', 'out must be an absolute path (the daemon has its own working directory)', { details: { field: 'out' } })
  }
  const made = await createBackup({ db: ctx.db, paths: ctx.paths, version: ctx.version, pricesFile: ctx.pricesFile }, caller.password, { out: params.out })
  appendAudit(ctx.db, { actor: caller.actor, action: 'backup.create', target: made.file, outcome: 'ok', details: { bytes: made.bytes, schemaVersion: made.meta.schemaVersion } })
  ctx.log.info('backup created', { file: made.file, bytes: made.bytes })
  return {
    file: made.file,
    bytes: made.bytes,
    createdAt: made.meta.createdAt,
    schemaVersion: made.meta.schemaVersion,
    walletCount: made.meta.walletCount,
    auditHead: made.meta.auditHead,
  }
}

export const list: Handler<'backup.list'> = (ctx) => ({
  dir: ctx.paths.backups,
  backups: listBackupFiles(ctx.paths.backups)
    .reverse()
    .map((b) => ({ name: b.name, file: b.file, bytes: b.bytes, createdAt: b.modifiedAt.toISOString() })),
})

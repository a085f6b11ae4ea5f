/**
 * Scheduled backups: every WAIAAS_BACKUP_INTERVAL_HOURS hours, a backup named `waiaas-auto-<UTC>.wbak` in
 * `<data dir>/backups/`, keeping the newest WAIAAS_BACKUP_KEEP of those (files with other names are never deleted).
 * The backup key needs the master password, so each run reads it again from the daemon's non-interactive sources
 * (--password-file, WAIAAS_MASTER_PASSWORD_FILE, WAIAAS_MASTER_PASSWORD, an auto-provisioned recovery.key); without
 * one it logs a warning and skips. The password is checked against the vault first and never kept between runs.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Env } from '../../lib/env.js'
import type { ResolvedSettings } from '../../lib/resolve-settings.js'
import { passwordFromSources } from '../../lib/secrets.js'
import type { DaemonContext } from '../context.js'
import { appendAudit } from '../store/audit.js'
import { getMeta } from '../store/meta.js'
import { BACKUP_EXTENSION } from './format.js'
import { createBackup, SCHEDULED_PREFIX, type CreatedBackup } from './create.js'

export interface BackupSchedule {
  stop(): Promise<void>
}

/** One scheduled run: back up, then prune. Returns null when it skipped (no password, locked out, not initialised). */
export async function runScheduledBackup(ctx: DaemonContext, opts: { env: Env; passwordFile?: string | undefined; keep: number; now?: Date }): Promise<CreatedBackup | null> {
  const { log } = ctx
  if (!ctx.keyring.initialized) return null
  const autoProvisioned = getMeta<boolean>(ctx.db, 'auto_provisioned') === true
  const found = passwordFromSources({ file: opts.passwordFile, env: opts.env, recoveryKeyFile: autoProvisioned ? ctx.paths.recoveryKey : undefined })
  if (found === undefined) {
    log.warn('scheduled backup skipped: no master password source (set WAIAAS_MASTER_PASSWORD_FILE or start with --password-file)')
    return null
  }
  try {
    // A backup under a wrong password could not be restored: check it against the vault first.
    ;(await ctx.keyring.authorize(found.password, 'daemon', 'backup.scheduled')).release()
  } catch (err) {
    log.warn('scheduled backup skipped: the configured password does not unlock the vault', { source: found.source, code: (err as { code?: string }).code ?? 'INTERNAL' })
    return null
  }
  const made = await createBackup({ db: ctx.db, paths: ctx.paths, version: ctx.version, pricesFile: ctx.pricesFile }, found.password, {
    prefix: SCHEDULED_PREFIX,
    ...(opts.now ? { now: opts.now } : {}),
  })
  appendAudit(ctx.db, { actor: 'daemon', action: 'backup.create', target: made.file, outcome: 'ok', details: { bytes: made.bytes, scheduled: true } })
  const removed = pruneScheduled(ctx.paths.backups, opts.keep)
  log.info('scheduled backup created', { file: made.file, bytes: made.bytes, pruned: removed.length })
  return made
}

/** Deletes all but the newest `keep` scheduled backups (by name, which sorts by time); returns the deleted paths. */
export function pruneScheduled(dir: string, keep: number): string[] {
  const ours = fs
    .readdirSync(dir)
    .filter((n) => n.startsWith(SCHEDULED_PREFIX) && n.endsWith(BACKUP_EXTENSION))
    .sort()
  const doomed = ours.slice(0, Math.max(0, ours.length - keep)).map((n) => path.join(dir, n))
  for (const f of doomed) fs.rmSync(f, { force: true })
  return doomed
}

/** Starts the timer when WAIAAS_BACKUP_INTERVAL_HOURS is set and not 0; runs never overlap. */
export function startBackupSchedule(ctx: DaemonContext, env: ResolvedSettings, passwordFile: string | undefined): BackupSchedule {
  const hours = env.backupIntervalHours
  if (hours <= 0) return { stop: async () => {} }
  const keep = env.backupKeep
  let running: Promise<unknown> | undefined
  const timer = setInterval(() => {
    if (running !== undefined) return
    running = runScheduledBackup(ctx, { env, passwordFile, keep })
      .catch((err: unknown) => ctx.log.error('scheduled backup failed', { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => (running = undefined))
  }, hours * 3_600_000)
  timer.unref()
  ctx.log.info('scheduled backups on', { everyHours: hours, keep })
  return {
    stop: async () => {
      clearInterval(timer)
      await running
    },
  }
}

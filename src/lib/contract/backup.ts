/** Encrypted backups of the data directory. */
import { z } from 'zod'
import { def, isoTime, type MethodDef } from './common.js'

/** The `backup.*` methods. */
export const backupMethods = {
  'backup.create': def({
    summary: 'Make an encrypted backup: a consistent snapshot of the database (taken while the daemon runs) and prices.json, sealed under a key stretched from the master password. Written 0600 to `out` (absolute, must not exist) or <data dir>/backups/.',
    role: 'operator',
    input: z.object({ out: z.string().min(1).max(4096).optional() }),
    output: z.object({
      file: z.string(),
      bytes: z.number().int(),
      createdAt: isoTime,
      schemaVersion: z.number().int(),
      walletCount: z.number().int(),
      auditHead: z.object({ seq: z.number().int(), hash: z.string() }),
    }),
    errors: ['INPUT_FILE_EXISTS', 'INPUT_FILE_UNREADABLE', 'INPUT_FILE_SYMLINK', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
    reauth: true,
  }),
  'backup.list': def({
    summary: 'List the backups in <data dir>/backups, newest first: file facts only (reading inside one needs the password: `waiaas backup inspect`). Backups written elsewhere with `out` are not listed.',
    role: 'operator',
    input: z.object({}),
    output: z.object({
      /** The folder listed. */
      dir: z.string(),
      backups: z.array(
        z.object({
          name: z.string(),
          /** The full path. */
          file: z.string(),
          bytes: z.number().int(),
          /** When the file was written. */
          createdAt: isoTime,
        }),
      ),
    }),
    errors: [],
    transports: ['socket', 'rest'],
    readOnly: true,
  }),
} as const satisfies Record<`backup.${string}`, MethodDef>

/** The hash-chained audit log: read and verify it. */
import { z } from 'zod'
import { def, isoTime, type MethodDef } from './common.js'

export const auditEntry = z.object({
  seq: z.number().int(),
  ts: isoTime,
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(['ok', 'denied', 'failed']),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
})

/** The `audit.*` methods. */
export const auditMethods = {
  'audit.list': def({
    summary: 'List audit log entries, newest first.',
    role: 'public',
    input: z.object({
      limit: z.number().int().min(1).max(1000).default(50),
      beforeSeq: z.number().int().min(1).optional(),
      action: z.string().max(64).optional(),
    }),
    output: z.object({ entries: z.array(auditEntry) }),
    errors: [],
    transports: ['socket', 'rest'],
    readOnly: true,
  }),
  'audit.verify': def({
    summary: 'Recompute the audit hash chain and report the first broken entry, if any.',
    role: 'public',
    input: z.object({}),
    output: z.object({
      valid: z.boolean(),
      entries: z.number().int(),
      headSeq: z.number().int(),
      headHash: z.string(),
      brokenAt: z.object({ seq: z.number().int(), reason: z.string() }).optional(),
    }),
    errors: [],
    transports: ['socket', 'rest'],
    readOnly: true,
  }),
} as const satisfies Record<`audit.${string}`, MethodDef>

/** The daemon itself: the handshake, status, stopping it, and the checks only it can make. */
import { z } from 'zod'
import { def, READ_NONE, isoTime, type MethodDef } from './common.js'
import { pluginStatus } from './schemas.js'

/** The `system.*` methods. */
export const systemMethods = {
  'system.hello': def({
    summary: 'Version handshake; the first call on every connection.',
    role: 'public',
    input: z.object({ protocol: z.number().int(), version: z.string().max(64), client: z.string().max(64).optional() }),
    output: z.object({
      protocol: z.number().int(),
      version: z.string(),
      pid: z.number().int(),
      startedAt: isoTime,
      /** True when the daemon was started by the CLI (so the CLI may restart it); false under a supervisor. */
      managed: z.boolean(),
    }),
    errors: ['DAEMON_VERSION_MISMATCH'],
    transports: ['socket'],
  }),
  'system.status': def({
    summary: 'Daemon, version, lock state, data directory and wallet count.',
    role: 'public',
    input: z.object({}),
    output: z.object({
      version: z.string(),
      protocol: z.number().int(),
      pid: z.number().int(),
      startedAt: isoTime,
      uptimeMs: z.number().int(),
      dataDir: z.string(),
      socket: z.string(),
      logFile: z.string(),
      initialized: z.boolean(),
      locked: z.boolean(),
      autoProvisioned: z.boolean(),
      walletCount: z.number().int(),
      managed: z.boolean(),
      /** The HTTP plugins: enabled or not, where they listen, why not. */
      plugins: z.array(pluginStatus),
    }),
    errors: [],
    session: READ_NONE,
    readOnly: true,
  }),
  'system.shutdown': def({
    summary: 'Stop the daemon: finish in-flight calls, wipe keys, close the database, remove the socket and pid file.',
    role: 'public',
    input: z.object({}),
    output: z.object({ stopping: z.literal(true), pid: z.number().int() }),
    errors: [],
    transports: ['socket'],
  }),
  'system.doctor': def({
    summary: 'The checks only the daemon can make: database integrity, the audit chain, RPC reachability and clock per configured network, plugins. Secret-free.',
    role: 'public',
    input: z.object({}),
    output: z.object({
      version: z.string(),
      checks: z.array(
        z.object({ name: z.string(), status: z.enum(['ok', 'warn', 'fail']), message: z.string(), fix: z.string().nullable() }),
      ),
    }),
    errors: [],
    transports: ['socket', 'rest'],
    readOnly: true,
  }),
} as const satisfies Record<`system.${string}`, MethodDef>

/** The optional HTTP plugins (REST and MCP over HTTP). */
import { z } from 'zod'
import { def, type MethodDef } from './common.js'
import { pluginStatus } from './schemas.js'

/** The `plugin.*` methods. */
export const pluginMethods = {
  'plugin.list': def({
    summary: 'The HTTP plugins (rest, mcp-http): whether each is enabled, where it listens, and why not when it failed.',
    role: 'public',
    input: z.object({}),
    output: z.object({ plugins: z.array(pluginStatus) }),
    errors: [],
    transports: ['socket', 'rest'],
    readOnly: true,
  }),
  'plugin.enable': def({
    summary:
      'Enable an HTTP plugin now and at every start. Both share one server: host and port (default 127.0.0.1:3100, 0 = any free port) ' +
      'set its address. A host outside loopback is refused unless allowNonLoopback.',
    role: 'operator',
    input: z.object({
      name: z.string().min(1).max(32),
      host: z.string().min(1).max(255).optional(),
      port: z.number().int().min(0).max(65_535).optional(),
      allowNonLoopback: z.boolean().optional(),
    }),
    output: pluginStatus,
    errors: ['PLUGIN_UNKNOWN', 'PLUGIN_BIND_REFUSED', 'PLUGIN_START_FAILED', 'AUDIT_WRITE_FAILED'],
    transports: ['socket'],
  }),
  'plugin.disable': def({
    summary: 'Disable an HTTP plugin now and at every start; the server stops when no plugin needs it.',
    role: 'operator',
    input: z.object({ name: z.string().min(1).max(32) }),
    output: pluginStatus,
    errors: ['PLUGIN_UNKNOWN', 'AUDIT_WRITE_FAILED'],
    transports: ['socket'],
  }),
} as const satisfies Record<`plugin.${string}`, MethodDef>

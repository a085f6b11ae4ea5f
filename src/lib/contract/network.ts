/** The networks waiaas knows, their RPC URLs and confirmation depth. */
import { z } from 'zod'
import { def, READ_NONE, chainSchema, type MethodDef } from './common.js'

export const network = z.object({
  id: z.string(),
  name: z.string(),
  family: chainSchema,
  aliases: z.array(z.string()),
  chainId: z.number().int().nullable(),
  nativeSymbol: z.string(),
  nativeDecimals: z.number().int(),
  /** Effective RPC URL with credentials and API keys redacted; null when none is configured. */
  rpcUrl: z.string().nullable(),
  confirmations: z.number().int(),
  testnet: z.boolean(),
  local: z.boolean(),
  /** True when the operator overrode the RPC URL or confirmations. */
  customized: z.boolean(),
})

/** The `network.*` methods. */
export const networkMethods = {
  'network.list': def({
    summary: 'List the networks waiaas knows, with their effective RPC URL (credentials redacted) and confirmation depth.',
    role: 'public',
    input: z.object({ family: chainSchema.optional().describe('Only the networks of this chain family') }),
    output: z.object({ networks: z.array(network) }),
    errors: [],
    session: READ_NONE,
    readOnly: true,
  }),
  'network.set': def({
    summary: "Override a network's RPC URL and/or confirmation depth (null restores the default).",
    role: 'operator',
    input: z.object({
      network: z.string().min(1).max(128),
      rpcUrl: z.string().max(2048).nullable().optional(),
      confirmations: z.number().int().min(0).max(1000).nullable().optional(),
    }),
    output: network,
    errors: ['NETWORK_UNKNOWN', 'INPUT_INVALID', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
} as const satisfies Record<`network.${string}`, MethodDef>

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
  /** The batching contract the operator allowlists for EVM tx.sendBatch (checksummed), or null: none. */
  batchContract: z.string().nullable(),
  /** A runtime code hash the operator trusts for that batcher besides waiaas's own build, or null. */
  batchCodeHash: z.string().nullable(),
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
    summary: "Override a network's RPC URL and/or confirmation depth (null restores the default), or allowlist the batching contract of its EVM tx.sendBatch (null: none) and a code hash trusted for it besides waiaas's own build. Operator only.",
    role: 'operator',
    input: z.object({
      network: z.string().min(1).max(128),
      rpcUrl: z.string().max(2048).nullable().optional(),
      confirmations: z.number().int().min(0).max(1000).nullable().optional(),
      batchContract: z
        .string()
        .max(64)
        .nullable()
        .optional()
        .describe('EVM only: the batching contract (Disperse ABI) tx.sendBatch goes through, a 0x address; its code must be a batcher waiaas knows when a batch is sent. null: none'),
      batchCodeHash: z
        .string()
        .max(66)
        .nullable()
        .optional()
        .describe("EVM only: a runtime code hash (keccak256, 0x + 64 hex) trusted for the batching contract besides waiaas's own build, e.g. an audited Disperse deployment's. null: only waiaas's build"),
    }),
    output: network,
    errors: ['NETWORK_UNKNOWN', 'INPUT_INVALID', 'INPUT_INVALID_ADDRESS', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'network.status': def({
    summary: 'Whether each configured network answers: one cheap request through its chain adapter (3 s timeout), how long it took and how old its latest block is. Only networks with an RPC URL set (by the operator or the devnet) are contacted. Secret-free.',
    role: 'public',
    input: z.object({}),
    output: z.object({
      networks: z.array(
        z.object({
          network: z.string(),
          /** Its alias, e.g. evm-local. */
          name: z.string(),
          reachable: z.boolean(),
          latencyMs: z.number().int().nullable(),
          /** Seconds between the latest block's time and ours (negative: the block is ahead of this clock); null when unknown. */
          blockAgeSeconds: z.number().int().nullable(),
          /** Why it did not answer (code and a redacted message); null when it did. */
          error: z.object({ code: z.string(), message: z.string() }).nullable(),
        }),
      ),
    }),
    errors: [],
    transports: ['socket', 'rest'],
    readOnly: true,
  }),
} as const satisfies Record<`network.${string}`, MethodDef>

/** The token registry of each network: well-known tokens built in, plus the ones the operator registers. */
import { z } from 'zod'
import { def, READ_NONE, networkRef, address, type MethodDef } from './common.js'

export const registryToken = z.object({
  /** CAIP-2 network id. */
  network: z.string(),
  /** ERC-20 contract (checksummed) or SPL mint. */
  address: z.string(),
  symbol: z.string(),
  decimals: z.number().int(),
  name: z.string().nullable(),
  /** `built-in`: waiaas's list of well-known tokens; `operator`: registered with token.add. */
  source: z.enum(['built-in', 'operator']),
})

const symbol = z
  .string()
  .regex(/^[A-Za-z0-9$][A-Za-z0-9.\-_+$]{0,19}$/, 'a symbol is 1-20 letters, digits or . - _ + $')
  .refine((s) => !/^0x/i.test(s), 'a symbol must not start with 0x')
  .describe('The symbol, e.g. USDC (1-20 letters, digits or . - _ + $)')

/** The `token.*` methods. */
export const tokenMethods = {
  'token.list': def({
    summary: 'List the token registry: the well-known tokens of the built-in networks and the ones the operator registered, with address, symbol and decimals. `--token SYMBOL` (tx.send, tx.tokenApprove, tx.simulate) resolves through it.',
    role: 'public',
    input: z.object({ network: networkRef.optional().describe('Only the tokens of this network') }),
    output: z.object({ tokens: z.array(registryToken) }),
    errors: ['NETWORK_UNKNOWN'],
    session: READ_NONE,
    readOnly: true,
  }),
  'token.resolve': def({
    summary: 'The registry token a symbol (or an address) names on a network: its address and decimals. Unknown: TOKEN_UNKNOWN; several tokens share the symbol: TOKEN_AMBIGUOUS with the candidates.',
    role: 'public',
    input: z.object({
      network: networkRef,
      token: z.string().min(1).max(128).describe('A symbol such as USDC, or a contract / mint address'),
    }),
    output: registryToken,
    errors: ['NETWORK_UNKNOWN', 'TOKEN_UNKNOWN', 'TOKEN_AMBIGUOUS', 'INPUT_INVALID_ADDRESS'],
    session: READ_NONE,
    readOnly: true,
  }),
  'token.add': def({
    summary: "Register a token on a network so its symbol resolves (operator only). Decimals default to what the token's contract or mint says (the network's RPC must answer).",
    role: 'operator',
    input: z.object({
      network: networkRef,
      address: address.describe('The ERC-20 contract (EVM) or SPL mint (Solana)'),
      symbol,
      decimals: z.number().int().min(0).max(36).optional().describe("The token's decimals; read from the chain when absent"),
      name: z.string().min(1).max(64).optional(),
    }),
    output: registryToken,
    errors: ['NETWORK_UNKNOWN', 'INPUT_INVALID_ADDRESS', 'TOKEN_EXISTS', 'TOKEN_BUILT_IN', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'token.remove': def({
    summary: 'Remove a token the operator registered (operator only); built-in tokens stay.',
    role: 'operator',
    input: z.object({ network: networkRef, address: address.describe('The registered contract or mint') }),
    output: z.object({ removed: registryToken }),
    errors: ['NETWORK_UNKNOWN', 'INPUT_INVALID_ADDRESS', 'TOKEN_UNKNOWN', 'TOKEN_BUILT_IN', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
} as const satisfies Record<`token.${string}`, MethodDef>

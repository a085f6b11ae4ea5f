/** Balances of a wallet on a network. */
import { z } from 'zod'
import { def, walletRef, type MethodDef } from './common.js'
import { wallet } from './schemas.js'

/** The `balance.*` methods. */
export const balanceMethods = {
  'balance.get': def({
    summary: "A wallet's balances on one network: the native coin and, on Solana, every token it holds; or one token by address or mint. Without `wallet`, the only wallet there is.",
    role: 'public',
    input: z.object({
      wallet: walletRef.optional().describe('A wallet id or its unique name; without it, the only wallet there is'),
      network: z.string().min(1).max(128).optional().describe('A CAIP-2 network id or an alias (see network list); without it, the local network while the devnet runs'),
      token: z.string().min(1).max(128).optional().describe('Only this token: its ERC-20 contract or SPL mint address'),
    }),
    output: z.object({
      wallet,
      network: z.string(),
      balances: z.array(
        z.object({
          token: z.string().nullable(),
          symbol: z.string(),
          decimals: z.number().int(),
          amount: z.string(),
          raw: z.string(),
          usd: z.string().nullable().describe('Its value in USD from the configured price sources (exact decimal, rounded up to the micro-dollar); null when none has a fresh price'),
        }),
      ),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'NETWORK_MISMATCH', 'INPUT_INVALID_ADDRESS', 'CHAIN_RPC_UNREACHABLE', 'CHAIN_ACCOUNT_NOT_FOUND'],
    session: { permission: 'read', wallet: 'param' },
    readOnly: true,
  }),
} as const satisfies Record<`balance.${string}`, MethodDef>

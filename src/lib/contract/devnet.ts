/** The local playground: anvil and a Solana RPC on loopback. */
import { z } from 'zod'
import { def, walletRef, type MethodDef } from './common.js'
import { wallet } from './schemas.js'

/**
 * Whether a local chain goes on from before: `new` (first start, or after `devnet stop`), `resumed` (the same chain,
 * balances kept, across daemon restarts and crashes), `reset` (its state was lost: wallets need `devnet fund` again).
 */
export const devnetChainState = z.enum(['new', 'resumed', 'reset'])

export const devnetInfo = z.object({
  running: z.boolean(),
  evm: z.object({ network: z.string(), url: z.string(), chainId: z.number().int(), pid: z.number().int(), testToken: z.string().nullable(), state: devnetChainState }).nullable(),
  solana: z.object({ network: z.string(), url: z.string(), wsUrl: z.string(), testToken: z.string().nullable(), state: devnetChainState }).nullable(),
})

/** The `devnet.*` methods. */
export const devnetMethods = {
  'devnet.start': def({
    summary: 'Start the local playground: anvil and a litesvm-backed Solana RPC on loopback, with evm-local and solana-local pointed at them. Both chains keep their state until `devnet stop`, across daemon restarts and crashes.',
    role: 'operator',
    input: z.object({}),
    output: devnetInfo,
    errors: ['INTERNAL', 'INPUT_FILE_SYMLINK'],
    transports: ['socket', 'rest'],
  }),
  'devnet.stop': def({
    summary: 'Stop the local playground and discard its chains\' state (the next start is a new chain).',
    role: 'operator',
    input: z.object({}),
    output: devnetInfo,
    errors: [],
    transports: ['socket', 'rest'],
  }),
  'devnet.status': def({
    summary: 'Whether the local playground runs, and where.',
    role: 'public',
    input: z.object({}),
    output: devnetInfo,
    errors: [],
    transports: ['socket', 'rest'],
    readOnly: true,
  }),
  'devnet.fund': def({
    summary: "Fund a wallet on its chain's local network: native coins and the devnet's test token (6 decimals).",
    role: 'operator',
    input: z.object({ wallet: walletRef, amount: z.string().max(100).default('10'), tokenAmount: z.string().max(100).default('1000') }),
    output: z.object({
      wallet,
      funded: z.array(z.object({ network: z.string(), asset: z.string(), amount: z.string(), tx: z.string().nullable() })),
    }),
    errors: ['WALLET_NOT_FOUND', 'INPUT_INVALID_AMOUNT', 'CHAIN_RPC_UNREACHABLE'],
    transports: ['socket', 'rest'],
  }),
} as const satisfies Record<`devnet.${string}`, MethodDef>

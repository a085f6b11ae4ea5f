/**
 * The one contract: every operation the daemon offers, with its input and output schema and the least role that
 * may call it. The socket server validates and authorises from this table, the CLI client is typed from it, and
 * the REST and MCP plugins will be generated from it. No transport keeps its own list of methods.
 *
 * The CLI imports this file only as types (`import type`), so zod never loads in a command that just talks to the
 * daemon; validation happens in the daemon, on the way in and on the way out.
 */
import { z } from 'zod'
import type { ErrorCode } from './errors.js'

/**
 * Who may call a method. `public`: anyone who can open the owner-only socket (read-only status and listings, and
 * acts that only tighten, like locking). `agent`: a session token, or the operator. `operator`: the master password.
 */
export type Role = 'public' | 'agent' | 'operator'

export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  summary: string
  role: Role
  input: I
  output: O
  /** Codes this method raises besides the transport's own (INPUT_INVALID, AUTH_*, INTERNAL). */
  errors: readonly ErrorCode[]
  /** Whether an MCP tool is generated for it. Nothing that reveals or writes a secret is ever exposed. */
  mcp: boolean
}

const def = <I extends z.ZodType, O extends z.ZodType>(d: MethodDef<I, O>): MethodDef<I, O> => d

export { MAX_FRAME_BYTES, PROTOCOL_VERSION } from './wire.js'

const password = z.string().min(1).max(1024)
const walletRef = z.string().min(1).max(128).describe('A wallet id or its unique name')
/** Bounded here only for size; the naming rules (1-64 characters, no separators…) are checked by assertWalletName. */
const walletName = z.string().max(1024)
export const chainSchema = z.enum(['evm', 'solana'])
const isoTime = z.string()

const wallet = z.object({
  id: z.string(),
  name: z.string(),
  chain: chainSchema,
  address: z.string(),
  publicKey: z.string(),
  source: z.enum(['generated', 'private-key', 'keystore', 'mnemonic', 'keypair']),
  derivationPath: z.string().nullable(),
  createdAt: isoTime,
})

const auditEntry = z.object({
  seq: z.number().int(),
  ts: isoTime,
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(['ok', 'denied', 'failed']),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
})

const network = z.object({
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

const devnetInfo = z.object({
  running: z.boolean(),
  evm: z.object({ network: z.string(), url: z.string(), chainId: z.number().int(), pid: z.number().int(), testToken: z.string().nullable() }).nullable(),
  solana: z.object({ network: z.string(), url: z.string(), wsUrl: z.string(), testToken: z.string().nullable() }).nullable(),
})

const kdfSummary = z.object({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int() })

export const contract = {
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
    mcp: false,
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
    }),
    errors: [],
    mcp: true,
  }),
  'system.shutdown': def({
    summary: 'Stop the daemon: finish in-flight calls, wipe keys, close the database, remove the socket and pid file.',
    role: 'public',
    input: z.object({}),
    output: z.object({ stopping: z.literal(true), pid: z.number().int() }),
    errors: [],
    mcp: false,
  }),

  'vault.init': def({
    summary: 'Set the master password of a new data directory, or generate one into recovery.key (auto-provision).',
    role: 'public',
    input: z.object({ password: password.optional(), autoProvision: z.boolean().default(false) }),
    output: z.object({ initialized: z.literal(true), autoProvisioned: z.boolean(), recoveryKeyFile: z.string().nullable(), kdf: kdfSummary }),
    errors: ['ALREADY_INITIALIZED', 'INPUT_WEAK_PASSWORD', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'vault.unlock': def({
    summary: 'Unlock the keystore with the master password so the daemon can sign.',
    role: 'public',
    input: z.object({ password }),
    output: z.object({ locked: z.literal(false) }),
    errors: ['NOT_INITIALIZED', 'AUTH_BAD_PASSWORD', 'AUTH_THROTTLED'],
    mcp: false,
  }),
  'vault.lock': def({
    summary: 'Lock the keystore: wipe the unlocked data key from memory. Anyone with socket access may lock.',
    role: 'public',
    input: z.object({}),
    output: z.object({ locked: z.literal(true) }),
    errors: ['NOT_INITIALIZED'],
    mcp: false,
  }),
  'vault.changePassword': def({
    summary: 'Change the master password: re-wraps the one data key under the new password; wallet keys are untouched.',
    role: 'operator',
    input: z.object({ newPassword: password }),
    output: z.object({ changed: z.literal(true), recoveryKeyRemoved: z.boolean(), kdf: kdfSummary }),
    errors: ['INPUT_WEAK_PASSWORD', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),

  'wallet.create': def({
    summary: 'Create a wallet with a new random key.',
    role: 'operator',
    input: z.object({ chain: chainSchema, name: walletName.optional() }),
    output: wallet,
    errors: ['INPUT_INVALID_NAME', 'WALLET_NAME_TAKEN', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'wallet.import': def({
    summary: 'Import a wallet from a private key, keystore v3, BIP-39 mnemonic or Solana keypair file.',
    role: 'operator',
    input: z.object({
      chain: chainSchema,
      format: z.enum(['private-key', 'keystore', 'mnemonic', 'keypair']),
      secret: z.string().min(1).max(64 * 1024),
      keystorePassword: password.optional(),
      index: z.number().int().min(0).max(2 ** 31 - 1).default(0),
      name: walletName.optional(),
    }),
    output: wallet,
    errors: ['INPUT_INVALID_KEY_FILE', 'INPUT_INVALID_NAME', 'WALLET_NAME_TAKEN', 'WALLET_DUPLICATE', 'AUTH_BAD_PASSWORD', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'wallet.export': def({
    summary: 'Export a private key: EVM as keystore v3 (scrypt) under exportPassword, Solana as a keypair JSON. Audited.',
    role: 'operator',
    input: z.object({ wallet: walletRef, exportPassword: password.optional() }),
    output: z.object({ wallet, format: z.enum(['keystore-v3', 'solana-keypair']), content: z.string() }),
    errors: ['WALLET_NOT_FOUND', 'INPUT_WEAK_PASSWORD', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'wallet.list': def({
    summary: 'List wallets.',
    role: 'public',
    input: z.object({ chain: chainSchema.optional() }),
    output: z.object({ wallets: z.array(wallet) }),
    errors: [],
    mcp: true,
  }),
  'wallet.show': def({
    summary: 'Show one wallet by id or name.',
    role: 'public',
    input: z.object({ wallet: walletRef }),
    output: wallet,
    errors: ['WALLET_NOT_FOUND'],
    mcp: true,
  }),
  'wallet.rename': def({
    summary: 'Rename a wallet.',
    role: 'operator',
    input: z.object({ wallet: walletRef, name: walletName }),
    output: wallet,
    errors: ['WALLET_NOT_FOUND', 'INPUT_INVALID_NAME', 'WALLET_NAME_TAKEN', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'wallet.delete': def({
    summary: 'Delete a wallet and its encrypted key. Irreversible without an export or backup.',
    role: 'operator',
    input: z.object({ wallet: walletRef }),
    output: z.object({ deleted: wallet }),
    errors: ['WALLET_NOT_FOUND', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),

  'balance.get': def({
    summary: "A wallet's balances on one network: the native coin and, on Solana, every token it holds; or one token by address or mint. Without `wallet`, the only wallet there is.",
    role: 'public',
    input: z.object({ wallet: walletRef.optional(), network: z.string().min(1).max(128).optional(), token: z.string().min(1).max(128).optional() }),
    output: z.object({
      wallet,
      network: z.string(),
      balances: z.array(
        z.object({ token: z.string().nullable(), symbol: z.string(), decimals: z.number().int(), amount: z.string(), raw: z.string() }),
      ),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'NETWORK_MISMATCH', 'INPUT_INVALID_ADDRESS', 'CHAIN_RPC_UNREACHABLE', 'CHAIN_ACCOUNT_NOT_FOUND'],
    mcp: true,
  }),

  'tx.simulate': def({
    summary: 'Dry run: build a transfer, token transfer, contract call or approval, estimate its fee and simulate it on the node. Nothing is signed or sent.',
    role: 'public',
    input: z.object({
      wallet: walletRef,
      network: z.string().min(1).max(128),
      to: z.string().min(1).max(128).optional(),
      amount: z.string().max(100).optional(),
      token: z.string().min(1).max(128).optional(),
      /** Contract call: calldata as 0x hex, or `function` (e.g. "transfer(address,uint256)") with `args`. */
      data: z.string().max(128 * 1024).optional(),
      function: z.string().max(1024).optional(),
      args: z.array(z.unknown()).max(64).optional(),
      /** Approval: who may spend `amount` of `token`. */
      spender: z.string().min(1).max(128).optional(),
    }),
    output: z.object({
      kind: z.enum(['native-transfer', 'token-transfer', 'contract-call', 'token-approve']),
      network: z.string(),
      from: z.string(),
      ok: z.boolean(),
      fee: z.object({ max: z.string(), symbol: z.string(), details: z.record(z.string(), z.string()) }),
      error: z.object({ code: z.string(), reason: z.string() }).nullable(),
      logs: z.array(z.string()),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'NETWORK_MISMATCH', 'INPUT_INVALID', 'INPUT_INVALID_ADDRESS', 'INPUT_INVALID_AMOUNT', 'CHAIN_INSUFFICIENT_FUNDS', 'CHAIN_REVERTED', 'CHAIN_RPC_UNREACHABLE'],
    mcp: true,
  }),

  'network.list': def({
    summary: 'List the networks waiaas knows, with their effective RPC URL (credentials redacted) and confirmation depth.',
    role: 'public',
    input: z.object({ family: chainSchema.optional() }),
    output: z.object({ networks: z.array(network) }),
    errors: [],
    mcp: true,
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
    mcp: false,
  }),

  'devnet.start': def({
    summary: 'Start the local playground: anvil and a litesvm-backed Solana RPC on loopback, with evm-local and solana-local pointed at them.',
    role: 'operator',
    input: z.object({}),
    output: devnetInfo,
    errors: ['INTERNAL'],
    mcp: false,
  }),
  'devnet.stop': def({
    summary: 'Stop the local playground (its chain state is discarded).',
    role: 'operator',
    input: z.object({}),
    output: devnetInfo,
    errors: [],
    mcp: false,
  }),
  'devnet.status': def({
    summary: 'Whether the local playground runs, and where.',
    role: 'public',
    input: z.object({}),
    output: devnetInfo,
    errors: [],
    mcp: false,
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
    mcp: false,
  }),

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
    mcp: false,
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
    mcp: false,
  }),
} as const satisfies Record<string, MethodDef>

export type Contract = typeof contract
export type MethodName = keyof Contract
/** What a caller sends (defaults optional). */
export type Input<M extends MethodName> = z.input<Contract[M]['input']>
/** What a handler receives after validation (defaults applied). */
export type Params<M extends MethodName> = z.output<Contract[M]['input']>
export type Output<M extends MethodName> = z.output<Contract[M]['output']>
export type Wallet = z.output<typeof wallet>
export type Network = z.output<typeof network>
export type AuditEntryOut = z.output<typeof auditEntry>

/** Ordering of roles: a caller may call a method whose role is at or below its own. */
export const ROLE_RANK: Record<Role, number> = { public: 0, agent: 1, operator: 2 }

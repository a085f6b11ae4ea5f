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
import { checkDuration, durationGrammar, DURATIONS, type DurationSpec } from './durations.js'
import { PLUGIN_NAMES } from './plugin-names.js'
import { canonicalPolicyType, policyTypeNames } from './policy-fields.js'
import { NOTIFY_KINDS } from './notify-events.js'
import { RULE_TYPES, rulesJsonSchemas } from './rule-schemas.js'

/**
 * Who may call a method. `public`: anyone who can open the owner-only socket (read-only status and listings, and
 * acts that only tighten, like locking); over HTTP every call needs a credential. `agent`: a session token (within
 * the method's `session` access), or the operator. `operator`: the master password only. The operator may call
 * everything; a session only what declares `session` access.
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
  /**
   * Whether, and how, an agent session may call it; absent: a session may not (only the operator, or anyone on the
   * socket for public methods). `permission`: which of the session's permissions it needs. `wallet`: how the
   * wallet it touches is found, so dispatch can check it is one of the session's — `param` (params.wallet; when
   * absent, the session's only wallet), `filter` (params.wallet optional; without it the handler returns only what
   * belongs to the session's wallets), `request` (params.id is a request), `policy` (params.id is a policy), `none`.
   */
  session?: SessionAccess
  /**
   * Changes nothing (no row, no audit entry, no chain write): REST also serves it as GET with its params in the query
   * string, and MCP marks its tool read-only.
   */
  readOnly?: true
}

export const SESSION_PERMISSIONS = ['read', 'send', 'sign'] as const
export type SessionPermission = (typeof SESSION_PERMISSIONS)[number]
export interface SessionAccess {
  permission: SessionPermission
  wallet: 'param' | 'filter' | 'request' | 'policy' | 'none'
}
const READ_NONE: SessionAccess = { permission: 'read', wallet: 'none' }

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
  /** Address whose signature may approve or reject this wallet's requests. */
  owner: z.string().nullable(),
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

/**
 * Whether a local chain goes on from before: `new` (first start, or after `devnet stop`), `resumed` (the same chain,
 * balances kept, across daemon restarts and crashes), `reset` (its state was lost: wallets need `devnet fund` again).
 */
const devnetChainState = z.enum(['new', 'resumed', 'reset'])

const devnetInfo = z.object({
  running: z.boolean(),
  evm: z.object({ network: z.string(), url: z.string(), chainId: z.number().int(), pid: z.number().int(), testToken: z.string().nullable(), state: devnetChainState }).nullable(),
  solana: z.object({ network: z.string(), url: z.string(), wsUrl: z.string(), testToken: z.string().nullable(), state: devnetChainState }).nullable(),
})

const sessionView = z.object({
  id: z.string(),
  name: z.string(),
  wallets: z.array(z.object({ id: z.string(), name: z.string(), chain: chainSchema, address: z.string() })),
  permissions: z.array(z.enum(SESSION_PERMISSIONS)),
  status: z.enum(['active', 'expired', 'revoked']),
  expiresAt: isoTime,
  ttlSeconds: z.number().int(),
  renewals: z.number().int(),
  maxRenewals: z.number().int(),
  /** Daily USD cap on top of the wallets' policies (decimal string), or null. */
  limitUsdPerDay: z.string().nullable(),
  createdAt: isoTime,
  revokedAt: isoTime.nullable(),
  lastUsedAt: isoTime.nullable(),
})

const networkRef = z.string().min(1).max(128).describe('A CAIP-2 network id or an alias (see network list)')
const address = z.string().min(1).max(128)
const amountText = z.string().max(100).describe('A decimal string in whole units, e.g. "0.01"')
const idempotencyKey = z.string().min(1).max(128).describe('The same key never moves funds twice, even across restarts')
const requestId = z.string().min(1).max(64).describe('A transaction request id, as the send, call, approval or signing that made it returned')
const recipient = address.describe('The recipient: an EVM 0x address or a Solana base58 address')
const tokenRef = address.describe('The token: its ERC-20 contract (EVM) or SPL mint (Solana) address')
const spenderRef = address.describe('Who may spend the allowance: an EVM 0x address or a Solana base58 address')
const listLimit = z.number().int().min(1).max(1000).default(50).describe('At most this many, newest first')
/**
 * A policy type: ours in any case, or one of the seed article's names (WHITELIST, CONTRACT_WHITELIST…), read as ours
 * so it is stored and shown under our name. An unknown name passes through for the handler's POLICY_INVALID.
 */
const policyTypeRef = z
  .string()
  .min(1)
  .max(64)
  .describe(`A policy type: ${policyTypeNames()}`)
  .transform((t) => canonicalPolicyType(t) ?? t)

/**
 * A length of time: a number in the field's unit, or a text of the one duration grammar (src/lib/durations.ts), e.g.
 * `"2w"` or `"1.5h"`; the handler always sees the whole number of the unit.
 */
function duration(spec: Omit<DurationSpec, 'field'>, description: string) {
  return z
    .union([z.number(), z.string().max(64)])
    .transform((v, ctx): number => {
      const r = checkDuration(v, spec)
      if (r.ok) return r.value
      ctx.issues.push({ code: 'custom', message: r.reason, input: v, params: { issue: r.issue } })
      return z.NEVER
    })
    .describe(`${description}: ${durationGrammar(spec.plain ?? spec.unit)}`)
}

export const TX_STATES = [
  'pending', 'queued', 'awaiting_approval', 'approved', 'signed', 'submitted', 'confirmed',
  'failed', 'denied', 'cancelled', 'rejected', 'expired', 'replaced',
] as const
export const TIER_NAMES = ['INSTANT', 'NOTIFY', 'DELAY', 'APPROVAL', 'DENY'] as const
/** How `sign.message` frames a message before signing it. */
export const SIGN_MESSAGE_FORMATS = ['raw', 'solana-offchain'] as const
export const REQUEST_KINDS = ['native-transfer', 'token-transfer', 'contract-call', 'token-approve', 'sign-message', 'sign-typed-data', 'sign-tx'] as const
const tier = z.enum(TIER_NAMES)

const ruleRef = z.object({ policyId: z.string(), type: z.string(), version: z.number().int(), field: z.string().nullable() })
const verdict = z.object({
  tier,
  delaySeconds: z.number().int().nullable(),
  rule: ruleRef.nullable(),
  reason: z.string(),
  wouldPass: z.string().nullable(),
})

/** A transaction request as every transport shows it. Amounts are decimal strings in whole units. */
const txRequest = z.object({
  id: z.string(),
  walletId: z.string(),
  walletName: z.string(),
  from: z.string(),
  network: z.string(),
  kind: z.enum(REQUEST_KINDS),
  state: z.enum(TX_STATES),
  tier: tier.nullable(),
  /** Final: nothing more will happen to it. */
  final: z.boolean(),
  to: z.string().nullable(),
  amount: z.string().nullable(),
  token: z.string().nullable(),
  symbol: z.string().nullable(),
  usd: z.string().nullable(),
  /**
   * The fee in the network's native unit: the most it can cost while the transaction is not mined (counted against
   * spending limits like value), what it paid once mined. Null for messages, typed data and rows without one.
   */
  fee: z.string().nullable(),
  decision: z
    .object({ policyRevision: z.number().int(), reason: z.string(), rule: ruleRef.nullable(), wouldPass: z.string().nullable(), delaySeconds: z.number().int().nullable() })
    .nullable(),
  /** When a DELAY comes due. */
  executeAt: isoTime.nullable(),
  /** When an APPROVAL request expires. */
  expiresAt: isoTime.nullable(),
  txHash: z.string().nullable(),
  /** Sign-only requests: the signature (messages) or the signed raw transaction (sign tx). */
  signature: z.string().nullable(),
  error: z.object({ code: z.string(), reason: z.string() }).nullable(),
  idempotencyKey: z.string().nullable(),
  contentHash: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
})

const policy = z.object({
  id: z.string(),
  scope: z.enum(['global', 'wallet', 'wallet-network']),
  walletId: z.string().nullable(),
  walletName: z.string().nullable(),
  network: z.string().nullable(),
  type: z.string(),
  rules: z.record(z.string(), z.unknown()),
  version: z.number().int(),
  enabled: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
})

const killSwitch = z.object({ on: z.boolean(), since: isoTime.nullable(), actor: z.string().nullable(), reason: z.string().nullable() })

/** The fields that describe what a request does; shared by send, call, approve and `policy test`. */
const txFields = {
  wallet: walletRef,
  network: networkRef,
  to: address.optional().describe('The recipient of a transfer, or the contract of a call (an EVM 0x address or a Solana base58 address)'),
  amount: amountText.optional().describe('The amount of a transfer or approval, or the native value sent with a call: a decimal string in whole units, e.g. "0.01"'),
  token: tokenRef.optional().describe('A token transfer or approval: the ERC-20 contract or SPL mint; without it, the native coin'),
  /** Contract call: calldata as 0x hex, or `function` (e.g. "transfer(address,uint256)") with `args`. */
  data: z.string().max(128 * 1024).optional().describe('A contract call: its calldata as 0x hex (or give function and args instead)'),
  function: z.string().max(1024).optional().describe('A contract call: a function signature such as "transfer(address,uint256)", encoded with args (instead of data)'),
  args: z
    .array(z.unknown().describe('One argument: a string, number, boolean or array as its ABI type takes it (large integers as decimal strings)'))
    .max(64)
    .optional()
    .describe('The arguments of function, in order'),
  /** Approval: who may spend `amount` of `token`. */
  spender: spenderRef.optional().describe('An approval: who may spend amount of token'),
}
const typedDataInput = z
  .union([z.string().max(64 * 1024), z.record(z.string(), z.unknown())])
  .describe('EIP-712 typed data as eth_signTypedData_v4 takes it: the object with types, primaryType, domain and message, or its JSON text')
/** A policy type as advertised: ours only. The daemon decides what it accepts (and says so, with the list). */
const policyType = policyTypeRef.meta({ enum: RULE_TYPES, description: 'The policy type; rules take the shape of the rules branch titled with it' })
/** Rules as advertised: one branch per type, titled with it. The daemon validates them (POLICY_INVALID names the field). */
const policyRules = z.unknown().meta({
  description: 'The rules of a policy of the given type: an object shaped as the branch whose title is that type (each field is described there)',
  anyOf: rulesJsonSchemas(),
})
const SEND_ERRORS = [
  'WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'NETWORK_MISMATCH', 'INPUT_INVALID_ADDRESS', 'INPUT_INVALID_AMOUNT', 'POLICY_DENIED',
  'IDEMPOTENCY_CONFLICT', 'KILL_SWITCH_ON', 'KEYSTORE_LOCKED', 'CHAIN_INSUFFICIENT_FUNDS', 'CHAIN_RPC_UNREACHABLE', 'AUDIT_WRITE_FAILED',
] as const satisfies readonly ErrorCode[]

/** The optional HTTP plugins; both share one HTTP server (its address is the rest plugin's host and port). */
export { PLUGIN_NAMES, type PluginName } from './plugin-names.js'
const pluginStatus = z.object({
  name: z.enum(PLUGIN_NAMES),
  enabled: z.boolean(),
  /** The configured address of the shared HTTP server (port 0: any free port). */
  host: z.string(),
  port: z.number().int(),
  allowNonLoopback: z.boolean(),
  /** Where it serves, e.g. `http://127.0.0.1:3100/v1`; null when it is off or failed to start. */
  listening: z.string().nullable(),
  /** Why an enabled plugin is not serving (e.g. the port was taken at start). */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
})

const kdfSummary = z.object({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int() })

/** A notification channel as shown: where it goes with secrets redacted, which secrets it holds (never their values). */
const notifyChannel = z.object({
  id: z.string(),
  kind: z.enum(NOTIFY_KINDS),
  name: z.string(),
  /** The event filter; null: every event. */
  events: z.array(z.string()).nullable(),
  /** Where it delivers, secret parts replaced by "…" (a Slack or Discord webhook URL is itself a secret). */
  target: z.string(),
  chatId: z.string().nullable(),
  /** Telegram: the user whose button presses approve or reject; null: no buttons. */
  approverUserId: z.string().nullable(),
  /** Names of the secrets stored sealed for it, e.g. ["url", "secret"]; their values are never returned. */
  secrets: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: isoTime,
  queued: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  /** Consecutive failed attempts of the channel, and when it is tried again (null: not backing off). */
  failures: z.number().int(),
  retryAt: isoTime.nullable(),
})
const notifyDelivery = z.object({
  id: z.number().int(),
  channel: z.string(),
  channelName: z.string().nullable(),
  eventId: z.string(),
  event: z.string(),
  state: z.enum(['queued', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: isoTime.nullable(),
  createdAt: isoTime,
  deliveredAt: isoTime.nullable(),
})
const notifySecret = z.string().min(1).max(4096)

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
      /** The HTTP plugins: enabled or not, where they listen, why not. */
      plugins: z.array(pluginStatus),
    }),
    errors: [],
    mcp: true,
    session: READ_NONE,
    readOnly: true,
  }),
  'system.shutdown': def({
    summary: 'Stop the daemon: finish in-flight calls, wipe keys, close the database, remove the socket and pid file.',
    role: 'public',
    input: z.object({}),
    output: z.object({ stopping: z.literal(true), pid: z.number().int() }),
    errors: [],
    mcp: false,
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
    mcp: false,
    readOnly: true,
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
    errors: ['INPUT_INVALID_NAME', 'WALLET_NAME_TAKEN', 'OWNER_HELD_BY_DAEMON', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'wallet.import': def({
    summary:
      'Import a wallet from a private key (EVM hex; Solana base58 as Phantom exports it, or keypair JSON), keystore v3, ' +
      "Solana keypair file, or BIP-39 mnemonic with an optional passphrase on the standard path of account `index` or on " +
      "`derivationPath` (Solana `none`: solana-keygen's default, the seed's first 32 bytes).",
    role: 'operator',
    input: z.object({
      chain: chainSchema,
      format: z.enum(['private-key', 'keystore', 'mnemonic', 'keypair']),
      secret: z.string().min(1).max(64 * 1024),
      keystorePassword: password.optional(),
      index: z.number().int().min(0).max(2 ** 31 - 1).default(0),
      /** Mnemonic only: a BIP-32 path instead of account `index`'s standard one, or `none` (Solana). */
      derivationPath: z.string().min(1).max(256).optional(),
      /** Mnemonic only: the BIP-39 passphrase. */
      passphrase: z.string().min(1).max(1024).optional(),
      name: walletName.optional(),
    }),
    output: wallet,
    errors: ['INPUT_INVALID', 'INPUT_INVALID_KEY_FILE', 'INPUT_INVALID_NAME', 'WALLET_NAME_TAKEN', 'WALLET_DUPLICATE', 'AUTH_BAD_PASSWORD', 'OWNER_HELD_BY_DAEMON', 'AUDIT_WRITE_FAILED'],
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
    input: z.object({ chain: chainSchema.optional().describe('Only the wallets of this chain') }),
    output: z.object({ wallets: z.array(wallet) }),
    errors: [],
    mcp: true,
    session: { permission: 'read', wallet: 'filter' },
    readOnly: true,
  }),
  'wallet.show': def({
    summary: 'Show one wallet by id or name.',
    role: 'public',
    input: z.object({ wallet: walletRef }),
    output: wallet,
    errors: ['WALLET_NOT_FOUND'],
    mcp: true,
    session: { permission: 'read', wallet: 'param' },
    readOnly: true,
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
    input: z.object({
      wallet: walletRef.optional().describe('A wallet id or its unique name; without it, the only wallet there is'),
      network: z.string().min(1).max(128).optional().describe('A CAIP-2 network id or an alias (see network list); without it, the local network while the devnet runs'),
      token: z.string().min(1).max(128).optional().describe('Only this token: its ERC-20 contract or SPL mint address'),
    }),
    output: z.object({
      wallet,
      network: z.string(),
      balances: z.array(
        z.object({ token: z.string().nullable(), symbol: z.string(), decimals: z.number().int(), amount: z.string(), raw: z.string() }),
      ),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'NETWORK_MISMATCH', 'INPUT_INVALID_ADDRESS', 'CHAIN_RPC_UNREACHABLE', 'CHAIN_ACCOUNT_NOT_FOUND'],
    mcp: true,
    session: { permission: 'read', wallet: 'param' },
    readOnly: true,
  }),

  'tx.simulate': def({
    summary: 'Dry run: build a transfer, token transfer, contract call or approval, estimate its fee and simulate it on the node. Nothing is signed or sent.',
    role: 'public',
    input: z.object(txFields),
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
    session: { permission: 'read', wallet: 'param' },
    readOnly: true,
  }),

  'tx.send': def({
    summary: 'Send native coins or a token. Policy-checked: returns the request with its tier and state (submitted, queued, awaiting_approval…).',
    role: 'agent',
    input: z.object({
      wallet: walletRef,
      network: networkRef,
      to: recipient,
      amount: amountText,
      token: tokenRef.optional().describe('A token transfer: the ERC-20 contract or SPL mint; without it, the native coin'),
      idempotencyKey: idempotencyKey.optional(),
    }),
    output: txRequest,
    errors: SEND_ERRORS,
    mcp: true,
    session: { permission: 'send', wallet: 'param' },
  }),
  'tx.call': def({
    summary: 'Call a contract (EVM): calldata, or a function signature with args, and an optional native value. The decoded calldata is what the policy checks.',
    role: 'agent',
    input: z.object({
      wallet: walletRef,
      network: networkRef,
      to: address.describe('The contract to call (0x address)'),
      data: txFields.data,
      function: txFields.function,
      args: txFields.args,
      amount: amountText.optional().describe('Native value sent with the call: a decimal string in whole units, e.g. "0.01" (default 0)'),
      idempotencyKey: idempotencyKey.optional(),
    }),
    output: txRequest,
    errors: [...SEND_ERRORS, 'INPUT_INVALID', 'CHAIN_REVERTED'],
    mcp: true,
    session: { permission: 'send', wallet: 'param' },
  }),
  'tx.tokenApprove': def({
    summary: 'Approve a spender for an amount of a token (ERC-20 approve, SPL approve). Unlimited approvals are denied unless a policy allows them.',
    role: 'agent',
    input: z.object({
      wallet: walletRef,
      network: networkRef,
      token: tokenRef,
      spender: spenderRef,
      amount: amountText.describe('The allowance: a decimal string in whole token units, e.g. "100"'),
      idempotencyKey: idempotencyKey.optional(),
    }),
    output: txRequest,
    errors: SEND_ERRORS,
    mcp: true,
    session: { permission: 'send', wallet: 'param' },
  }),
  'sign.message': def({
    summary:
      'Sign a message (EIP-191 personal_sign on EVM; on Solana the raw bytes, or with format solana-offchain the off-chain message format), if SIGNING_RULES allow it. Solana bytes that read as a transaction message and any text containing a waiaas approval message are refused.',
    role: 'agent',
    input: z.object({
      wallet: walletRef,
      network: networkRef.optional().describe('A CAIP-2 network id or an alias whose policies apply (see network list); without it, the chain\'s main network (Ethereum or Solana mainnet)'),
      message: z.string().max(64 * 1024).describe('The message: text, or 0x hex bytes with encoding hex'),
      encoding: z.enum(['utf8', 'hex']).default('utf8').describe('How message is written: utf8 text or hex bytes'),
      format: z
        .enum(SIGN_MESSAGE_FORMATS)
        .default('raw')
        .describe('raw: the bytes as given (EVM: always EIP-191); solana-offchain: framed as `solana sign-offchain-message` does ("\\xffsolana offchain", version 0), never a transaction'),
    }),
    output: txRequest,
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'INPUT_INVALID', 'POLICY_DENIED', 'SIGN_MESSAGE_IS_TRANSACTION', 'SIGN_MESSAGE_IS_APPROVAL', 'KILL_SWITCH_ON', 'KEYSTORE_LOCKED', 'AUDIT_WRITE_FAILED'],
    mcp: true,
    session: { permission: 'sign', wallet: 'param' },
  }),
  'sign.typedData': def({
    summary: 'Sign EIP-712 typed data (eth_signTypedData_v4 JSON), if SIGNING_RULES allow its domain. A signed permit can move funds.',
    role: 'agent',
    input: z.object({
      wallet: walletRef,
      network: networkRef.optional().describe('A CAIP-2 network id or an alias whose policies apply (see network list); without it, the chain\'s main network (Ethereum or Solana mainnet)'),
      typedData: typedDataInput,
    }),
    output: txRequest,
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'INPUT_INVALID', 'POLICY_DENIED', 'KILL_SWITCH_ON', 'KEYSTORE_LOCKED', 'AUDIT_WRITE_FAILED'],
    mcp: true,
    session: { permission: 'sign', wallet: 'param' },
  }),
  'sign.tx': def({
    summary: 'Policy-check and sign a transaction the caller broadcasts itself: EVM unsigned tx (hex or JSON), Solana base64 transaction or message.',
    role: 'agent',
    input: z.object({
      wallet: walletRef,
      network: networkRef,
      transaction: z
        .union([z.string().max(128 * 1024), z.record(z.string(), z.unknown())])
        .describe('The unsigned transaction: EVM as hex or a JSON object (to, value, data, nonce, gasLimit, maxFeePerGas…); Solana as a base64 transaction or message'),
      idempotencyKey: idempotencyKey.optional(),
    }),
    output: txRequest,
    errors: [...SEND_ERRORS, 'INPUT_INVALID'],
    mcp: true,
    session: { permission: 'sign', wallet: 'param' },
  }),
  'tx.list': def({
    summary: 'List transaction requests, newest first.',
    role: 'public',
    input: z.object({
      wallet: walletRef.optional().describe('Only the requests of this wallet (id or name)'),
      state: z.enum(TX_STATES).optional().describe('Only the requests in this state'),
      limit: listLimit,
      before: requestId.optional().describe('Only the requests made before this one (its id), to page through older ones'),
    }),
    output: z.object({ requests: z.array(txRequest) }),
    errors: ['WALLET_NOT_FOUND'],
    mcp: true,
    session: { permission: 'read', wallet: 'filter' },
    readOnly: true,
  }),
  'tx.show': def({
    summary: 'Show one transaction request.',
    role: 'public',
    input: z.object({ id: requestId }),
    output: txRequest,
    errors: ['TX_NOT_FOUND'],
    mcp: true,
    session: { permission: 'read', wallet: 'request' },
    readOnly: true,
  }),
  'tx.wait': def({
    summary: 'Wait until a request reaches a final state (confirmed, failed, rejected…) or the timeout passes, then show it: final or not, it is returned as it is then.',
    role: 'public',
    input: z.object({
      id: requestId,
      timeoutMs: duration(
        { unit: 'ms', min: 0, max: 600_000 },
        'How long to wait at most, in milliseconds (0 to 600000). Clients that give up on a call after a while (often 60 s) wait in shorter slices and call again',
      ).default(30_000),
    }),
    output: txRequest,
    errors: ['TX_NOT_FOUND'],
    mcp: true,
    session: { permission: 'read', wallet: 'request' },
    readOnly: true,
  }),
  'tx.approve': def({
    summary: 'Approve a request that awaits approval (operator).',
    role: 'operator',
    input: z.object({ id: requestId }),
    output: txRequest,
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'tx.reject': def({
    summary: 'Reject a request that awaits approval or waits out a delay (operator); its reservation is released.',
    role: 'operator',
    input: z.object({ id: requestId, reason: z.string().max(500).optional() }),
    output: txRequest,
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'tx.approvalMessage': def({
    summary: "The canonical message the wallet's owner signs to approve or reject a request: binds its id, content hash, policy revision, expiry and a single-use nonce.",
    role: 'public',
    input: z.object({ id: requestId, decision: z.enum(['approve', 'reject']).default('approve') }),
    output: z.object({ message: z.string(), owner: z.string(), expiresAt: isoTime }),
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'OWNER_NOT_SET', 'OWNER_HELD_BY_DAEMON'],
    mcp: false,
  }),
  'tx.ownerDecide': def({
    summary: "Approve or reject a request with the owner's signature over its approval message. Single use.",
    role: 'public',
    input: z.object({ id: requestId, message: z.string().max(4096), signature: z.string().min(1).max(512) }),
    output: txRequest,
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'APPROVAL_INVALID', 'OWNER_NOT_SET', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'tx.approvalLink': def({
    summary:
      "A one-time link to the approval page, served by the REST plugin: the wallet's owner sees the decoded request and approves or rejects it by signing with their own wallet. It expires with the request, or after an hour.",
    role: 'operator',
    input: z.object({ id: requestId }),
    output: z.object({ url: z.string(), expiresAt: isoTime }),
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'OWNER_NOT_SET', 'OWNER_HELD_BY_DAEMON', 'APPROVAL_LINK_UNAVAILABLE', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'tx.cancel': def({
    summary: 'Cancel a request: one not signed yet (queued, awaiting approval, approved) at once; a broadcast EVM transaction by replacement (a 0-value transfer to itself with the same nonce and higher fees), cancelled when that lands. Its reservation is released.',
    role: 'agent',
    input: z.object({ id: requestId }),
    output: txRequest,
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'AUDIT_WRITE_FAILED'],
    mcp: true,
    session: { permission: 'send', wallet: 'request' },
  }),
  'tx.speedUp': def({
    summary: 'Replace a submitted EVM transaction with the same nonce and higher fees (within FEE_CAP).',
    role: 'operator',
    input: z.object({ id: requestId, bumpPercent: z.number().int().min(10).max(500).default(20) }),
    output: txRequest,
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'POLICY_DENIED', 'KILL_SWITCH_ON', 'CHAIN_RPC_UNREACHABLE', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),

  'policy.add': def({
    summary: 'Add a policy: global, for a wallet, or for a wallet on one network. Rules are validated; the policy revision is bumped. An agent session may add only policies that restrict (POLICY_NOT_STRICTER otherwise).',
    role: 'agent',
    input: z.object({
      wallet: walletRef.optional().describe('The wallet it applies to (id or name); give this or global'),
      network: networkRef.optional().describe('Only on this network (a CAIP-2 id or an alias); needs wallet'),
      global: z.boolean().default(false).describe('Apply to every wallet (instead of wallet)'),
      type: policyType,
      rules: policyRules,
    }),
    output: z.object({ policy, revision: z.number().int() }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'POLICY_INVALID', 'POLICY_NOT_STRICTER', 'AUDIT_WRITE_FAILED'],
    mcp: true,
    session: { permission: 'read', wallet: 'param' },
  }),
  'policy.list': def({
    summary: 'List policies (all, or those that apply to one wallet) and the current policy revision.',
    role: 'public',
    input: z.object({
      wallet: walletRef.optional().describe('Only the policies that apply to this wallet (id or name)'),
      type: policyTypeRef.optional().describe('Only the policies of this type, e.g. SPENDING_LIMIT (or one of the seed article\'s names)'),
    }),
    output: z.object({ policies: z.array(policy), revision: z.number().int() }),
    errors: ['WALLET_NOT_FOUND'],
    mcp: true,
    session: { permission: 'read', wallet: 'filter' },
    readOnly: true,
  }),
  'policy.show': def({
    summary: 'Show one policy with every version of it (the current one last).',
    role: 'public',
    input: z.object({ id: z.string().min(1).max(64).describe('A policy id (see policy list)') }),
    output: z.object({ policy, history: z.array(z.object({ version: z.number().int(), rules: z.record(z.string(), z.unknown()), enabled: z.boolean(), revision: z.number().int(), at: isoTime, actor: z.string() })) }),
    errors: ['POLICY_NOT_FOUND'],
    mcp: true,
    session: { permission: 'read', wallet: 'policy' },
    readOnly: true,
  }),
  'policy.update': def({
    summary: "Replace a policy's rules and/or enable or disable it; its version and the policy revision are bumped.",
    role: 'operator',
    input: z.object({ id: z.string().min(1).max(64), rules: z.unknown().optional(), enabled: z.boolean().optional() }),
    output: z.object({ policy, revision: z.number().int() }),
    errors: ['POLICY_NOT_FOUND', 'POLICY_INVALID', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'policy.remove': def({
    summary: 'Remove a policy (its history stays for the audit trail).',
    role: 'operator',
    input: z.object({ id: z.string().min(1).max(64) }),
    output: z.object({ removed: policy, revision: z.number().int() }),
    errors: ['POLICY_NOT_FOUND', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'policy.test': def({
    summary: 'Which tier a request would get, which rule decided, and what would change the outcome. Nothing is signed or reserved.',
    role: 'public',
    input: z.object({
      ...txFields,
      message: z.string().max(64 * 1024).optional().describe('A message signing to test (instead of a transfer or call)'),
      typedData: typedDataInput.optional().describe('A typed-data signing to test (eth_signTypedData_v4 JSON, object or text)'),
    }),
    output: z.object({
      tier,
      delaySeconds: z.number().int().nullable(),
      decisive: verdict,
      verdicts: z.array(verdict),
      policyRevision: z.number().int(),
      usd: z.string().nullable(),
      /** The most the transaction's fee can cost, in the native unit (counted with the value); null when unknown or none. */
      maxFee: z.string().nullable(),
      policies: z.array(z.string()),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'NETWORK_MISMATCH', 'INPUT_INVALID', 'INPUT_INVALID_ADDRESS', 'INPUT_INVALID_AMOUNT', 'CHAIN_RPC_UNREACHABLE'],
    mcp: true,
    session: { permission: 'read', wallet: 'param' },
    readOnly: true,
  }),

  'killswitch.on': def({
    summary: 'Stop all signing at once: nothing is signed or broadcast, queued work is held. Anyone with socket access may turn it on.',
    role: 'public',
    input: z.object({ reason: z.string().max(500).optional() }),
    output: killSwitch,
    errors: ['AUDIT_WRITE_FAILED'],
    mcp: false,
    session: READ_NONE,
  }),
  'killswitch.off': def({
    summary: 'Resume signing (operator); held work continues.',
    role: 'operator',
    input: z.object({}),
    output: killSwitch,
    errors: ['AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'killswitch.status': def({
    summary: 'Whether the kill switch is on.',
    role: 'public',
    input: z.object({}),
    output: killSwitch,
    errors: [],
    mcp: true,
    session: READ_NONE,
    readOnly: true,
  }),
  'wallet.setOwner': def({
    summary: "Set (or clear, with null) the wallet's owner address, whose signature may approve or reject its requests. The owner is never a key this daemon holds (OWNER_HELD_BY_DAEMON).",
    role: 'operator',
    input: z.object({ wallet: walletRef, owner: address.nullable() }),
    output: wallet,
    errors: ['WALLET_NOT_FOUND', 'INPUT_INVALID_ADDRESS', 'OWNER_HELD_BY_DAEMON', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),

  'network.list': def({
    summary: 'List the networks waiaas knows, with their effective RPC URL (credentials redacted) and confirmation depth.',
    role: 'public',
    input: z.object({ family: chainSchema.optional().describe('Only the networks of this chain family') }),
    output: z.object({ networks: z.array(network) }),
    errors: [],
    mcp: true,
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
    mcp: false,
  }),

  'devnet.start': def({
    summary: 'Start the local playground: anvil and a litesvm-backed Solana RPC on loopback, with evm-local and solana-local pointed at them. Both chains keep their state until `devnet stop`, across daemon restarts and crashes.',
    role: 'operator',
    input: z.object({}),
    output: devnetInfo,
    errors: ['INTERNAL', 'INPUT_FILE_SYMLINK'],
    mcp: false,
  }),
  'devnet.stop': def({
    summary: 'Stop the local playground and discard its chains\' state (the next start is a new chain).',
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
    mcp: false,
    readOnly: true,
  }),

  'session.create': def({
    summary: 'Create an agent session: its wallets, permissions, expiry, renewals and optional daily USD cap. The token is returned once; only its hash is kept.',
    role: 'operator',
    input: z.object({
      wallets: z.array(walletRef).min(1).max(32),
      name: z.string().min(1).max(64).optional(),
      ttlSeconds: duration(DURATIONS.sessionTtl, 'How long the session lives between renewals, from 1m to 30d').default(86_400),
      maxRenewals: z.number().int().min(0).max(1000).default(0),
      permissions: z.array(z.enum(SESSION_PERMISSIONS)).min(1).max(3).default(['read', 'send', 'sign']),
      limitUsdPerDay: amountText.optional(),
    }),
    output: z.object({ session: sessionView, token: z.string() }),
    errors: ['WALLET_NOT_FOUND', 'INPUT_INVALID_AMOUNT', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'session.list': def({
    summary: 'List sessions (never their tokens), newest first.',
    role: 'operator',
    input: z.object({}),
    output: z.object({ sessions: z.array(sessionView) }),
    errors: [],
    mcp: false,
    readOnly: true,
  }),
  'session.revoke': def({
    summary: 'Revoke a session: its token is refused from now on.',
    role: 'operator',
    input: z.object({ id: z.string().min(1).max(64) }),
    output: sessionView,
    errors: ['SESSION_NOT_FOUND', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'session.renew': def({
    summary: 'Renew a session for another TTL, within its renewals. A session renews itself (no id); the operator renews any by id.',
    role: 'agent',
    input: z.object({ id: z.string().min(1).max(64).optional().describe('The session to renew (the operator names one); a session renews itself without it') }),
    output: sessionView,
    errors: ['SESSION_NOT_FOUND', 'SESSION_RENEWAL_LIMIT', 'AUDIT_WRITE_FAILED'],
    mcp: true,
    session: READ_NONE,
  }),
  'session.whoami': def({
    summary: "This session's scope: its wallets, permissions, expiry, renewals left and daily cap.",
    role: 'agent',
    input: z.object({}),
    output: sessionView,
    errors: [],
    mcp: true,
    session: READ_NONE,
    readOnly: true,
  }),

  'plugin.list': def({
    summary: 'The HTTP plugins (rest, mcp-http): whether each is enabled, where it listens, and why not when it failed.',
    role: 'public',
    input: z.object({}),
    output: z.object({ plugins: z.array(pluginStatus) }),
    errors: [],
    mcp: false,
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
    mcp: false,
  }),
  'plugin.disable': def({
    summary: 'Disable an HTTP plugin now and at every start; the server stops when no plugin needs it.',
    role: 'operator',
    input: z.object({ name: z.string().min(1).max(32) }),
    output: pluginStatus,
    errors: ['PLUGIN_UNKNOWN', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),

  'incoming.list': def({
    summary: 'Incoming transfers (native and any token) the monitor found for the wallets on watched networks, newest first. Each is reported once.',
    role: 'public',
    input: z.object({
      wallet: walletRef.optional().describe('Only the transfers to this wallet (id or name)'),
      network: networkRef.optional().describe('Only the transfers on this network (a CAIP-2 id or an alias)'),
      /** ISO 8601 time: only transfers detected at or after it. */
      since: isoTime.max(64).optional().describe('An ISO 8601 time: only the transfers detected at or after it'),
      limit: listLimit,
    }),
    output: z.object({
      transfers: z.array(
        z.object({
          id: z.string(),
          walletId: z.string(),
          /** null when the wallet has been deleted since. */
          walletName: z.string().nullable(),
          network: z.string(),
          /** 'native', or the token contract (EVM) / mint (Solana). */
          asset: z.string(),
          symbol: z.string().nullable(),
          decimals: z.number().int().nullable(),
          /** Decimal string in whole units; null when the token's decimals are unknown (then see raw). */
          amount: z.string().nullable(),
          /** Minor units, exact. */
          raw: z.string(),
          from: z.string().nullable(),
          tx: z.string(),
          /** Block number (EVM) or slot (Solana). */
          block: z.number().int(),
          blockTime: isoTime.nullable(),
          detectedAt: isoTime,
        }),
      ),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'INPUT_INVALID'],
    mcp: true,
    session: { permission: 'read', wallet: 'filter' },
    readOnly: true,
  }),
  'incoming.status': def({
    summary: 'What the monitor watches (the operator\'s networks, and the local ones while the devnet runs), how far each is scanned, and the low-balance thresholds.',
    role: 'public',
    input: z.object({}),
    output: z.object({
      intervalMs: z.number().int(),
      watching: z.array(
        z.object({
          network: z.string(),
          name: z.string(),
          source: z.enum(['operator', 'devnet']),
          /** Every wallet is scanned through this block (EVM) or slot (Solana); null before the first scan. */
          scannedThrough: z.number().int().nullable(),
          scans: z.number().int(),
          lastScanAt: isoTime.nullable(),
          lastError: z.object({ code: z.string(), message: z.string(), at: isoTime }).nullable(),
        }),
      ),
      lowBalance: z.array(
        z.object({
          walletId: z.string(),
          walletName: z.string().nullable(),
          network: z.string(),
          symbol: z.string(),
          threshold: z.string(),
          /** An alert was raised and the balance has not come back up since. */
          low: z.boolean(),
          balance: z.string().nullable(),
          checkedAt: isoTime.nullable(),
        }),
      ),
    }),
    errors: [],
    mcp: false,
    readOnly: true,
  }),
  'incoming.watch': def({
    summary: 'Watch a network for incoming transfers to every wallet of its chain, from its current confirmed head on (operator).',
    role: 'operator',
    input: z.object({ network: networkRef }),
    output: z.object({ network: z.string(), name: z.string(), watched: z.boolean(), changed: z.boolean() }),
    errors: ['NETWORK_UNKNOWN', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'incoming.unwatch': def({
    summary: "Stop watching a network (operator); its scan cursors are dropped, so watching it again starts at its head. The devnet's local networks are watched while it runs.",
    role: 'operator',
    input: z.object({ network: networkRef }),
    output: z.object({ network: z.string(), name: z.string(), watched: z.boolean(), changed: z.boolean() }),
    errors: ['NETWORK_UNKNOWN', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'incoming.setLowBalance': def({
    summary: "Raise one low-balance alert when the wallet's native balance on a network falls below a threshold (whole units; null removes it). Checked after each scan of a watched network (operator).",
    role: 'operator',
    input: z.object({ wallet: walletRef, network: networkRef, threshold: amountText.nullable() }),
    output: z.object({
      walletId: z.string(),
      walletName: z.string(),
      network: z.string(),
      symbol: z.string(),
      threshold: z.string().nullable(),
      /** Whether the network is watched now (thresholds are checked only on watched networks). */
      watched: z.boolean(),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'NETWORK_MISMATCH', 'INPUT_INVALID_AMOUNT', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),

  'notify.add': def({
    summary:
      'Add a notification channel: webhook (url, secret: signed per Standard Webhooks), telegram (botToken, chatId, userId: the approver, for Approve/Reject buttons), ' +
      'slack or discord (url: the incoming-webhook URL), ntfy (server, topic, token?). events filters what it receives (default all). Secrets are stored sealed and never returned.',
    role: 'operator',
    input: z.object({
      kind: z.enum(NOTIFY_KINDS),
      name: z.string().min(1).max(64).optional(),
      events: z.array(z.string().max(64)).max(32).optional(),
      url: notifySecret.optional(),
      secret: notifySecret.optional(),
      botToken: notifySecret.optional(),
      chatId: z.string().min(1).max(64).optional(),
      userId: z.string().min(1).max(32).optional(),
      server: z.string().min(1).max(2048).optional(),
      topic: z.string().min(1).max(128).optional(),
      token: notifySecret.optional(),
    }),
    output: notifyChannel,
    errors: ['NOTIFY_INVALID', 'NOTIFY_URL_REFUSED', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'notify.list': def({
    summary: 'List notification channels, with their secrets redacted, filters and delivery counts.',
    role: 'operator',
    input: z.object({}),
    output: z.object({ channels: z.array(notifyChannel) }),
    errors: [],
    mcp: false,
    readOnly: true,
  }),
  'notify.remove': def({
    summary: 'Remove a notification channel (by id or name); what is still queued for it is dropped, the delivery log stays.',
    role: 'operator',
    input: z.object({ id: z.string().min(1).max(64) }),
    output: notifyChannel,
    errors: ['NOTIFY_CHANNEL_NOT_FOUND', 'AUDIT_WRITE_FAILED'],
    mcp: false,
  }),
  'notify.test': def({
    summary: 'Send a test notification to one channel now and report what its receiver answered (HTTP status).',
    role: 'operator',
    input: z.object({ id: z.string().min(1).max(64) }),
    output: z.object({ channel: z.string(), ok: z.boolean(), status: z.number().int().nullable(), error: z.string().nullable() }),
    errors: ['NOTIFY_CHANNEL_NOT_FOUND'],
    mcp: false,
  }),
  'notify.deliveries': def({
    summary: 'The delivery log, newest first: each event sent to each channel, its attempts, last status and error (secret-free).',
    role: 'operator',
    input: z.object({ limit: z.number().int().min(1).max(1000).default(50), channel: z.string().min(1).max(64).optional() }),
    output: z.object({ deliveries: z.array(notifyDelivery) }),
    errors: ['NOTIFY_CHANNEL_NOT_FOUND'],
    mcp: false,
    readOnly: true,
  }),
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
    mcp: false,
  }),
} as const satisfies Record<string, MethodDef>

/**
 * The shared result types by the name clients know them by: the REST plugin's OpenAPI document publishes each as
 * `components/schemas/<name>` (a generated client gets `TxRequest`, `Wallet`, …). Per-method inputs and results are
 * named after their method there (`tx.send` → `TxSendInput`); only types shared by several methods are listed here.
 */
export const NAMED_SCHEMAS = {
  Wallet: wallet,
  TxRequest: txRequest,
  Policy: policy,
  Session: sessionView,
  Network: network,
  AuditEntry: auditEntry,
  KillSwitch: killSwitch,
  PluginStatus: pluginStatus,
  NotifyChannel: notifyChannel,
  NotifyDelivery: notifyDelivery,
  DevnetInfo: devnetInfo,
  Verdict: verdict,
  RuleRef: ruleRef,
  Kdf: kdfSummary,
} as const satisfies Record<string, z.ZodType>

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
export type TxRequestView = z.output<typeof txRequest>
export type PolicyView = z.output<typeof policy>
export type SessionView = z.output<typeof sessionView>
export type PluginStatus = z.output<typeof pluginStatus>
export type NotifyChannelView = z.output<typeof notifyChannel>
export type NotifyDeliveryView = z.output<typeof notifyDelivery>
export type TxState = (typeof TX_STATES)[number]
export type RequestKind = (typeof REQUEST_KINDS)[number]


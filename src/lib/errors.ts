/**
 * One error class for every layer, with stable string codes. Codes are append-only: never rename or reuse one.
 * Each code maps to a process exit code, a JSON-RPC error code, an HTTP status, how MCP shows it and a default hint
 * in one table, so the CLI, the socket server, the REST plugin and MCP all report the same failure the same way.
 */

/** Documented process exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  daemonUnavailable: 3,
  denied: 4,
  waiting: 5,
  auth: 6,
  notFound: 7,
  conflict: 8,
  /** The chain's node could not be reached or refused service (rate limit): retrying later may work unchanged. */
  chainUnavailable: 9,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/**
 * How an MCP tool call shows a failure (MCP 2025-11-25, "Error Handling"). `result`: a tool result with
 * `isError: true`, a readable text and the error's payload as `structuredContent`, for everything the model can read
 * and act on: a denial, a session out of scope, insufficient funds, and bad arguments too (input validation errors
 * are tool execution errors, so the model can correct them). `protocol`: a JSON-RPC error with this code, for what no
 * tool result can carry (a tool that does not exist).
 */
export type McpShape = { readonly as: 'result' } | { readonly as: 'protocol'; readonly code: number }

const MCP_RESULT: McpShape = { as: 'result' }
/** JSON-RPC's "Invalid params", which MCP answers for an unknown tool. */
const MCP_INVALID_PARAMS: McpShape = { as: 'protocol', code: -32602 }

interface CodeInfo {
  exit: ExitCode
  /** JSON-RPC 2.0 error code used on the socket. */
  rpc: number
  /** HTTP status of the REST plugin, the approval page and MCP over HTTP. */
  http: number
  hint: string
  /** How MCP (stdio and HTTP) shows it. */
  mcp: McpShape
}

const row = (exit: ExitCode, rpc: number, http: number, hint: string, mcp: McpShape = MCP_RESULT): CodeInfo => ({ exit, rpc, http, hint, mcp })

/** The error-code table. Append only. */
export const ERROR_CODES = {
  INTERNAL: row(EXIT.error, -32603, 500, 'This is a bug in waiaas; the daemon log (`waiaas daemon logs`) has details.'),
  USAGE: row(EXIT.usage, -32602, 400, 'Run the command with --help to see its flags.'),
  CONFIRMATION_REQUIRED: row(EXIT.usage, -32602, 400, 'Pass --yes to confirm, or run it on a terminal to be asked.'),

  RPC_PARSE_ERROR: row(EXIT.error, -32700, 400, 'Each frame must be one JSON object followed by a newline.'),
  RPC_INVALID_REQUEST: row(EXIT.error, -32600, 400, 'Send a JSON-RPC 2.0 request: {"jsonrpc":"2.0","id":1,"method":"…","params":{…}}.'),
  RPC_METHOD_NOT_FOUND: row(EXIT.error, -32601, 404, 'List the methods with `waiaas status --json`; the CLI and daemon may be different versions.', MCP_INVALID_PARAMS),
  RPC_FRAME_TOO_LARGE: row(EXIT.error, -32600, 413, 'Frames are limited in size; send smaller requests.'),
  HANDSHAKE_REQUIRED: row(EXIT.error, -32600, 400, 'Call system.hello first on every connection.'),

  INPUT_INVALID: row(EXIT.usage, -32602, 400, 'Check the flag or field named in details.'),
  INPUT_INVALID_NAME: row(EXIT.usage, -32602, 400, 'Names are 1-64 characters without path separators or control characters, and must not look like an id.'),
  INPUT_INVALID_KEY_FILE: row(EXIT.usage, -32602, 400, 'Check that the file is the format named in the message and is complete.'),
  INPUT_WEAK_PASSWORD: row(EXIT.usage, -32602, 400, 'Use at least 12 characters, or `waiaas init --auto-provision` to generate one.'),
  INPUT_FILE_UNREADABLE: row(EXIT.usage, -32602, 400, 'Check the path and its permissions.'),
  INPUT_FILE_EXISTS: row(EXIT.conflict, -32010, 409, 'Choose another path, or pass --yes to overwrite it.'),

  DAEMON_UNREACHABLE: row(EXIT.daemonUnavailable, -32020, 503, 'Start it with `waiaas daemon start`, or read `waiaas daemon logs`.'),
  DAEMON_NOT_RUNNING: row(EXIT.daemonUnavailable, -32021, 503, 'Start it with `waiaas daemon start`.'),
  DAEMON_START_FAILED: row(EXIT.daemonUnavailable, -32022, 503, 'Read the daemon log named in details for the reason.'),
  DAEMON_VERSION_MISMATCH: row(EXIT.daemonUnavailable, -32023, 503, 'Restart the daemon with the same waiaas version as the CLI.'),
  DAEMON_ALREADY_RUNNING: row(EXIT.conflict, -32024, 409, 'Use `waiaas daemon status`, or `waiaas daemon stop` first.'),
  DAEMON_PROTOCOL_ERROR: row(EXIT.daemonUnavailable, -32025, 502, 'The daemon answered something unexpected; restart it with `waiaas daemon stop`.'),

  DATA_DIR_INSECURE: row(EXIT.error, -32030, 500, 'Run `chmod 700` on the data directory (and `chmod 600` on the files in it).'),
  DATA_DIR_FOREIGN_OWNER: row(EXIT.error, -32031, 500, 'Run waiaas as the user who owns the data directory, or choose another with --data-dir.'),
  DATA_DIR_UNUSABLE: row(EXIT.error, -32032, 500, 'Check that the path is a directory you can write to.'),
  SOCKET_PATH_TOO_LONG: row(EXIT.error, -32033, 500, 'Choose a shorter --data-dir, or set WAIAAS_SOCKET_PATH to a short path.'),
  NOT_INITIALIZED: row(EXIT.error, -32034, 409, 'Run `waiaas init` first.'),
  ALREADY_INITIALIZED: row(EXIT.conflict, -32035, 409, 'This data directory already has a master password; use `waiaas password change`.'),
  DB_SCHEMA_TOO_NEW: row(EXIT.error, -32036, 500, 'This database was written by a newer waiaas; upgrade waiaas.'),
  DB_CORRUPT: row(EXIT.error, -32037, 500, 'Restore from a backup; the database failed its integrity check.'),

  AUTH_REQUIRED: row(EXIT.auth, -32040, 401, 'Give the master password with --password-file, WAIAAS_MASTER_PASSWORD_FILE or on a terminal.'),
  AUTH_BAD_PASSWORD: row(EXIT.auth, -32041, 401, 'Check the master password; repeated failures slow further attempts down.'),
  AUTH_THROTTLED: row(EXIT.auth, -32042, 429, 'Too many failed attempts; wait for the time in details.retryAfterMs.'),
  AUTH_FORBIDDEN: row(EXIT.auth, -32043, 403, 'This credential may not call this method; use the master password.'),
  KEYSTORE_LOCKED: row(EXIT.auth, -32044, 423, 'Unlock the daemon with `waiaas unlock`.'),

  WALLET_NOT_FOUND: row(EXIT.notFound, -32050, 404, 'List wallets with `waiaas wallet list`.'),
  WALLET_NAME_TAKEN: row(EXIT.conflict, -32051, 409, 'Choose another name, or rename the existing wallet.'),
  WALLET_DUPLICATE: row(EXIT.conflict, -32052, 409, 'This key is already in the wallet named in details; use that wallet.'),

  AUDIT_CHAIN_BROKEN: row(EXIT.error, -32060, 500, 'The audit log was altered outside waiaas; restore from a backup and investigate.'),
  AUDIT_WRITE_FAILED: row(EXIT.error, -32061, 500, 'The audit log could not be written, so nothing was done; check disk space and the daemon log.'),

  POLICY_DENIED: row(EXIT.denied, -32070, 403, 'Run `waiaas policy test` to see which rule decided and what would pass.'),
  PENDING_APPROVAL: row(EXIT.waiting, -32071, 202, 'Approve it with `waiaas tx approve`, or wait for the delay to pass.'),
  POLICY_INVALID: row(EXIT.usage, -32072, 400, 'Fix the rules field named in details; `waiaas policy add --help` lists each type\'s fields.'),
  POLICY_NOT_FOUND: row(EXIT.notFound, -32073, 404, 'List policies with `waiaas policy list`.'),
  TX_STATE_CONFLICT: row(EXIT.conflict, -32074, 409, 'The request is no longer in a state that allows this; see `waiaas tx show`.'),
  IDEMPOTENCY_CONFLICT: row(EXIT.conflict, -32075, 409, 'This idempotency key was used for a different request; use a new key.'),
  KILL_SWITCH_ON: row(EXIT.denied, -32076, 423, 'The kill switch is on: nothing is signed until `waiaas killswitch off`.'),
  APPROVAL_INVALID: row(EXIT.auth, -32077, 403, 'Sign the exact message from `waiaas tx approval-message` with the owner key, before it expires.'),
  OWNER_NOT_SET: row(EXIT.usage, -32078, 400, 'Set the wallet\'s owner with `waiaas wallet owner WALLET ADDRESS`.'),
  TX_NOT_COMPLETED: row(EXIT.error, -32079, 409, 'The request ended without doing what was asked; `waiaas tx show` has its state and reason.'),

  INPUT_INVALID_AMOUNT: row(EXIT.usage, -32080, 400, 'Give a plain decimal string in whole units, e.g. "0.01", within the token\'s decimals.'),
  INPUT_INVALID_ADDRESS: row(EXIT.usage, -32081, 400, 'EVM addresses are 0x and 40 hex digits; Solana addresses are base58 public keys.'),
  NETWORK_UNKNOWN: row(EXIT.notFound, -32082, 404, 'List networks with `waiaas network list`.'),
  NETWORK_MISMATCH: row(EXIT.usage, -32083, 400, 'Use a network of the wallet\'s chain family (EVM wallets on EVM networks, Solana on Solana).'),

  CHAIN_INSUFFICIENT_FUNDS: row(EXIT.error, -32090, 402, 'Fund the wallet (on local chains: `waiaas devnet fund`), or send less.'),
  CHAIN_NONCE_TOO_LOW: row(EXIT.error, -32091, 409, 'Another transaction used this nonce; the daemon resynchronises its nonce and it can be retried.'),
  CHAIN_REVERTED: row(EXIT.error, -32092, 422, 'The contract refused the call; details.reason has its revert reason when it gave one.'),
  CHAIN_BLOCKHASH_EXPIRED: row(EXIT.error, -32093, 409, 'The transaction was not included in time; build and sign it again.'),
  CHAIN_ACCOUNT_NOT_FOUND: row(EXIT.notFound, -32094, 404, 'The account does not exist on this network yet; fund it first.'),
  CHAIN_RPC_UNREACHABLE: row(EXIT.chainUnavailable, -32095, 503, 'Check the network\'s RPC URL (`waiaas network list`) and that the node is up.'),
  CHAIN_RATE_LIMITED: row(EXIT.chainUnavailable, -32096, 429, 'The RPC provider is rate limiting; wait, or configure another RPC URL.'),
  CHAIN_FEE_TOO_HIGH: row(EXIT.denied, -32097, 422, 'The fee is above the cap; raise the cap or wait for lower fees.'),
  CHAIN_ERROR: row(EXIT.error, -32098, 502, 'The node rejected the request; details.reason has what it said.'),
  TX_NOT_FOUND: row(EXIT.notFound, -32099, 404, 'List transactions with `waiaas tx list`.'),

  SESSION_INVALID: row(EXIT.auth, -32100, 401, 'The session token is unknown or was altered; ask the operator for a new session (`waiaas session create`).'),
  SESSION_EXPIRED: row(EXIT.auth, -32101, 401, 'The session has expired; renew it before it expires (`waiaas session renew`) or ask the operator for a new one.'),
  SESSION_REVOKED: row(EXIT.auth, -32102, 401, 'The operator revoked this session; ask for a new one.'),
  SESSION_SCOPE: row(EXIT.auth, -32103, 403, 'This session may not do this (wallet or permission outside it); details say which. `waiaas session list` shows its scope.'),
  SESSION_NOT_FOUND: row(EXIT.notFound, -32104, 404, 'List sessions with `waiaas session list`.'),
  SESSION_RENEWAL_LIMIT: row(EXIT.conflict, -32105, 409, 'The session has used its renewals, or is expired or revoked; the operator can create a new one.'),
  POLICY_NOT_STRICTER: row(EXIT.auth, -32106, 403, 'An agent session may only add policies that restrict; ask the operator to change or loosen policies.'),

  PLUGIN_UNKNOWN: row(EXIT.notFound, -32110, 404, 'The plugins are rest and mcp-http; `waiaas plugin list` shows them.'),
  PLUGIN_BIND_REFUSED: row(EXIT.usage, -32111, 400, 'Bind to 127.0.0.1 (or ::1, localhost); to expose it on another address pass --allow-non-loopback, and put TLS and a firewall in front.'),
  PLUGIN_START_FAILED: row(EXIT.error, -32112, 500, 'details.errno says why (EADDRINUSE: another process uses the port; choose another with --port).'),
  HTTP_ROUTE_NOT_FOUND: row(EXIT.notFound, -32113, 404, 'GET /v1/openapi.json lists every route; is the plugin that serves it enabled (`waiaas plugin list`)?'),
  HTTP_METHOD_NOT_ALLOWED: row(EXIT.usage, -32114, 405, 'The Allow header lists the HTTP methods this route takes; operations are POST with a JSON body.'),
  HTTP_BODY_TOO_LARGE: row(EXIT.usage, -32115, 413, 'Request bodies are limited to details.maxBytes; send a smaller request.'),
  HTTP_UNSUPPORTED_MEDIA_TYPE: row(EXIT.usage, -32116, 415, 'Send the body as JSON with the header Content-Type: application/json.'),
  HTTP_INVALID_JSON: row(EXIT.usage, -32117, 400, 'The body must be one JSON object, e.g. {"wallet":"main"}.'),

  APPROVAL_LINK_UNAVAILABLE: row(EXIT.error, -32140, 503, 'The approval page is served by the REST plugin: `waiaas plugin enable rest` (on an address the owner can reach), then ask for the link again.'),
  APPROVAL_LINK_NOT_FOUND: row(EXIT.notFound, -32141, 404, 'This approval link is unknown; ask the operator for a new one (`waiaas tx approval-link ID`).'),
  APPROVAL_LINK_USED: row(EXIT.conflict, -32142, 410, 'An approval link works once; `waiaas tx show ID` shows what happened to the request.'),
  APPROVAL_LINK_EXPIRED: row(EXIT.conflict, -32143, 410, 'Ask the operator for a new link (`waiaas tx approval-link ID`) while the request still awaits approval.'),
  APPROVAL_LINK_STALE: row(EXIT.conflict, -32144, 410, 'The request was decided, cancelled or expired after the link was made; nothing is left to approve.'),

  NOTIFY_INVALID: row(EXIT.usage, -32130, 400, 'Check the field named in details; `waiaas notify add --help` lists what each channel kind needs.'),
  NOTIFY_URL_REFUSED: row(EXIT.usage, -32131, 400, 'Use an http:// or https:// URL without a user name or password in it.'),
  NOTIFY_CHANNEL_NOT_FOUND: row(EXIT.notFound, -32132, 404, 'List channels with `waiaas notify list`.'),
  NOTIFY_TEST_FAILED: row(EXIT.error, -32133, 502, "The receiver did not accept the test; check the channel's URL, token and chat (details.status is what it answered)."),

  CONFIG_INVALID: row(EXIT.usage, -32160, 400, 'Fix the setting named in details.key (`waiaas config set KEY VALUE` or `waiaas config unset KEY`); `waiaas config list` shows every setting and what it accepts.'),
  CONFIG_KEY_UNKNOWN: row(EXIT.usage, -32161, 400, 'details.closeKeys lists similar settings; `waiaas config list` shows every setting.'),
  DOCTOR_CHECKS_FAILED: row(EXIT.error, -32162, 500, 'details.checks lists each failed check with the command that fixes it.'),

  BACKUP_INVALID: row(EXIT.error, -32150, 422, 'The backup file is not a waiaas backup, is truncated, or was changed; use another copy. Nothing was touched.'),
  BACKUP_BAD_PASSWORD: row(EXIT.auth, -32151, 401, 'Give the master password that was in use when the backup was made (--password-file). Nothing was touched.'),
  BACKUP_SCHEMA_TOO_NEW: row(EXIT.error, -32152, 422, 'The backup was made by a newer waiaas; upgrade waiaas, then restore. Nothing was touched.'),
  BACKUP_DAEMON_RUNNING: row(EXIT.conflict, -32153, 409, 'Stop the daemon first (`waiaas daemon stop`), then run the restore again.'),

  HTTP_ORIGIN_REFUSED: row(EXIT.auth, -32118, 403, "Call the plugin by its own address (127.0.0.1, localhost); pages of other sites may not call it. Behind a proxy, set rest.publicUrl to the address clients use."),

  SIGN_MESSAGE_IS_TRANSACTION: row(EXIT.denied, -32180, 403, 'These bytes read as a Solana transaction message, so they are never signed as a message: sign them as an off-chain message (--format solana-offchain), or submit the transaction with `waiaas sign tx`, which checks it against the policies.'),
  SIGN_MESSAGE_IS_APPROVAL: row(EXIT.denied, -32181, 403, 'An owner approval is signed by the owner\'s own key outside waiaas; the daemon never signs text that contains a waiaas approval message.'),
  OWNER_HELD_BY_DAEMON: row(EXIT.conflict, -32182, 409, 'An owner approves from a key this daemon does not hold (a hardware or phone wallet): choose another address, or clear the owner of the wallets named in details (`waiaas wallet owner W --clear`).'),
  POLICY_EFFECT_CHANGED: row(EXIT.denied, -32210, 409, 'Simulated again just before signing, the transaction did more than was decided, so nothing was signed; submit it again to have it decided on what it does now.'),
  INPUT_FILE_SYMLINK: row(EXIT.conflict, -32190, 409, 'waiaas never writes through a symbolic link: name the file itself (details.target is where the link points), or remove the link.'),
  FEATURE_UNAVAILABLE: row(EXIT.error, -32200, 501, 'This part of WAIaaS is not yet available in waiaas; details.feature names it and details.instead says what to use meanwhile.'),

  ADMIN_SESSION_INVALID: row(EXIT.auth, -32230, 401, 'The admin session ended (logged out, idle for 15 minutes, older than 12 hours, the vault locked or its password changed, or the daemon restarted): log in again at /admin/.'),
  ADMIN_CSRF_INVALID: row(EXIT.auth, -32231, 403, 'Every POST made with the admin cookie carries the X-CSRF-Token header the login answered (GET /v1/admin/session gives it again); nothing was done.'),
  AUTH_PASSWORD_REQUIRED: row(EXIT.auth, -32232, 401, 'This act asks for the master password again: send it in the X-Master-Password header of this request (the admin UI asks for it).'),
  ADMIN_CLI_ONLY: row(EXIT.auth, -32233, 403, 'Keys are never typed into or shown in a browser: use the CLI on the daemon\'s machine (details.command names it).'),
  ADMIN_UI_NOT_BUILT: row(EXIT.error, -32234, 503, 'The admin UI is built with the package: run `npm run build` in the waiaas checkout (it writes dist/admin/), then reload.'),
  EVENTS_TOO_MANY_STREAMS: row(EXIT.error, -32220, 429, 'Close an event stream (another tab of the admin UI, an SDK follower) and connect again; details.max streams may be open at once.'),

  TOKEN_UNKNOWN: row(EXIT.notFound, -32260, 404, 'No token of the registry has this symbol (or address) on this network: `waiaas token list --network N` (MCP token_list) shows the known ones; give the token\'s contract or mint address instead, or have the operator register it (token.add).'),
  TOKEN_AMBIGUOUS: row(EXIT.usage, -32261, 400, 'Several registered tokens share this symbol on this network (details.candidates): give the contract or mint address of the one you mean.'),
  TOKEN_EXISTS: row(EXIT.conflict, -32262, 409, 'This token is already in the registry of this network (details.token); remove it first to change its symbol or decimals.'),
  BATCH_UNSUPPORTED: row(EXIT.usage, -32264, 400, 'On EVM networks several transfers are one transaction only through a batching contract the operator allowlists for the network (`waiaas network set NETWORK --batch-contract 0x…`; the devnet sets one on evm-local): ask the operator, or send the transfers one by one (tx.send).'),
  BATCH_CONTRACT_UNTRUSTED: row(EXIT.error, -32265, 409, 'The code at the batching contract the operator set for this network (details.contract) is not a batcher waiaas knows (details.codeHash, details.expected): nothing was signed. The operator deploys waiaas\'s batcher there or sets another (`waiaas network set NETWORK --batch-contract 0x…`).'),
  BATCH_MIXED_ASSETS: row(EXIT.usage, -32266, 400, 'An EVM batch moves one asset: all native coin, or all one ERC-20 token (details.assets). Send one batch per asset.'),
  BATCH_ALLOWANCE_SHORT: row(EXIT.denied, -32267, 403, 'A token batch pulls the tokens through the batching contract, which needs the wallet\'s allowance of at least the batch\'s total (details.needed; it has details.allowance). Ask for that approval first (tx.tokenApprove with spender details.spender: policy-checked like any approval), then send the batch again.'),
  TOKEN_BUILT_IN: row(EXIT.conflict, -32263, 409, 'Built-in tokens cannot be removed or registered again; only tokens the operator added (source "operator") can be removed.'),
} as const satisfies Record<string, CodeInfo>

export type ErrorCode = keyof typeof ERROR_CODES

/** Structured, secret-free payload of an error as it travels on the wire and in `--json` output. */
export interface ErrorPayload {
  code: ErrorCode
  message: string
  details: Record<string, unknown>
  hint: string
}

/** The one error type of waiaas. `details` must never contain a secret. */
export class WaiaasError extends Error {
  override readonly name = 'WaiaasError'
  readonly code: ErrorCode
  readonly details: Record<string, unknown>
  readonly hint: string

  constructor(code: ErrorCode, message: string, opts: { details?: Record<string, unknown>; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.code = code
    this.details = opts.details ?? {}
    this.hint = opts.hint ?? ERROR_CODES[code].hint
  }

  get exitCode(): ExitCode {
    return ERROR_CODES[this.code].exit
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, details: this.details, hint: this.hint }
  }

  /** Rebuild an error received over the wire; unknown codes become INTERNAL rather than being trusted. */
  static fromPayload(p: Partial<ErrorPayload> | undefined): WaiaasError {
    const code: ErrorCode = p?.code !== undefined && isErrorCode(p.code) ? p.code : 'INTERNAL'
    const opts: { details?: Record<string, unknown>; hint?: string } = {}
    if (p?.details && typeof p.details === 'object') opts.details = p.details
    if (typeof p?.hint === 'string') opts.hint = p.hint
    return new WaiaasError(code, typeof p?.message === 'string' ? p.message : 'Unknown error', opts)
  }
}

/** True when `code` is a known error code. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code)
}

/** Converts anything thrown into a WaiaasError, keeping the original as `cause`. */
export function toWaiaasError(err: unknown): WaiaasError {
  if (err instanceof WaiaasError) return err
  return new WaiaasError('INTERNAL', 'Internal error', { cause: err })
}

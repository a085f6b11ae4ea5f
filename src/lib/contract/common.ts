/**
 * The building blocks of the contract's namespaces: what a method definition is, who may call it, and the small
 * input schemas and constants several namespaces share.
 */
import { z } from 'zod'
import type { ErrorCode } from '../errors.js'
import { durationSchema } from '../duration-schema.js'
import type { DurationSpec } from '../durations.js'

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
  /**
   * The transports that expose it; absent: all of them. Every method is on the socket (the CLI calls them all); what
   * only the socket offers says `['socket']`; what is no MCP tool says `['socket', 'rest']`. Nothing that reveals or
   * writes a secret is ever an MCP tool, and an MCP tool needs `session` access (an agent calls it).
   */
  transports?: readonly TransportName[]
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
  /**
   * Through the admin web UI's cookie session, the operator must give the master password again (the
   * `X-Master-Password` header of that request) for this act: it undoes a safety stop or touches the password.
   */
  reauth?: true
  /** Never through the admin web UI's cookie session: it takes or reveals key material, which stays in the CLI. */
  cliOnly?: true
}

/**
 * Where a method can be exposed: `socket` (the owner-only Unix socket, which the CLI uses), `rest` (the REST plugin's
 * routes under /v1, and its OpenAPI document), `mcp` (a tool, both over stdio with `waiaas mcp` and over HTTP with the
 * mcp-http plugin). Over HTTP every call still needs a credential, and every call is still authorised by its role.
 */
export const TRANSPORTS = ['socket', 'rest', 'mcp'] as const
export type TransportName = (typeof TRANSPORTS)[number]

/** Whether `transport` exposes the method. */
export function exposes(d: Pick<MethodDef, 'transports'>, transport: TransportName): boolean {
  return (d.transports ?? TRANSPORTS).includes(transport)
}

export const SESSION_PERMISSIONS = ['read', 'send', 'sign'] as const
export type SessionPermission = (typeof SESSION_PERMISSIONS)[number]
export interface SessionAccess {
  permission: SessionPermission
  wallet: 'param' | 'filter' | 'request' | 'policy' | 'none'
}
export const READ_NONE: SessionAccess = { permission: 'read', wallet: 'none' }

/** Types a method definition and keeps its schemas' own types (so `Params` and `Output` stay exact). */
export const def = <I extends z.ZodType, O extends z.ZodType>(d: MethodDef<I, O>): MethodDef<I, O> => d

export const password = z.string().min(1).max(1024)
export const walletRef = z.string().min(1).max(128).describe('A wallet id or its unique name')
/** Bounded here only for size; the naming rules (1-64 characters, no separators…) are checked by assertWalletName. */
export const walletName = z.string().max(1024)
export const chainSchema = z.enum(['evm', 'solana'])
export const isoTime = z.string()
export const networkRef = z.string().min(1).max(128).describe('A CAIP-2 network id or an alias (see network list)')
export const address = z.string().min(1).max(128)
export const amountText = z.string().max(100).describe('A decimal string in whole units, e.g. "0.01"')
export const idempotencyKey = z.string().min(1).max(128).describe('The same key never moves funds twice, even across restarts')
export const requestId = z.string().min(1).max(64).describe('A transaction request id, as the send, call, approval or signing that made it returned')
export const recipient = address.describe('The recipient: an EVM 0x address or a Solana base58 address')
export const tokenRef = address.describe('The token: its ERC-20 contract (EVM) or SPL mint (Solana) address, or its symbol in the token registry of the network (e.g. USDC; see token_list)')
export const spenderRef = address.describe('Who may spend the allowance: an EVM 0x address or a Solana base58 address')
export const listLimit = z.number().int().min(1).max(1000).default(50).describe('At most this many, newest first')
/**
 * A length of time: a number in the field's unit, or a text of the one duration grammar (src/lib/durations.ts), e.g.
 * `"2w"` or `"1.5h"`; the handler always sees the whole number of the unit.
 */
export const duration = (spec: Omit<DurationSpec, 'field'>, description: string) => durationSchema(spec, description)

export const TX_STATES = [
  'pending', 'queued', 'awaiting_approval', 'approved', 'signed', 'submitted', 'confirmed',
  'failed', 'denied', 'cancelled', 'rejected', 'expired', 'replaced',
] as const
export const TIER_NAMES = ['INSTANT', 'NOTIFY', 'DELAY', 'APPROVAL', 'DENY'] as const
/** How `sign.message` frames a message before signing it. */
export const SIGN_MESSAGE_FORMATS = ['raw', 'solana-offchain'] as const
export type SignMessageFormat = (typeof SIGN_MESSAGE_FORMATS)[number]
export const REQUEST_KINDS = ['native-transfer', 'token-transfer', 'contract-call', 'token-approve', 'sign-message', 'sign-typed-data', 'sign-tx', 'batch'] as const

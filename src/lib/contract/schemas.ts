/** Schemas more than one namespace uses: wallets, transaction requests and what describes one, plugins. */
import { z } from 'zod'
import type { ErrorCode } from '../errors.js'
import { PLUGIN_NAMES } from '../plugin-names.js'
import { address, amountText, chainSchema, isoTime, networkRef, REQUEST_KINDS, spenderRef, TIER_NAMES, tokenRef, TX_STATES, walletRef } from './common.js'

export const wallet = z.object({
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

export const tier = z.enum(TIER_NAMES)

export const ruleRef = z.object({ policyId: z.string(), type: z.string(), version: z.number().int(), field: z.string().nullable() })
/** A transaction request as every transport shows it. Amounts are decimal strings in whole units. */
export const txRequest = z.object({
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

/** The fields that describe what a request does; shared by send, call, approve and `policy test`. */
export const txFields = {
  wallet: walletRef,
  network: networkRef,
  to: address.optional().describe('The recipient of a transfer, or the contract of a call (an EVM 0x address or a Solana base58 address)'),
  amount: amountText.optional().describe('The amount of a transfer or approval, or the native value sent with a call: a decimal string in whole units, e.g. "0.01"'),
  token: tokenRef.optional().describe('A token transfer or approval: the ERC-20 contract or SPL mint, or its symbol in the token registry (e.g. USDC); without it, the native coin'),
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
export const typedDataInput = z
  .union([z.string().max(64 * 1024), z.record(z.string(), z.unknown())])
  .describe('EIP-712 typed data as eth_signTypedData_v4 takes it: the object with types, primaryType, domain and message, or its JSON text')
export const SEND_ERRORS = [
  'WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'NETWORK_MISMATCH', 'INPUT_INVALID_ADDRESS', 'INPUT_INVALID_AMOUNT', 'POLICY_DENIED',
  'IDEMPOTENCY_CONFLICT', 'KILL_SWITCH_ON', 'KEYSTORE_LOCKED', 'CHAIN_INSUFFICIENT_FUNDS', 'CHAIN_RPC_UNREACHABLE', 'AUDIT_WRITE_FAILED',
] as const satisfies readonly ErrorCode[]

export const pluginStatus = z.object({
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


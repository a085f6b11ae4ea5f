/** Transaction requests: send, call, approve tokens, simulate, list, show, wait, approve or reject, cancel, speed up. */
import { z } from 'zod'
import { def, walletRef, isoTime, networkRef, address, amountText, idempotencyKey, requestId, recipient, tokenRef, spenderRef, listLimit, duration, REQUEST_KINDS, TIER_NAMES, TX_STATES, type MethodDef } from './common.js'

/** A bound of a listing's time window: an ISO 8601 date-time with Z or an offset. */
const listTime = z.iso.datetime({ offset: true })
import { txRequest, txFields, SEND_ERRORS } from './schemas.js'

/** The `tx.*` methods. */
export const txMethods = {
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
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'NETWORK_MISMATCH', 'INPUT_INVALID', 'INPUT_INVALID_ADDRESS', 'INPUT_INVALID_AMOUNT', 'CHAIN_INSUFFICIENT_FUNDS', 'CHAIN_REVERTED', 'CHAIN_RPC_UNREACHABLE', 'TOKEN_UNKNOWN', 'TOKEN_AMBIGUOUS'],
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
      token: tokenRef.optional().describe('A token transfer: the ERC-20 contract or SPL mint, or its symbol in the token registry (e.g. USDC); without it, the native coin'),
      idempotencyKey: idempotencyKey.optional(),
    }),
    output: txRequest,
    errors: [...SEND_ERRORS, 'TOKEN_UNKNOWN', 'TOKEN_AMBIGUOUS'],
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
    session: { permission: 'send', wallet: 'param' },
  }),
  'tx.sendBatch': def({
    summary: 'Send several transfers as one request, signed as one transaction (all land or none). Policy-checked whole: every transfer is judged, their total is reserved against the limits, and one transfer that breaks a rule denies the batch. Solana: one transaction with several instructions. EVM: one call of the batching contract the operator allowlists for the network (Disperse ABI, its code checked): one asset per batch, and a token batch needs the wallet\'s allowance to that contract (ask with tx.tokenApprove); without one, BATCH_UNSUPPORTED.',
    role: 'agent',
    input: z.object({
      wallet: walletRef,
      network: networkRef,
      transfers: z
        .array(
          z.object({
            to: recipient,
            amount: amountText,
            token: tokenRef.optional().describe('The ERC-20 contract or SPL mint, or its symbol in the token registry (e.g. USDC); without it, the native coin'),
          }),
        )
        .min(1)
        .max(8)
        .describe('The transfers, 1 to 8, in the order they are carried out'),
      idempotencyKey: idempotencyKey.optional(),
    }),
    output: txRequest,
    errors: [...SEND_ERRORS, 'TOKEN_UNKNOWN', 'TOKEN_AMBIGUOUS', 'BATCH_UNSUPPORTED', 'BATCH_CONTRACT_UNTRUSTED', 'BATCH_MIXED_ASSETS', 'BATCH_ALLOWANCE_SHORT'],
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
    errors: [...SEND_ERRORS, 'TOKEN_UNKNOWN', 'TOKEN_AMBIGUOUS'],
    session: { permission: 'send', wallet: 'param' },
  }),
  'tx.list': def({
    summary: 'List transaction requests, newest first.',
    role: 'public',
    input: z.object({
      wallet: walletRef.optional().describe('Only the requests of this wallet (id or name)'),
      state: z
        .union([z.enum(TX_STATES), z.array(z.enum(TX_STATES)).min(1).max(TX_STATES.length)])
        .optional()
        .describe('Only the requests in this state, or in any of these states'),
      network: networkRef.optional().describe('Only the requests on this network (CAIP-2 id or alias)'),
      tier: z.enum(TIER_NAMES).optional().describe('Only the requests the policies put in this tier'),
      kind: z.enum(REQUEST_KINDS).optional().describe('Only the requests of this kind'),
      since: listTime.optional().describe('Only the requests made at or after this time (ISO 8601, e.g. 2026-12-01T00:00:00Z)'),
      until: listTime.optional().describe('Only the requests made before this time (ISO 8601)'),
      limit: listLimit,
      before: requestId.optional().describe('Only the requests made before this one (its id), to page through older ones: the nextBefore of the previous page'),
    }),
    output: z.object({
      requests: z.array(txRequest),
      /** The `before` of the next (older) page; null on the last page. */
      nextBefore: z.string().nullable(),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN'],
    session: { permission: 'read', wallet: 'filter' },
    readOnly: true,
  }),
  'tx.show': def({
    summary: 'Show one transaction request, with what it does decoded.',
    role: 'public',
    input: z.object({ id: requestId }),
    output: txRequest.extend({
      actions: z
        .array(z.string())
        .describe('What the request does as decoded from what is signed: one line per action (transfer, approval, contract call, authority change, message), as the approval page shows it'),
    }),
    errors: ['TX_NOT_FOUND'],
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
    session: { permission: 'read', wallet: 'request' },
    readOnly: true,
  }),
  'tx.approve': def({
    summary: 'Approve a request that awaits approval (operator).',
    role: 'operator',
    input: z.object({ id: requestId }),
    output: txRequest,
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'tx.reject': def({
    summary: 'Reject a request that awaits approval or waits out a delay (operator); its reservation is released.',
    role: 'operator',
    input: z.object({ id: requestId, reason: z.string().max(500).optional() }),
    output: txRequest,
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'tx.approvalMessage': def({
    summary: "The canonical message the wallet's owner signs to approve or reject a request: binds its id, content hash, policy revision, expiry and a single-use nonce.",
    role: 'public',
    input: z.object({ id: requestId, decision: z.enum(['approve', 'reject']).default('approve') }),
    output: z.object({ message: z.string(), owner: z.string(), expiresAt: isoTime }),
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'OWNER_NOT_SET', 'OWNER_HELD_BY_DAEMON'],
    transports: ['socket', 'rest'],
  }),
  'tx.ownerDecide': def({
    summary: "Approve or reject a request with the owner's signature over its approval message. Single use.",
    role: 'public',
    input: z.object({ id: requestId, message: z.string().max(4096), signature: z.string().min(1).max(512) }),
    output: txRequest,
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'APPROVAL_INVALID', 'OWNER_NOT_SET', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'tx.approvalLink': def({
    summary:
      "A one-time link to the approval page, served by the REST plugin: the wallet's owner sees the decoded request and approves or rejects it by signing with their own wallet. It expires with the request, or after an hour.",
    role: 'operator',
    input: z.object({ id: requestId }),
    output: z.object({ url: z.string(), expiresAt: isoTime }),
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'OWNER_NOT_SET', 'OWNER_HELD_BY_DAEMON', 'APPROVAL_LINK_UNAVAILABLE', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'tx.cancel': def({
    summary: 'Cancel a request: one not signed yet (queued, awaiting approval, approved) at once; a broadcast EVM transaction by replacement (a 0-value transfer to itself with the same nonce and higher fees), cancelled when that lands. Its reservation is released.',
    role: 'agent',
    input: z.object({ id: requestId }),
    output: txRequest,
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'AUDIT_WRITE_FAILED'],
    session: { permission: 'send', wallet: 'request' },
  }),
  'tx.speedUp': def({
    summary: 'Replace a submitted EVM transaction with the same nonce and higher fees (within FEE_CAP).',
    role: 'operator',
    input: z.object({ id: requestId, bumpPercent: z.number().int().min(10).max(500).default(20) }),
    output: txRequest,
    errors: ['TX_NOT_FOUND', 'TX_STATE_CONFLICT', 'POLICY_DENIED', 'KILL_SWITCH_ON', 'CHAIN_RPC_UNREACHABLE', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
} as const satisfies Record<`tx.${string}`, MethodDef>

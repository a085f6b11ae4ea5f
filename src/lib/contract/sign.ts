/** Signing without broadcasting: messages, typed data and transactions, checked against the policies. */
import { z } from 'zod'
import { def, walletRef, networkRef, idempotencyKey, SIGN_MESSAGE_FORMATS, type MethodDef } from './common.js'
import { SEND_ERRORS, txRequest, typedDataInput } from './schemas.js'

/** The `sign.*` methods. */
export const signMethods = {
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
    session: { permission: 'sign', wallet: 'param' },
  }),
} as const satisfies Record<`sign.${string}`, MethodDef>

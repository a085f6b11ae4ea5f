/**
 * What each TxIntent becomes on an EVM chain: the `to`, `value` and calldata of one transaction, with addresses
 * checksummed and amounts checked against the uint256 range.
 */
import { getAddress, isHexString } from 'ethers'
import { WaiaasError } from '../../../lib/errors.js'
import type { TxIntent } from '../types.js'
import { batchCall } from './batcher.js'
import { encodeApprove, encodeTransfer } from './erc20.js'

const MAX_UINT256 = (1n << 256n) - 1n

/** The checksummed form of `address`; INPUT_INVALID_ADDRESS naming `field` for anything but 0x + 40 hex digits. */
export function assertAddress(address: string, field = 'address'): string {
  if (typeof address === 'string' && /^0x[0-9a-fA-F]{40}$/.test(address)) {
    try {
      return getAddress(address)
    } catch {
      // mixed case with a wrong checksum: reported below
    }
  }
  throw new WaiaasError('INPUT_INVALID_ADDRESS', `\`${field}\` must be a 0x address with 40 hex digits (and a valid checksum if mixed-case), got ${JSON.stringify(address)}`, {
    details: { field, value: String(address).slice(0, 100) },
  })
}

/** INPUT_INVALID_AMOUNT naming `field` unless 0 <= value < 2^256. */
export function assertAmount(value: bigint, field: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_UINT256) {
    throw new WaiaasError('INPUT_INVALID_AMOUNT', `\`${field}\` must be an integer between 0 and 2^256-1, got ${String(value)}`, {
      details: { field, value: String(value) },
    })
  }
}

export interface EvmCall {
  to: string
  value: bigint
  data: string
}

/** The transaction call that carries out `intent`. */
export function intentToCall(intent: TxIntent): EvmCall {
  switch (intent.kind) {
    case 'native-transfer':
      assertAmount(intent.amount, 'amount')
      return { to: assertAddress(intent.to, 'to'), value: intent.amount, data: '0x' }
    case 'token-transfer':
      assertAmount(intent.amount, 'amount')
      return { to: assertAddress(intent.token, 'token'), value: 0n, data: encodeTransfer(assertAddress(intent.to, 'to'), intent.amount) }
    case 'token-approve':
      assertAmount(intent.amount, 'amount')
      return { to: assertAddress(intent.token, 'token'), value: 0n, data: encodeApprove(assertAddress(intent.spender, 'spender'), intent.amount) }
    case 'batch': {
      if (intent.via === undefined) {
        throw new WaiaasError('BATCH_UNSUPPORTED', 'An EVM batch of transfers is one transaction only through a batching contract', { details: { field: 'transfers' } })
      }
      const transfers = intent.transfers.map((t, i) => {
        assertAmount(t.amount, `transfers[${i}].amount`)
        const to = assertAddress(t.to, `transfers[${i}].to`)
        return t.kind === 'native-transfer' ? { ...t, to } : { ...t, to, token: assertAddress(t.token, `transfers[${i}].token`) }
      })
      return batchCall(assertAddress(intent.via, 'via'), transfers)
    }
    case 'contract-call':
      assertAmount(intent.value, 'value')
      if (typeof intent.data !== 'string' || !isHexString(intent.data) || intent.data.length % 2 !== 0) {
        throw new WaiaasError('INPUT_INVALID', '`data` must be 0x-prefixed hex with whole bytes', { details: { field: 'data' } })
      }
      return { to: assertAddress(intent.to, 'to'), value: intent.value, data: intent.data.toLowerCase() }
    default:
      throw new WaiaasError('INPUT_INVALID', `unknown intent kind ${JSON.stringify((intent as { kind?: unknown }).kind)}`, { details: { field: 'kind' } })
  }
}

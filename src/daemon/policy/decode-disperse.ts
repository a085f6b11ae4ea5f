/**
 * Calls of the Disperse ABI (disperseEther, disperseToken, disperseTokenSimple: what EVM tx.sendBatch signs through
 * the operator's batcher) → the transfers they make, so a hand-made `tx.call` or `sign tx` to a batcher is judged by
 * who it pays, exactly like tx.sendBatch.
 *
 * Choices:
 * - Strict: the calldata must be the canonical ABI encoding of its arguments (re-encoding the decoded arguments gives
 *   the same bytes: no padding, trailing bytes, dirty address bits or non-standard offsets) with as many values as
 *   recipients. Anything else under these selectors is refused with INPUT_INVALID, not treated as an unknown call:
 *   an allowlisted batcher (or an older Disperse, compiled with the lenient ABI coder v1) would still execute it.
 * - Whatever contract is called: the call itself stays a `contract-call` (CONTRACT_ALLOWLIST and METHOD_ALLOWLIST
 *   decide on the contract), and its transfers are added for the recipient, token and limit rules. Native value goes
 *   to the contract, which pays each recipient (`via`); value beyond the transfers' sum stays on the call.
 */
import { AbiCoder } from 'ethers'
import { disperse } from '../chains/evm/batcher.js'
import type { Action } from './types.js'

const coder = AbiCoder.defaultAbiCoder()
const ETHER = disperse.getFunction('disperseEther')!.selector
const TOKEN_SELECTORS = new Set([disperse.getFunction('disperseToken')!.selector, disperse.getFunction('disperseTokenSimple')!.selector])

/** Whether `selector` (0x + 8 hex, lower case) is a Disperse function. */
export const isDisperseSelector = (selector: string): boolean => selector === ETHER || TOKEN_SELECTORS.has(selector)

export interface DisperseWalk {
  contract: string
  /** Counts the transfers against the decoder's limit on inner calls; throws when it is passed. */
  count(n: number): void
  /** The refusal for calldata that is not a canonical Disperse call. */
  refuse(why: string): Error
}

/** The actions of a Disperse call (`data`: selector and arguments) sending `value` wei to `w.contract`. */
export function decodeDisperse(data: Buffer, selector: string, value: bigint, w: DisperseWalk): Action[] {
  const ether = selector === ETHER
  const types = ether ? ['address[]', 'uint256[]'] : ['address', 'address[]', 'uint256[]']
  const args = `0x${data.subarray(4).toString('hex')}`
  let decoded: unknown[]
  try {
    decoded = [...coder.decode(types, args)]
    if (coder.encode(types, decoded) !== args) throw new Error('not canonical')
  } catch {
    throw w.refuse('is not the canonical ABI encoding of a Disperse call (no padding, trailing bytes or unusual offsets)')
  }
  const [recipients, values] = (ether ? decoded : decoded.slice(1)) as [string[], bigint[]]
  if (recipients.length !== values.length) throw w.refuse(`pays ${recipients.length} recipients but gives ${values.length} values`)
  w.count(recipients.length)
  const to = recipients.map((r) => r.toLowerCase())
  if (ether) {
    const sum = values.reduce((a, b) => a + b, 0n)
    const call: Action = { kind: 'contract-call', contract: w.contract, selector, value: value > sum ? value - sum : 0n }
    return [call, ...to.map((r, i): Action => ({ kind: 'native-transfer', to: r, amount: values[i] as bigint, via: w.contract }))]
  }
  const token = String(decoded[0]).toLowerCase()
  return [{ kind: 'contract-call', contract: w.contract, selector, value }, ...to.map((r, i): Action => ({ kind: 'token-transfer', token, to: r, amount: values[i] as bigint }))]
}

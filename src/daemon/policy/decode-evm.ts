/**
 * EVM calldata → policy actions, read the way the EVM executes it rather than the way an encoder writes it.
 *
 * A contract compiled by Solidity decodes the head of its arguments word by word from the calldata: it ignores bytes
 * after the last argument (any number), masks an address word to its low 20 bytes (ABI coder v1, the default before
 * 0.8 and still in many deployed tokens; coder v2 reverts instead), reads any non-zero bool word as true (v1; v2
 * reverts), and before 0.5 read short calldata as if padded with zeros (calldataload past the end gives zeros). So a
 * known selector is decoded in exactly that way: whatever any of these compilers would execute, and the masked or
 * padded reading where they differ (a revert moves nothing, so the reading that executes is the worst one).
 *
 * Choices:
 * - A known token selector always yields its token action, never a lighter `contract-call`: the engine does not
 *   check recipient, token or approval rules for a `contract-call`, so falling back to one would skip them.
 * - `transferFrom` (and the ERC-721 / ERC-1155 `safeTransferFrom` forms) is a transfer of `amount` to `to` whoever
 *   `from` is: with another `from` the wallet moves tokens it was approved for, and recipient rules and limits
 *   apply to them as to its own. ERC-721 ids count as amounts (the selectors are ERC-20's); ERC-1155 batches count the
 *   sum of their values.
 * - `permit` (EIP-2612, and DAI's `allowed` form) is an approval when `owner` is the wallet (or the wallet is not
 *   known); it is a plain `contract-call` when another owner signed it: relaying it changes no allowance of the
 *   wallet's. `increaseAllowance` is an approval of the increase plus what earlier calls in the same wrapper approved
 *   (the allowance from before the transaction cannot be known offline, so APPROVE_AMOUNT_LIMIT bounds each step).
 * - `multicall(bytes[])` and `multicall(uint256,bytes[])` (OpenZeppelin, Uniswap routers) run each inner call on the
 *   same contract with the wallet as sender: the wrapper is a `contract-call` (with the value sent) and every inner
 *   call is decoded as if called directly. A wrapper nested more than MAX_WRAPPER_DEPTH deep, more than
 *   MAX_INNER_CALLS inner calls, or a wrapper or array whose offsets point outside the calldata is refused with
 *   INPUT_INVALID: what cannot be read is never signed.
 * - Disperse batches (disperseEther, disperseToken: what EVM tx.sendBatch signs) are a `contract-call` plus every
 *   transfer they make, read strictly: see decode-disperse.ts.
 * - A selector the decoder does not know is a `contract-call` with that selector (CONTRACT_ALLOWLIST and
 *   METHOD_ALLOWLIST decide), calldata shorter than a selector one with selector null.
 */
import { Interface } from 'ethers'
import { WaiaasError } from '../../lib/errors.js'
import { decodeDisperse, isDisperseSelector } from './decode-disperse.js'
import type { Action } from './types.js'

export const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** The canonical key of an address: EVM lower-case 0x hex, anything else (Solana base58) as is. */
export const addressKey = (address: string): string => (EVM_ADDRESS.test(address) ? address.toLowerCase() : address)

/** From this allowance up an approval counts as unlimited (2^255: what wallets and tokens treat as "infinite"). */
export const EVM_UNLIMITED = 1n << 255n
const MAX_UINT256 = (1n << 256n) - 1n
const ADDRESS_MASK = (1n << 160n) - 1n
/** Offsets and lengths above this make Solidity's ABI decoder v2 revert. */
const MAX_OFFSET = (1n << 64n) - 1n

/** Wrappers inside wrappers (multicall in multicall) decoded at most this deep; deeper is refused. */
export const MAX_WRAPPER_DEPTH = 3
/** Inner calls decoded at most, over all wrappers of one call; more is refused. */
export const MAX_INNER_CALLS = 64

export interface EvmDecodeOptions {
  /** The signing wallet (0x address): a `permit` signed by another owner is then a plain call. */
  wallet?: string | undefined
  /** The input field named by a refusal, e.g. `data` or `transaction.data`. */
  field?: string | undefined
}

const abi = new Interface([
  'function transfer(address to, uint256 amount)',
  'function transferFrom(address from, address to, uint256 amount)',
  'function approve(address spender, uint256 amount)',
  'function increaseAllowance(address spender, uint256 addedValue)',
  'function setApprovalForAll(address operator, bool approved)',
  'function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)',
  'function permit(address holder, address spender, uint256 nonce, uint256 expiry, bool allowed, uint8 v, bytes32 r, bytes32 s)',
  'function safeTransferFrom(address from, address to, uint256 tokenId)',
  'function safeTransferFrom(address from, address to, uint256 tokenId, bytes data)',
  'function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data)',
  'function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] values, bytes data)',
  'function transferAndCall(address to, uint256 value, bytes data)',
  'function multicall(bytes[] data)',
  'function multicall(uint256 deadline, bytes[] data)',
])
const selector = (signature: string): string => abi.getFunction(signature)!.selector

/** Calldata as the EVM reads it: 32-byte words at any byte offset, zeros past the end. */
class Calldata {
  constructor(readonly bytes: Buffer) {}

  get size(): number {
    return this.bytes.length
  }

  word(pos: number): bigint {
    const out = Buffer.alloc(32)
    if (pos < this.bytes.length) this.bytes.copy(out, 0, pos, Math.min(pos + 32, this.bytes.length))
    return BigInt(`0x${out.toString('hex')}`)
  }

  /** Head word `i` of the arguments (after the selector). */
  arg(i: number): bigint {
    return this.word(4 + 32 * i)
  }

  /** Head word `i` as an address: its low 20 bytes, as ABI coder v1 masks it. */
  address(i: number): string {
    return `0x${(this.arg(i) & ADDRESS_MASK).toString(16).padStart(40, '0')}`
  }

  /**
   * Where the items of a dynamic array (`unit` 32) or `bytes` (`unit` 1) start and how many there are, given its
   * `offset` relative to `base`; null where Solidity's decoder v2 reverts (offset or length out of range, or items
   * past the end of the calldata).
   */
  dynamic(offset: bigint, base: number, unit: number): { start: number; length: number } | null {
    if (offset > MAX_OFFSET) return null
    const at = base + Number(offset)
    if (at + 32 > this.size) return null
    const length = this.word(at)
    if (length > MAX_OFFSET || BigInt(at + 32) + length * BigInt(unit) > BigInt(this.size)) return null
    return { start: at + 32, length: Number(length) }
  }
}

interface Walk {
  contract: string
  wallet: string | null
  field: string
  /** Inner calls decoded so far, over the whole tree. */
  inner: number
  /** The allowance each spender has been given by the calls decoded so far (increaseAllowance adds to it). */
  allowances: Map<string, bigint>
}

const refuse = (w: Walk, why: string): WaiaasError =>
  new WaiaasError('INPUT_INVALID', `\`${w.field}\` ${why}`, {
    details: { field: w.field },
    hint: 'Send wrapped calls one by one (at most 3 wrappers deep, 64 calls in all) with ABI-encoded calldata; see README "What is checked is what will be signed".',
  })

const approval = (token: string, spender: string, amount: bigint): Action => ({ kind: 'token-approve', token, spender, amount, unlimited: amount >= EVM_UNLIMITED })
const transfer = (token: string, to: string, amount: bigint): Action => ({ kind: 'token-transfer', token, to, amount })

type TokenReader = (c: Calldata, w: Walk, sel: string) => Action

/** Selector → the action its function performs, read from the head words. */
const TOKEN_CALLS = new Map<string, TokenReader>([
  [selector('transfer'), (c, w) => transfer(w.contract, c.address(0), c.arg(1))],
  [selector('transferFrom'), (c, w) => transfer(w.contract, c.address(1), c.arg(2))],
  [selector('approve'), (c, w) => approval(w.contract, c.address(0), c.arg(1))],
  [selector('increaseAllowance'), (c, w) => approval(w.contract, c.address(0), c.arg(1))],
  [selector('setApprovalForAll'), (c, w) => approval(w.contract, c.address(0), c.arg(1) !== 0n ? MAX_UINT256 : 0n)],
  [
    selector('permit(address,address,uint256,uint256,uint8,bytes32,bytes32)'),
    (c, w, sel) => (othersPermit(c, w) ? opaque(w.contract, sel) : approval(w.contract, c.address(1), c.arg(2))),
  ],
  [
    selector('permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)'),
    (c, w, sel) => (othersPermit(c, w) ? opaque(w.contract, sel) : approval(w.contract, c.address(1), c.arg(4) !== 0n ? MAX_UINT256 : 0n)),
  ],
  [selector('safeTransferFrom(address,address,uint256)'), (c, w) => transfer(w.contract, c.address(1), c.arg(2))],
  [selector('safeTransferFrom(address,address,uint256,bytes)'), (c, w) => transfer(w.contract, c.address(1), c.arg(2))],
  [selector('safeTransferFrom(address,address,uint256,uint256,bytes)'), (c, w) => transfer(w.contract, c.address(1), c.arg(3))],
  [selector('safeBatchTransferFrom'), (c, w) => transfer(w.contract, c.address(1), batchTotal(c, w))],
  [selector('transferAndCall'), (c, w) => transfer(w.contract, c.address(0), c.arg(1))],
])

/** Wrapper selector → the head word holding the offset of its `bytes[]`. */
const WRAPPERS = new Map<string, number>([
  [selector('multicall(bytes[])'), 0],
  [selector('multicall(uint256,bytes[])'), 1],
])

const opaque = (contract: string, sel: string | null, value = 0n): Action => ({ kind: 'contract-call', contract, selector: sel, value })

function othersPermit(c: Calldata, w: Walk): boolean {
  return w.wallet !== null && c.address(0) !== w.wallet
}

/** The sum of an ERC-1155 batch's values (head word 3 is their offset). */
function batchTotal(c: Calldata, w: Walk): bigint {
  const values = c.dynamic(c.arg(3), 4, 32)
  if (values === null) throw refuse(w, 'has an ERC-1155 batch whose values lie outside the calldata')
  let total = 0n
  for (let i = 0; i < values.length; i++) total += c.word(values.start + 32 * i)
  return total
}

/** The inner calls of a wrapper whose `bytes[]` offset is head word `head`, as Solidity's decoder v2 reads them. */
function innerCalls(c: Calldata, head: number, w: Walk): Buffer[] {
  const bad = (): WaiaasError => refuse(w, 'wraps calls whose offsets or lengths point outside the calldata')
  const array = c.dynamic(c.arg(head), 4, 32)
  if (array === null) throw bad()
  if (w.inner + array.length > MAX_INNER_CALLS) throw refuse(w, `wraps more than ${MAX_INNER_CALLS} calls`)
  w.inner += array.length
  const out: Buffer[] = []
  for (let i = 0; i < array.length; i++) {
    const item = c.dynamic(c.word(array.start + 32 * i), array.start, 1)
    if (item === null) throw bad()
    out.push(c.bytes.subarray(item.start, item.start + item.length))
  }
  return out
}

const INCREASE_ALLOWANCE = selector('increaseAllowance')
const SET_APPROVAL_FOR_ALL = selector('setApprovalForAll')

/**
 * An allowance as it stands after this action: increaseAllowance adds to what earlier calls of the same wrapper set
 * (the allowance the spender had before the transaction is not known offline, and counts as zero).
 */
function allowanceSoFar(action: Action, sel: string, w: Walk): Action {
  if (action.kind !== 'token-approve' || sel === SET_APPROVAL_FOR_ALL) return action
  const amount = sel === INCREASE_ALLOWANCE ? (w.allowances.get(action.spender) ?? 0n) + action.amount : action.amount
  w.allowances.set(action.spender, amount)
  return amount === action.amount ? action : approval(action.token, action.spender, amount)
}

function decodeCalldata(c: Calldata, value: bigint, w: Walk, depth: number): Action[] {
  if (c.size < 4) return [opaque(w.contract, null, value)]
  const sel = `0x${c.bytes.subarray(0, 4).toString('hex')}`
  const head = WRAPPERS.get(sel)
  if (head !== undefined) {
    if (depth >= MAX_WRAPPER_DEPTH) throw refuse(w, `nests wrappers (multicall) more than ${MAX_WRAPPER_DEPTH} deep`)
    // Each inner call runs with the same msg.value, but the wallet sends it once: it is counted on the wrapper.
    const actions: Action[] = [opaque(w.contract, sel, value)]
    for (const inner of innerCalls(c, head, w)) actions.push(...decodeCalldata(new Calldata(inner), 0n, w, depth + 1))
    return actions
  }
  if (isDisperseSelector(sel)) {
    return decodeDisperse(c.bytes, sel, value, {
      contract: w.contract,
      count: (n) => {
        if (w.inner + n > MAX_INNER_CALLS) throw refuse(w, `pays more than ${MAX_INNER_CALLS} recipients`)
        w.inner += n
      },
      refuse: (why) =>
        new WaiaasError('INPUT_INVALID', `\`${w.field}\` ${why}`, {
          details: { field: w.field },
          hint: 'Encode the call with a standard ABI encoder (`waiaas` calldata.encode, ethers, viem, cast calldata), or send the transfers with tx.sendBatch.',
        }),
    })
  }
  const read = TOKEN_CALLS.get(sel)
  if (read === undefined) return [opaque(w.contract, sel, value)]
  const action = allowanceSoFar(read(c, w, sel), sel, w)
  if (value === 0n) return [action]
  return action.kind === 'contract-call' ? [{ ...action, value }] : [action, { kind: 'native-transfer', to: w.contract, amount: value }]
}

/**
 * The actions of an EVM call of `to` with calldata `data` and `value` wei. INPUT_INVALID naming `opts.field` for a
 * wrapper it cannot read (too deep, too many calls, offsets outside the calldata); anything else decodes.
 */
export function decodeEvmCall(to: string, data: string, value: bigint, opts: EvmDecodeOptions = {}): Action[] {
  const contract = addressKey(to)
  const hex = typeof data === 'string' ? data.toLowerCase() : ''
  if (hex === '0x' || hex === '') {
    return value > 0n ? [{ kind: 'native-transfer', to: contract, amount: value }] : [opaque(contract, null, value)]
  }
  if (!/^0x([0-9a-f]{2})+$/.test(hex)) return [opaque(contract, null, value)]
  const wallet = opts.wallet !== undefined && EVM_ADDRESS.test(opts.wallet) ? opts.wallet.toLowerCase() : null
  const walk: Walk = { contract, wallet, field: opts.field ?? 'data', inner: 0, allowances: new Map() }
  return decodeCalldata(new Calldata(Buffer.from(hex.slice(2), 'hex')), value, walk, 0)
}

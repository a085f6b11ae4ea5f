/**
 * What an EVM transaction does to the wallet, read from the node's simulation (eth_simulateV1 with traceTransfers)
 * rather than from its calldata: every native transfer out of the wallet (at any call depth), every ERC-20, ERC-721
 * and ERC-1155 transfer of the wallet's tokens, every allowance or operator approval the wallet gives, and an
 * `Ownable` contract the wallet owns changing hands. The result is a list of policy actions, so the engine judges a
 * contract that pulls the wallet's tokens through an old allowance exactly as if the wallet had sent them.
 *
 * Choices:
 * - Only logs of the successful execution count (a reverted inner call's logs are discarded by the node, as on
 *   chain). A reverted transaction has no effect but its fee: `reverted`.
 * - An Approval log is an allowance change, but transferFrom also emits one (the spent allowance, lower than before):
 *   only an allowance higher than the one held now is an approval.
 * - A node without eth_simulateV1 (most public endpoints have it; some do not) gives `unavailable`: the engine then
 *   escalates a call the decoder cannot read. An unreachable node is an error, as for any other read.
 * - Simulation shows the state of one moment; a contract can behave differently later. The pipeline simulates when
 *   it decides and again just before it signs, and refuses to sign when the effect grew in between.
 */
import { AbiCoder, id, toQuantity } from 'ethers'
import { WaiaasError } from '../../../lib/errors.js'
import type { Action } from '../../policy/types.js'
import type { EffectReport } from '../types.js'
import { APPROVAL_TOPIC as APPROVAL, encodeAllowance, TRANSFER_TOPIC as TRANSFER } from './erc20.js'
import type { EvmRpc } from './provider.js'

const APPROVAL_FOR_ALL = id('ApprovalForAll(address,address,bool)')
const TRANSFER_SINGLE = id('TransferSingle(address,address,address,uint256,uint256)')
const TRANSFER_BATCH = id('TransferBatch(address,address,address,uint256[],uint256[])')
const OWNERSHIP_TRANSFERRED = id('OwnershipTransferred(address,address)')
/** The pseudo-address eth_simulateV1 gives the Transfer logs of native value (traceTransfers). */
const NATIVE = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'
const UNLIMITED = 1n << 255n
const MAX_UINT256 = (1n << 256n) - 1n

export interface EvmCall {
  from: string
  to: string
  data: string
  value: bigint
  /** The gas limit the transaction will carry; the simulation runs with it. */
  gas?: bigint
}

interface SimLog {
  address: string
  topics: string[]
  data: string
}

interface SimCall {
  status: string
  gasUsed: string
  logs?: SimLog[]
  error?: { message?: string }
}

/** The address in a 32-byte topic, lower case; null when its high 12 bytes are not zero (not an address). */
function topicAddress(topic: string | undefined): string | null {
  if (topic === undefined || !/^0x[0-9a-fA-F]{64}$/.test(topic) || !/^0x0{24}/.test(topic)) return null
  return `0x${topic.slice(26).toLowerCase()}`
}

const word = (data: string, i: number): bigint | null => {
  const hex = data.slice(2 + 64 * i, 2 + 64 * (i + 1))
  return hex.length === 64 ? BigInt(`0x${hex}`) : null
}

/** The effect of `call` from the wallet `call.from`, simulated on the latest block. */
export async function simulateEvmEffects(rpc: EvmRpc, call: EvmCall): Promise<EffectReport> {
  const wallet = call.from.toLowerCase()
  const request = {
    from: call.from,
    to: call.to,
    data: call.data,
    value: toQuantity(call.value),
    ...(call.gas === undefined ? {} : { gas: toQuantity(call.gas) }),
  }
  let blocks: { calls?: SimCall[] }[]
  try {
    blocks = await rpc.read('simulate effects', 'eth_simulateV1', [{ blockStateCalls: [{ calls: [request] }], validation: false, traceTransfers: true }, 'latest'])
  } catch (err) {
    // Method not found, or a node that refuses this call: no simulation here. Unreachable stays an error.
    if (err instanceof WaiaasError && err.code === 'CHAIN_ERROR') return { status: 'unavailable', actions: [], gasUsed: null }
    throw err
  }
  const result = blocks[0]?.calls?.[0]
  if (result === undefined) return { status: 'unavailable', actions: [], gasUsed: null }
  const gasUsed = /^0x[0-9a-fA-F]+$/.test(result.gasUsed) ? BigInt(result.gasUsed) : null
  if (result.status !== '0x1') return { status: 'reverted', actions: [], gasUsed, reason: result.error?.message ?? 'reverted' }
  const actions: Action[] = []
  const approvals: { token: string; spender: string; amount: bigint; kind: 'erc20' | 'all' }[] = []
  for (const log of result.logs ?? []) {
    const topic = log.topics[0]?.toLowerCase()
    const token = log.address.toLowerCase()
    if (topic === TRANSFER) {
      const from = topicAddress(log.topics[1])
      const to = topicAddress(log.topics[2])
      if (from !== wallet || to === null) continue
      // ERC-20 (and native, under traceTransfers): the amount is the data; ERC-721: the token id is the 4th topic.
      const amount = log.topics.length === 4 ? BigInt(log.topics[3] ?? '0x0') : word(log.data, 0)
      if (amount === null) continue
      if (token === NATIVE) actions.push({ kind: 'native-transfer', to, amount })
      else actions.push({ kind: 'token-transfer', token, to, amount })
    } else if (topic === TRANSFER_SINGLE || topic === TRANSFER_BATCH) {
      const from = topicAddress(log.topics[2])
      const to = topicAddress(log.topics[3])
      if (from !== wallet || to === null) continue
      let total = 0n
      try {
        if (topic === TRANSFER_SINGLE) total = word(log.data, 1) ?? 0n
        else for (const v of AbiCoder.defaultAbiCoder().decode(['uint256[]', 'uint256[]'], log.data)[1] as bigint[]) total += v
      } catch {
        total = MAX_UINT256
      }
      actions.push({ kind: 'token-transfer', token, to, amount: total })
    } else if (topic === APPROVAL) {
      const owner = topicAddress(log.topics[1])
      const spender = topicAddress(log.topics[2])
      if (owner !== wallet || spender === null) continue
      if (log.topics.length === 4) {
        // ERC-721: approval of one token id; the zero address clears it.
        if (spender !== '0x0000000000000000000000000000000000000000') actions.push({ kind: 'token-approve', token, spender, amount: BigInt(log.topics[3] ?? '0x0'), unlimited: false })
        continue
      }
      const amount = word(log.data, 0)
      if (amount !== null && amount > 0n) approvals.push({ token, spender, amount, kind: 'erc20' })
    } else if (topic === APPROVAL_FOR_ALL) {
      const owner = topicAddress(log.topics[1])
      const operator = topicAddress(log.topics[2])
      if (owner !== wallet || operator === null || (word(log.data, 0) ?? 0n) === 0n) continue
      approvals.push({ token, spender: operator, amount: MAX_UINT256, kind: 'all' })
    } else if (topic === OWNERSHIP_TRANSFERRED) {
      const previous = topicAddress(log.topics[1])
      const next = topicAddress(log.topics[2])
      if (previous === wallet && next !== wallet) actions.push({ kind: 'authority-change', account: token, what: `ownership of contract ${token} passes to ${next ?? 'an unknown address'}` })
    }
  }
  // An approval is an effect only when it raises what the spender may take now (transferFrom lowers it and logs it).
  const held = await Promise.all(approvals.map((a) => currentApproval(rpc, a.token, wallet, a.spender, a.kind)))
  approvals.forEach((a, i) => {
    if (a.amount > (held[i] ?? 0n)) actions.push({ kind: 'token-approve', token: a.token, spender: a.spender, amount: a.amount, unlimited: a.amount >= UNLIMITED })
  })
  return { status: 'simulated', actions, gasUsed }
}

/** The allowance (ERC-20) or operator approval (max when set) the wallet gives `spender` now; 0 when unreadable. */
async function currentApproval(rpc: EvmRpc, token: string, owner: string, spender: string, kind: 'erc20' | 'all'): Promise<bigint> {
  const data =
    kind === 'erc20'
      ? encodeAllowance(owner, spender)
      : id('isApprovedForAll(address,address)').slice(0, 10) + AbiCoder.defaultAbiCoder().encode(['address', 'address'], [owner, spender]).slice(2)
  try {
    const out = await rpc.read<string>('read allowance', 'eth_call', [{ to: token, data }, 'latest'])
    const v = word(out, 0) ?? 0n
    return kind === 'all' ? (v === 0n ? 0n : MAX_UINT256) : v
  } catch (err) {
    if (err instanceof WaiaasError && err.code === 'CHAIN_RPC_UNREACHABLE') throw err
    return 0n
  }
}

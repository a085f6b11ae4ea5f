/**
 * Incoming transfers on one EVM network, found in confirmed blocks only (so a reorg within the confirmation depth
 * never produces a false report): native value from each block's transactions (to one of our addresses, value > 0,
 * receipt status 1), and tokens from `Transfer(address,address,uint256)` logs whose recipient topic is one of our
 * addresses, from any contract (a token nobody registered is still reported). ERC-721 transfers (4 topics) and
 * zero-value transfers (address-poisoning spam) are ignored, and so is a wallet's transfer to itself.
 *
 * Cursors: one per wallet, the last fully scanned block. Watching starts where watch-start.ts recorded it (the head
 * when the wallet was created or the network first watched, or a time, mapped here to the last block stamped before
 * it); a wallet without any cursor (made by an older version) starts at the current confirmed head. Ranges are read in `eth_getLogs`
 * chunks that halve when the node refuses them and double while they come back fast, and a tick covers at most
 * MAX_BLOCKS_PER_TICK blocks, so a tick stays bounded and a fast chain is caught up over a few ticks.
 * Not seen: native value moved by contracts (internal transactions), which needs a tracing node.
 */
import { AbiCoder, getAddress } from 'ethers'
import { WaiaasError } from '../../lib/errors.js'
import { decodeSymbolResult, encodeDecimals, encodeSymbol, TRANSFER_TOPIC } from '../chains/evm/erc20.js'
import type { EvmRpc } from '../chains/evm/provider.js'
import type { EffectiveNetwork } from '../networks.js'
import type { Db } from '../store/db.js'
import { commitScan, cursorsOf, type CursorWrite, type FoundTransfer } from '../store/incoming.js'
import type { WalletRow } from '../store/wallets.js'
import { parseStart, START_SKEW_MS } from './watch-start.js'

const MIN_SPAN = 1
const MAX_SPAN = 2000
const START_SPAN = 100
const MAX_BLOCKS_PER_TICK = 2000
/** Parallel eth_getBlockByNumber reads. */
const BLOCK_CONCURRENCY = 8
/** A getLogs chunk that answers faster than this may grow. */
const FAST_MS = 1000

/** What the monitor keeps per EVM network between ticks. */
export interface EvmScanState {
  /** Blocks per eth_getLogs call. */
  span: number
  /** decimals and symbol per token contract (lower-case), best effort. */
  tokens: Map<string, { decimals: number | null; symbol: string | null }>
}

export const newEvmScanState = (): EvmScanState => ({ span: START_SPAN, tokens: new Map() })

export interface ScanOutcome {
  /** Every wallet has been scanned through this block / slot (null: nothing to scan yet). */
  through: number | null
  found: FoundTransfer[]
}

interface RpcBlock {
  number: string
  timestamp: string
  transactions: { hash: string; from: string; to: string | null; value: string }[]
}

interface RpcLog {
  address: string
  topics: string[]
  data: string
  blockNumber: string
  transactionHash: string
  logIndex: string
  removed?: boolean
}

const hex = (n: number): string => `0x${n.toString(16)}`
const topicAddress = (topic: string): string => getAddress(`0x${topic.slice(-40)}`)
const padTopic = (address: string): string => `0x${address.slice(2).toLowerCase().padStart(64, '0')}`

/** Runs `fn` over `items` with at most `limit` in flight; rejects on the first failure. */
async function eachLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/**
 * The last block stamped before `ms` less START_SKEW_MS (-1 when even block 0 is not), by binary search over block
 * timestamps up to `head`: where a wallet created while the node could not be reached starts.
 */
async function blockBefore(rpc: EvmRpc, ms: number, head: number): Promise<number> {
  const target = Math.floor((ms - START_SKEW_MS) / 1000)
  let lo = -1 // stamped before target (or before the chain)
  let hi = head + 1 // stamped at or after target (or not yet mined)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    const b = await rpc.write<{ timestamp: string } | null>('read block', 'eth_getBlockByNumber', [hex(mid), false])
    if (b === null) throw new WaiaasError('CHAIN_RPC_UNREACHABLE', `Block ${mid} is not available yet`, { details: { block: mid } })
    if (Number(BigInt(b.timestamp)) < target) lo = mid
    else hi = mid
  }
  return lo
}

/** Errors that say the endpoint itself is down or limiting us: a smaller range would not help. */
const transport = (err: unknown): boolean => err instanceof WaiaasError && (err.code === 'CHAIN_RPC_UNREACHABLE' || err.code === 'CHAIN_RATE_LIMITED')

/** Transfer logs to `addresses` in [from, to], in adaptive chunks. */
async function readLogs(rpc: EvmRpc, state: EvmScanState, addresses: string[], from: number, to: number): Promise<RpcLog[]> {
  const logs: RpcLog[] = []
  const recipients = addresses.map(padTopic)
  let at = from
  while (at <= to) {
    const end = Math.min(to, at + state.span - 1)
    const started = Date.now()
    let chunk: RpcLog[]
    try {
      chunk = await rpc.write<RpcLog[]>('scan transfer logs', 'eth_getLogs', [{ fromBlock: hex(at), toBlock: hex(end), topics: [TRANSFER_TOPIC, null, recipients] }])
    } catch (err) {
      // "range too large", "too many results", a timeout on a big range: try a smaller one.
      if (transport(err) || state.span <= MIN_SPAN) throw err
      state.span = Math.max(MIN_SPAN, Math.floor(state.span / 2))
      continue
    }
    logs.push(...chunk)
    if (Date.now() - started < FAST_MS && end - at + 1 === state.span) state.span = Math.min(MAX_SPAN, state.span * 2)
    at = end + 1
  }
  return logs
}

/** decimals() and symbol() of a token, best effort: null for what it does not answer. Transport errors propagate. */
async function tokenMeta(rpc: EvmRpc, state: EvmScanState, token: string): Promise<{ decimals: number | null; symbol: string | null }> {
  const key = token.toLowerCase()
  const hit = state.tokens.get(key)
  if (hit !== undefined) return hit
  const call = async (data: string): Promise<string | null> => {
    try {
      const raw = await rpc.write<string>('read token metadata', 'eth_call', [{ to: token, data }, 'latest'])
      return raw === '0x' ? null : raw
    } catch (err) {
      if (transport(err)) throw err
      return null
    }
  }
  const [decRaw, symRaw] = await Promise.all([call(encodeDecimals()), call(encodeSymbol())])
  const coder = AbiCoder.defaultAbiCoder()
  let decimals: number | null = null
  try {
    const d = decRaw === null ? null : Number(coder.decode(['uint256'], decRaw)[0])
    decimals = d !== null && Number.isInteger(d) && d >= 0 && d <= 77 ? d : null
  } catch {
    decimals = null
  }
  let symbol = symRaw === null ? null : decodeSymbolResult(symRaw)
  // A symbol is shown to people: printable and short, or nothing.
  if (symbol !== null) symbol = /^[\x20-\x7e]{1,32}$/.test(symbol) ? symbol : null
  const meta = { decimals, symbol }
  state.tokens.set(key, meta)
  return meta
}

/**
 * One scan of one EVM network for `wallets` (its EVM wallets): reads the confirmed blocks after the cursors and
 * commits what it found with the cursor advance. Throws on any RPC failure, having written nothing of that range.
 */
export async function scanEvm(db: Db, net: EffectiveNetwork, rpc: EvmRpc, state: EvmScanState, wallets: readonly WalletRow[], guard: () => void): Promise<ScanOutcome> {
  if (wallets.length === 0) return { through: null, found: [] }
  const head = Number(BigInt(await rpc.write<string>('read block number', 'eth_blockNumber', [])))
  const safe = head - (Math.max(1, net.confirmations) - 1)
  if (safe < 0) return { through: null, found: [] }

  const stored = cursorsOf(db, net.id)
  const cursor = new Map<string, number>()
  const fresh: CursorWrite[] = []
  for (const w of wallets) {
    const text = stored.get(w.id)?.get('')
    const pos = text === undefined ? undefined : parseStart(text)
    let at: number
    if (pos === undefined) at = safe // no cursor at all (a wallet from before starts were recorded): the confirmed head
    else if ('time' in pos) at = await blockBefore(rpc, pos.time, head)
    else if (pos.at > head) at = safe // above the head, the chain went back (a restarted local node, a lagging replica)
    else {
      // Recorded or scanned; a start not yet confirmed waits there until it is.
      cursor.set(w.id, pos.at)
      continue
    }
    fresh.push({ walletId: w.id, network: net.id, account: '', position: String(at) })
    cursor.set(w.id, at)
  }
  // Starts resolved now are written before the range is read; anything already recorded is not recorded twice.
  if (fresh.length > 0) commitScan(db, [], fresh, guard)

  const lowest = Math.min(...cursor.values())
  const from = lowest + 1
  if (from > safe) return { through: lowest, found: [] }
  const to = Math.min(safe, from + MAX_BLOCKS_PER_TICK - 1)

  const byAddress = new Map(wallets.map((w) => [w.address.toLowerCase(), w]))
  const wants = (walletId: string, block: number): boolean => block > (cursor.get(walletId) ?? Infinity)
  const found: FoundTransfer[] = []

  const logs = await readLogs(rpc, state, [...byAddress.keys()], from, to)
  const numbers = Array.from({ length: to - from + 1 }, (_, i) => from + i)
  const blocks = await eachLimited(numbers, BLOCK_CONCURRENCY, async (n) => {
    const b = await rpc.write<RpcBlock | null>('read block', 'eth_getBlockByNumber', [hex(n), true])
    // The node said the head is past n but does not have n (a lagging replica): try again next tick.
    if (b === null) throw new WaiaasError('CHAIN_RPC_UNREACHABLE', `Block ${n} of ${net.id} is not available yet`, { details: { network: net.id, block: n } })
    return b
  })
  const timeOf = new Map<number, number>()
  for (const b of blocks) {
    const n = Number(BigInt(b.number))
    timeOf.set(n, Number(BigInt(b.timestamp)) * 1000)
    for (const tx of b.transactions) {
      if (typeof tx !== 'object' || tx.to === null) continue
      const w = byAddress.get(tx.to.toLowerCase())
      if (w === undefined || !wants(w.id, n) || tx.from.toLowerCase() === tx.to.toLowerCase()) continue
      const value = BigInt(tx.value)
      if (value === 0n) continue
      const receipt = await rpc.write<{ status?: string } | null>('read receipt', 'eth_getTransactionReceipt', [tx.hash])
      if (receipt === null) throw new WaiaasError('CHAIN_RPC_UNREACHABLE', `No receipt yet for ${tx.hash}`, { details: { network: net.id } })
      if (receipt.status !== '0x1') continue
      found.push({
        walletId: w.id, network: net.id, tx: tx.hash, index: -1, asset: 'native', amount: value, decimals: net.nativeDecimals,
        symbol: net.nativeSymbol, from: getAddress(tx.from), block: n, blockTime: null,
      })
    }
  }

  for (const log of logs) {
    if (log.removed === true || log.topics.length !== 3 || log.topics[0]?.toLowerCase() !== TRANSFER_TOPIC) continue
    if (!/^0x[0-9a-fA-F]{64}$/.test(log.data)) continue
    const toTopic = log.topics[2] ?? ''
    const fromTopic = log.topics[1] ?? ''
    const w = byAddress.get(`0x${toTopic.slice(-40)}`.toLowerCase())
    const n = Number(BigInt(log.blockNumber))
    if (w === undefined || !wants(w.id, n) || n > to) continue
    const amount = BigInt(log.data)
    const sender = topicAddress(fromTopic)
    if (amount === 0n || sender.toLowerCase() === w.address.toLowerCase()) continue
    const meta = await tokenMeta(rpc, state, log.address)
    found.push({
      walletId: w.id, network: net.id, tx: log.transactionHash, index: Number(BigInt(log.logIndex)), asset: getAddress(log.address), amount,
      decimals: meta.decimals, symbol: meta.symbol, from: sender, block: n, blockTime: null,
    })
  }
  for (const t of found) t.blockTime = timeOf.get(t.block) ?? null
  found.sort((a, b) => a.block - b.block || a.index - b.index)

  const moves: CursorWrite[] = wallets
    .filter((w) => (cursor.get(w.id) ?? Infinity) < to)
    .map((w) => ({ walletId: w.id, network: net.id, account: '', position: String(to) }))
  const added = commitScan(db, found, moves, guard)
  return { through: to, found: added }
}

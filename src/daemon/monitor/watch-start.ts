/**
 * Where watching a wallet starts on a network: the network's head at the moment the wallet is created or imported, or
 * the network starts being watched (`incoming watch`, `devnet start`), read before the wallet's address is returned
 * to anyone. A deposit made the moment after lands in a later block or slot and is found by the next scan, however
 * long that scan takes to come. EVM: the latest block number; Solana: the slot at the scanner's commitment.
 *
 * A network that does not answer within START_READ_MS (creating a wallet offline is allowed) gets the time instead,
 * written `t:<ms>`, which its first successful scan maps onto the chain: EVM the last block stamped more than
 * START_SKEW_MS before it, Solana the signatures whose block time is at most START_SKEW_MS before it. The skew
 * allows for this machine's clock and the chain's disagreeing; a transfer in that minute before is reported too.
 * Never "the head when the scan finally runs", which would skip whatever arrived in between.
 */
import type { ChainsPort } from '../ports.js'
import { effectiveNetwork } from '../networks.js'
import type { Db } from '../store/db.js'

/** How long creating a wallet waits for a network's head before it records the time instead. */
export const START_READ_MS = 2000
/** How far before a recorded time the first scan looks (clock differences between this machine and the chain). */
export const START_SKEW_MS = 60_000

const TIME = 't:'

/** The start position for "from this time on" (the first scan maps it to a block or slot). */
export const timeStart = (ms: number): string => `${TIME}${ms}`

/** A start position as a block/slot number, or the time (ms) it stands for. */
export function parseStart(position: string): { at: number } | { time: number } {
  return position.startsWith(TIME) ? { time: Number(position.slice(TIME.length)) } : { at: Number(position) }
}

/** The head of one network now, or undefined when it does not answer in time. Never throws. */
async function head(db: Db, chains: ChainsPort, network: string): Promise<number | undefined> {
  const read = (async (): Promise<number> => {
    const adapter = await chains.adapter(effectiveNetwork(db, network))
    if (adapter.family === 'evm') return Number(BigInt(await adapter.rpc.write<string>('read block number', 'eth_blockNumber', [])))
    return adapter.rpc.write('read slot', (c) => c.getSlot(adapter.rpc.commitment))
  })()
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), START_READ_MS)))
  try {
    return await Promise.race([read, late])
  } catch {
    return undefined
  } finally {
    clearTimeout(timer)
    read.catch(() => undefined) // answered after we stopped waiting
  }
}

/**
 * Where watching starts now on each of `networks` (by CAIP-2 id): its head, else the time `at` (ms, taken before
 * the reads). Reads the networks in parallel, at most START_READ_MS.
 */
export async function readStarts(deps: { db: Db; chains: ChainsPort }, networks: readonly string[], at: number = Date.now()): Promise<Map<string, string>> {
  const heads = await Promise.all(networks.map((n) => head(deps.db, deps.chains, n)))
  return new Map(networks.map((n, i) => [n, heads[i] === undefined ? timeStart(at) : String(heads[i])]))
}

/**
 * Nonces for EVM accounts. Each (chain id, address) has one lane; every operation on a lane runs in order through a
 * promise queue, so concurrent prepare() calls get distinct nonces with no gaps. A lane starts at
 * max(the chain's pending nonce, the persisted next nonce) — the persisted value covers transactions that were
 * prepared or signed before a restart but not yet broadcast. Nonces handed out but never to be sent are released
 * and handed out again, lowest first, so no gap forms.
 */

/** Where the next nonce of each account survives restarts (SQLite in the daemon, memory in tests). */
export interface NonceStore {
  load(chainId: number, address: string): bigint | undefined
  save(chainId: number, address: string, next: bigint): void
}

/** A NonceStore in memory; share one between NonceManagers to simulate a restart. */
export class MemoryNonceStore implements NonceStore {
  private readonly map = new Map<string, bigint>()
  load(chainId: number, address: string): bigint | undefined {
    return this.map.get(`${chainId}:${address.toLowerCase()}`)
  }
  save(chainId: number, address: string, next: bigint): void {
    this.map.set(`${chainId}:${address.toLowerCase()}`, next)
  }
}

/** Reads the chain's pending transaction count of the account (includes the node's mempool). */
export type PendingNonce = () => Promise<bigint>

interface Lane {
  /** Next never-used nonce; undefined until first read from chain and store. */
  next: bigint | undefined
  /** Handed out, then released: reused lowest first. */
  released: bigint[]
  queue: Promise<unknown>
}

/** Hands out nonces for every account of every chain, one ordered lane per account. */
export class NonceManager {
  private readonly lanes = new Map<string, Lane>()

  constructor(private readonly store: NonceStore) {}

  private lane(chainId: number, address: string): Lane {
    const key = `${chainId}:${address.toLowerCase()}`
    let lane = this.lanes.get(key)
    if (lane === undefined) {
      lane = { next: undefined, released: [], queue: Promise.resolve() }
      this.lanes.set(key, lane)
    }
    return lane
  }

  /** Runs `fn` after everything queued before it on the lane, whether that succeeded or not. */
  private serial<T>(lane: Lane, fn: () => Promise<T> | T): Promise<T> {
    const run = lane.queue.then(fn, fn)
    lane.queue = run.catch(() => undefined)
    return run
  }

  private persist(chainId: number, address: string, lane: Lane): void {
    if (lane.next !== undefined) this.store.save(chainId, address.toLowerCase(), lane.next)
  }

  /** The next nonce for the account. `pending` is read only the first time (and after resync). */
  acquire(chainId: number, address: string, pending: PendingNonce): Promise<bigint> {
    const lane = this.lane(chainId, address)
    return this.serial(lane, async () => {
      if (lane.next === undefined) {
        const onChain = await pending()
        const saved = this.store.load(chainId, address.toLowerCase())
        const next = saved !== undefined && saved > onChain ? saved : onChain
        lane.next = next
        lane.released = lane.released.filter((n) => n >= onChain && n < next)
        this.shrink(lane)
        this.persist(chainId, address, lane)
      }
      const reused = lane.released.shift()
      if (reused !== undefined) return reused
      const n = lane.next
      lane.next = n + 1n
      this.persist(chainId, address, lane)
      return n
    })
  }

  /**
   * Gives back a nonce whose transaction will never be broadcast, so the next acquire() reuses it. After a restart
   * it may be called before the first acquire(), for persisted nonces that no stored transaction covers.
   */
  release(chainId: number, address: string, nonce: bigint): Promise<void> {
    const lane = this.lane(chainId, address)
    return this.serial(lane, () => {
      if ((lane.next !== undefined && nonce >= lane.next) || lane.released.includes(nonce)) return
      lane.released.push(nonce)
      lane.released.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      if (lane.next === undefined) return // checked against the chain when the lane starts
      this.shrink(lane)
      this.persist(chainId, address, lane)
    })
  }

  /** Released nonces at the top lower `next` instead, so a restart does not leave a gap there. */
  private shrink(lane: Lane): void {
    while (lane.next !== undefined && lane.released.length > 0 && lane.released[lane.released.length - 1] === lane.next - 1n) {
      lane.released.pop()
      lane.next -= 1n
    }
  }

  /**
   * Forgets the lane's state and restarts from the chain's pending nonce: after CHAIN_NONCE_TOO_LOW (someone else
   * used the account) or when a broadcast transaction was dropped. Call it only when no prepared-but-unsent
   * transaction of this account is still meant to be sent; their nonces may be handed out again.
   */
  resync(chainId: number, address: string, pending: PendingNonce): Promise<bigint> {
    const lane = this.lane(chainId, address)
    return this.serial(lane, async () => {
      const onChain = await pending()
      lane.next = onChain
      lane.released = []
      this.persist(chainId, address, lane)
      return onChain
    })
  }

  /** The next nonce the lane would hand out (for status displays and tests); undefined before first use. */
  peek(chainId: number, address: string): bigint | undefined {
    const lane = this.lanes.get(`${chainId}:${address.toLowerCase()}`)
    return lane?.released[0] ?? lane?.next
  }
}

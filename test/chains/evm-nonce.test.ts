/**
 * The nonce manager against a real anvil: concurrent sends get distinct, gap-free nonces; a restart (new manager on
 * the same persisted store) neither reuses nor skips one; released nonces are reused; resync recovers after another
 * sender used the account (CHAIN_NONCE_TOO_LOW) or a prepared transaction was dropped.
 */
import { JsonRpcProvider, Transaction, Wallet, parseEther, type TransactionReceipt } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAnvil, type AnvilHandle } from '../../src/devnet/anvil.js'
import { MemoryNonceStore, NonceManager, createEvmAdapter, createProvider, type EvmAdapter, type NonceStore } from '../../src/daemon/chains/evm/index.js'
import type { PreparedTx, SignedTx } from '../../src/daemon/chains/types.js'
import { catchAsync } from '../helpers/errors.js'
import { mined } from '../helpers/solc.js'

const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

let anvil: AnvilHandle
let provider: JsonRpcProvider
let dev: Wallet
const opened: EvmAdapter[] = []

function adapterWith(store: NonceStore): EvmAdapter {
  const a = createEvmAdapter({ network: 'evm-local', chainId: anvil.chainId, rpcUrl: anvil.url, confirmations: 1, nonces: new NonceManager(store) })
  opened.push(a)
  return a
}

async function fresh(): Promise<{ address: string; key: Buffer; wallet: Wallet }> {
  const w = Wallet.createRandom()
  await mined(provider, (await dev.sendTransaction({ to: w.address, value: parseEther('10') })).hash)
  return { address: w.address, key: Buffer.from(w.privateKey.slice(2), 'hex'), wallet: new Wallet(w.privateKey, provider) }
}

const nonceOf = (p: PreparedTx): number => Number(p.unsigned.nonce)
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i)

/**
 * The sorted nonces of `hashes` once all are mined. anvil's automine can leave ready transactions that arrived out of
 * nonce order in its pool until the next transaction comes (foundry-rs/foundry#10122), so after 3 s without progress
 * this mines one block by hand. A nonce gap would still fail: a block takes only transactions whose nonce is ready.
 */
async function landedNonces(hashes: string[]): Promise<number[]> {
  const receipts = new Map<string, TransactionReceipt>()
  let lastProgress = Date.now()
  let nudges = 0
  while (receipts.size < hashes.length) {
    for (const h of hashes.filter((x) => !receipts.has(x))) {
      const r = await provider.getTransactionReceipt(h)
      if (r !== null) {
        receipts.set(h, r)
        lastProgress = Date.now()
      }
    }
    if (receipts.size === hashes.length) break
    if (Date.now() - lastProgress > 3000) {
      if (nudges++ >= 2) {
        const txs = await Promise.all(hashes.map((h) => provider.getTransaction(h)))
        const stuck = txs.filter((t) => t !== null && t.blockNumber === null).map((t) => t?.nonce)
        throw new Error(`not all mined: pending nonces ${JSON.stringify(stuck)}, unknown ${hashes.filter((_h, i) => txs[i] === null).join(',')}`)
      }
      await provider.send('evm_mine', [])
      lastProgress = Date.now()
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  expect([...receipts.values()].every((r) => r.status === 1)).toBe(true)
  const txs = await Promise.all(hashes.map((h) => provider.getTransaction(h)))
  return txs.map((t) => t?.nonce ?? -1).sort((x, y) => x - y)
}

/**
 * Broadcasts one after another in nonce order. What is under test is which nonces the manager hands out; anvil can
 * keep transactions that arrive out of nonce order in its pool even once the gap is filled, and evm_mine does not
 * promote them (foundry-rs/foundry#10122), so concurrent broadcasts would sometimes test anvil instead of us.
 */
async function broadcastInOrder(a: EvmAdapter, signed: SignedTx[]): Promise<void> {
  const nonce = (s: SignedTx): number => Transaction.from(s.raw).nonce
  for (const s of [...signed].sort((x, y) => nonce(x) - nonce(y))) await a.broadcast(s)
}

beforeAll(async () => {
  anvil = await startAnvil()
  provider = createProvider({ network: 'evm-local', chainId: anvil.chainId, rpcUrl: anvil.url })
  dev = new Wallet(DEV_KEY, provider)
})

afterAll(async () => {
  for (const a of opened) a.close()
  provider?.destroy()
  await anvil?.stop()
})

describe('concurrent sends from one wallet', () => {
  it('20 parallel prepare→sign get nonces 0..19, and all land', async () => {
    const w = await fresh()
    const a = adapterWith(new MemoryNonceStore())
    const to = Wallet.createRandom().address
    const signed = await Promise.all(
      range(0, 20).map(async () => {
        const p = await a.prepare(w.address, { kind: 'native-transfer', to, amount: 1000n })
        return { nonce: nonceOf(p), s: await a.sign(p, w.key) }
      }),
    )
    expect(signed.map((x) => x.nonce).sort((x, y) => x - y)).toEqual(range(0, 20))
    await broadcastInOrder(a, signed.map((x) => x.s))
    const hashes = signed.map((x) => x.s.hash)
    expect(await landedNonces(hashes)).toEqual(range(0, 20))
    expect(await provider.getTransactionCount(w.address)).toBe(20)
    expect(await provider.getBalance(to)).toBe(20_000n)
  })

  it('a restart in the middle (new manager, same store, new adapter) neither reuses nor skips a nonce', async () => {
    const w = await fresh()
    const store = new MemoryNonceStore()
    const before = adapterWith(store)
    const intent = { kind: 'native-transfer' as const, to: Wallet.createRandom().address, amount: 1n }
    const first = await Promise.all(range(0, 10).map(async () => {
      const p = await before.prepare(w.address, intent)
      return { p, s: await before.sign(p, w.key) }
    }))
    first.sort((x, y) => nonceOf(x.p) - nonceOf(y.p))
    expect(first.map((x) => nonceOf(x.p))).toEqual(range(0, 10))
    // Half were broadcast before the "crash"; the other half were signed and stored, to be sent on restart.
    for (const x of first.slice(0, 5)) await before.broadcast(x.s)
    before.close()

    const after = adapterWith(store)
    const second = await Promise.all(range(0, 10).map(async () => {
      const p = await after.prepare(w.address, intent)
      return { p, s: await after.sign(p, w.key) }
    }))
    expect(second.map((x) => nonceOf(x.p)).sort((x, y) => x - y)).toEqual(range(10, 20))
    const rest: SignedTx[] = [...first.slice(5).map((x) => x.s), ...second.map((x) => x.s)]
    await broadcastInOrder(after, rest)
    expect(await landedNonces([...first, ...second].map((x) => x.s.hash))).toEqual(range(0, 20))
    expect(store.load(anvil.chainId, w.address)).toBe(20n)
  })
})

describe('release and resync', () => {
  it('a released nonce is handed out again, lowest first, so no gap forms', async () => {
    const w = await fresh()
    const a = adapterWith(new MemoryNonceStore())
    const intent = { kind: 'native-transfer' as const, to: w.address, amount: 1n }
    const [p0, p1, p2] = [await a.prepare(w.address, intent), await a.prepare(w.address, intent), await a.prepare(w.address, intent)]
    await a.releaseNonce(p1)
    const again = await a.prepare(w.address, intent)
    expect(nonceOf(again)).toBe(1)
    await a.releaseNonce(p2) // the top nonce: next shrinks back
    const top = await a.prepare(w.address, intent)
    expect(nonceOf(top)).toBe(2)
    const signed = await Promise.all([p0, again, top].map((p) => a.sign(p, w.key)))
    await broadcastInOrder(a, signed)
    expect(await landedNonces(signed.map((s) => s.hash))).toEqual([0, 1, 2])
  })

  it('after a crash, a persisted nonce no stored transaction covers can be released before the first prepare', async () => {
    const w = await fresh()
    const store = new MemoryNonceStore()
    const before = adapterWith(store)
    const intent = { kind: 'native-transfer' as const, to: w.address, amount: 1n }
    const [p0, p1, p2] = [await before.prepare(w.address, intent), await before.prepare(w.address, intent), await before.prepare(w.address, intent)]
    const stored = [await before.sign(p0, w.key), await before.sign(p2, w.key)] // p1 crashed before it was stored
    before.close()
    const after = adapterWith(store)
    await after.releaseNonce(p1)
    const again = await after.prepare(w.address, intent)
    expect(nonceOf(again)).toBe(1)
    const all = [...stored, await after.sign(again, w.key)]
    await broadcastInOrder(after, all)
    expect(await landedNonces(all.map((s) => s.hash))).toEqual([0, 1, 2])
    expect(nonceOf(await after.prepare(w.address, intent))).toBe(3)
  })

  it('after another sender used the account: CHAIN_NONCE_TOO_LOW, then resync and retry', async () => {
    const w = await fresh()
    const a = adapterWith(new MemoryNonceStore())
    const intent = { kind: 'native-transfer' as const, to: w.address, amount: 1n }
    await mined(provider, (await w.wallet.sendTransaction({ to: w.address, value: 1n, nonce: 0 })).hash) // outside waiaas
    const stale = await a.prepare(w.address, intent) // the lane starts from the chain: 1
    expect(nonceOf(stale)).toBe(1)
    await mined(provider, (await w.wallet.sendTransaction({ to: w.address, value: 1n, nonce: 1 })).hash)
    const e = await catchAsync(a.sign(stale, w.key).then((s) => a.broadcast(s)))
    expect(e.code).toBe('CHAIN_NONCE_TOO_LOW')
    expect(await a.resyncNonce(w.address)).toBe(2n)
    const ok = await a.prepare(w.address, intent)
    expect(nonceOf(ok)).toBe(2)
    const s = await a.sign(ok, w.key)
    await a.broadcast(s)
    expect(await landedNonces([s.hash])).toEqual([2])
  })

  it('after a dropped transaction, resync hands its nonce out again', async () => {
    const w = await fresh()
    const store = new MemoryNonceStore()
    const a = adapterWith(store)
    const intent = { kind: 'native-transfer' as const, to: w.address, amount: 1n }
    const lost = await a.prepare(w.address, intent) // signed but never made it to the chain
    expect(nonceOf(lost)).toBe(0)
    expect(store.load(anvil.chainId, w.address)).toBe(1n)
    expect(await a.resyncNonce(w.address)).toBe(0n)
    const p = await a.prepare(w.address, intent)
    expect(nonceOf(p)).toBe(0)
    const s = await a.sign(p, w.key)
    await a.broadcast(s)
    expect(await landedNonces([s.hash])).toEqual([0])
  })
})

/**
 * Nonces across a daemon restart, with the daemon's own pieces: the chain registry and its SQLite nonce store on a
 * real database file. Transactions signed before the "crash" but never broadcast keep their nonces; the restarted
 * registry continues after them, and every nonce from 0 lands exactly once.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { JsonRpcProvider, Transaction, Wallet } from 'ethers'
import { afterAll, describe, expect, it } from 'vitest'
import { ChainRegistry } from '../../src/daemon/chains/registry.js'
import type { SignedTx } from '../../src/daemon/chains/types.js'
import { effectiveNetwork } from '../../src/daemon/networks.js'
import { openDatabase } from '../../src/daemon/store/db.js'
import { setNetworkSetting } from '../../src/daemon/store/network-settings.js'
import { mined } from '../helpers/solc.js'
import { localChain } from '../helpers/chains.js'

const nonceOf = (s: SignedTx): number => Transaction.from(s.raw).nonce
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-nonce-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('EVM nonces across a daemon restart', () => {
  it('neither reuses nor skips a nonce when the daemon restarts between signing and broadcasting', async () => {
    const file = path.join(dir, 'waiaas.db')
    const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    const sender = Wallet.createRandom()
    const key = Buffer.from(sender.privateKey.slice(2), 'hex')
    await provider.send('anvil_setBalance', [sender.address, '0x56bc75e2d63100000']) // 100 ETH
    const to = Wallet.createRandom().address

    // First life: sign 6 concurrently, broadcast only the first 3, then "crash".
    let db = openDatabase(file)
    setNetworkSetting(db, 'eip155:31337', { rpcUrl: localChain().evmRpcUrl })
    let adapter = await new ChainRegistry(db).adapter(effectiveNetwork(db, 'evm-local'))
    const signed: SignedTx[] = (
      await Promise.all(
        Array.from({ length: 6 }, async () => adapter.sign(await adapter.prepare(sender.address, { kind: 'native-transfer', to, amount: 1000n }), key)),
      )
    ).sort((a, b) => nonceOf(a) - nonceOf(b)) // concurrent prepares finish in any order; broadcast the lowest first
    expect(signed.map(nonceOf)).toEqual([0, 1, 2, 3, 4, 5])
    for (const s of signed.slice(0, 3)) await adapter.broadcast(s)
    db.close()

    // Second life: a new registry on the same file hands out 6, 7, 8 even though the chain has only seen 0..2.
    db = openDatabase(file)
    adapter = await new ChainRegistry(db).adapter(effectiveNetwork(db, 'evm-local'))
    expect(await provider.getTransactionCount(sender.address, 'pending')).toBe(3)
    const later = await Promise.all(
      Array.from({ length: 3 }, async () => adapter.sign(await adapter.prepare(sender.address, { kind: 'native-transfer', to, amount: 1000n }), key)),
    )
    // The stored-but-unsent ones from before the crash go out now (the pipeline resumes them), then the new ones.
    expect(later.map(nonceOf).sort((a, b) => a - b)).toEqual([6, 7, 8])
    for (const s of [...signed.slice(3), ...later].sort((a, b) => nonceOf(a) - nonceOf(b))) await adapter.broadcast(s)
    const hashes = [...signed, ...later].map((s) => s.hash)
    const receipts = await Promise.all(hashes.map((h) => mined(provider, h)))
    const nonces = await Promise.all(hashes.map(async (h) => (await provider.getTransaction(h))?.nonce))
    expect(nonces.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
    expect(receipts.every((r) => r.status === 1)).toBe(true)
    expect(await provider.getBalance(to)).toBe(9000n)
    db.close()
    provider.destroy()
  })
})

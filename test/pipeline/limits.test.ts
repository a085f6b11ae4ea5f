/**
 * Cumulative limits under concurrency, through the daemon's socket on the local EVM chain: evaluation and
 * reservation are one transaction, so concurrent requests can never together pass a cap, and released
 * reservations (cancelled, rejected) give their room back.
 */
import fc from 'fast-check'
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/daemon/store/db.js'
import { parseAmount } from '../../src/lib/amounts.js'
import type { DaemonClient } from '../../src/cli/client.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const auth = { password: PASSWORD }
const WEI = 10n ** 18n
let provider: JsonRpcProvider
let clients: DaemonClient[] = []

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, auth)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  clients = await Promise.all(Array.from({ length: 8 }, () => connectExisting(t.daemon.paths)))
  return () => {
    for (const c of clients) c.close()
  }
})

async function fundedWallet(name: string): Promise<{ id: string; address: string }> {
  const w = await t.client.call('wallet.create', { chain: 'evm', name }, auth)
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  return w
}

/** Sum of amounts whose reservation counts (reserved or spent), straight from SQLite. */
function countedWei(walletId: string): bigint {
  const db = openDatabase(t.daemon.paths.db)
  try {
    const rows = db.prepare('SELECT amounts FROM requests WHERE wallet_id = ? AND counted = 1').all(walletId) as { amounts: string }[]
    let sum = 0n
    for (const r of rows) for (const a of JSON.parse(r.amounts) as { asset: string; amount: { $n: string } }[]) if (a.asset === 'native') sum += BigInt(a.amount.$n)
    return sum
  } finally {
    db.close()
  }
}

describe('cumulative limits under concurrency', () => {
  it('50 concurrent sends against a daily cap that admits exactly 7: 7 are admitted and 7 land', async () => {
    const w = await fundedWallet('cap7')
    const before = await provider.getBalance(w.address)
    // Each send reserves 0.1 ETH plus its maximum fee (well under 0.001 ETH here): 7 fit under 0.75, 8 do not.
    await t.client.call('policy.add', { wallet: 'cap7', type: 'SPENDING_LIMIT', rules: { instant_max: '1', daily_limit: '0.75', on_exceed: 'DENY' } }, auth)
    const dests = Array.from({ length: 50 }, () => EthersWallet.createRandom().address)
    const results = await Promise.allSettled(
      dests.map((to, i) => (clients[i % clients.length] as DaemonClient).call('tx.send', { wallet: 'cap7', network: 'evm-local', to, amount: '0.1' }, auth)),
    )
    const admitted = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ id: string }>).value)
    const denied = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as { code: string; details: Record<string, unknown> })
    expect(admitted).toHaveLength(7)
    expect(denied).toHaveLength(43)
    for (const d of denied) {
      expect(d.code).toBe('POLICY_DENIED')
      expect((d.details.rule as { field: string }).field).toBe('daily_limit')
    }
    for (const a of admitted) expect((await t.client.call('tx.wait', { id: a.id, timeoutMs: 30_000 })).state).toBe('confirmed')
    let received = 0n
    for (const to of dests) received += await provider.getBalance(to)
    expect(received).toBe(7n * (WEI / 10n))
    // Mined, each counts its value and the fee it paid: exactly what left the wallet.
    expect(countedWei(w.id)).toBe(before - (await provider.getBalance(w.address)))
    expect(countedWei(w.id)).toBeGreaterThan(7n * (WEI / 10n))
    expect(await provider.getTransactionCount(w.address, 'latest')).toBe(7)
  })

  it('property: over random interleavings of sends, cancels and rejects, counted spend never passes the cap', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            { arbitrary: fc.record({ op: fc.constant('send' as const), tenths: fc.integer({ min: 1, max: 6 }), instant: fc.boolean() }), weight: 4 },
            { arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }), weight: 1 },
            { arbitrary: fc.record({ op: fc.constant('reject' as const), pick: fc.nat() }), weight: 1 },
          ),
          { minLength: 6, maxLength: 24 },
        ),
        async (ops) => {
          run += 1
          const name = `prop${run}`
          const w = await fundedWallet(name)
          // Small sends are instant (and land on chain); larger ones wait out a long delay, holding their reservation.
          await t.client.call('policy.add', { wallet: name, type: 'SPENDING_LIMIT', rules: { instant_max: '0.1', delay_max: '10', delay_seconds: 3600, daily_limit: '1', on_exceed: 'DENY' } }, auth)
          const queued: string[] = []
          const landed: string[] = []
          // Ops run in concurrent batches of up to 4, so decisions, cancels and rejects interleave in the daemon.
          for (let i = 0; i < ops.length; i += 4) {
            const batch = ops.slice(i, i + 4)
            const settled = await Promise.allSettled(
              batch.map(async (o, j) => {
                const c = clients[j % clients.length] as DaemonClient
                if (o.op === 'send') {
                  // 0.09 plus its fee stays within the 0.1 instant tier.
                  const amount = o.instant ? '0.09' : `0.${o.tenths}`
                  const r = await c.call('tx.send', { wallet: name, network: 'evm-local', to: EthersWallet.createRandom().address, amount }, auth)
                  if (r.state === 'queued') queued.push(r.id)
                  else landed.push(r.id)
                } else if (queued.length > 0) {
                  const id = queued.splice(o.pick % queued.length, 1)[0] as string
                  await (o.op === 'cancel' ? c.call('tx.cancel', { id }, auth) : c.call('tx.reject', { id }, auth))
                }
              }),
            )
            for (const s of settled) if (s.status === 'rejected') expect((s.reason as { code: string }).code).toBe('POLICY_DENIED')
            expect(countedWei(w.id)).toBeLessThanOrEqual(WEI)
          }
          for (const id of landed) expect((await t.client.call('tx.wait', { id, timeoutMs: 30_000 })).state).toBe('confirmed')
          const counted = countedWei(w.id)
          expect(counted).toBeLessThanOrEqual(WEI)
          // What the daemon would admit next agrees with SQLite: the room left is exactly cap - counted, and a probe
          // needs room for its value and its maximum fee.
          const room = WEI - counted
          const probe = await t.client.call('policy.test', { wallet: name, network: 'evm-local', to: EthersWallet.createRandom().address, amount: '0.09' })
          const need = WEI / 100n * 9n + parseAmount(probe.maxFee ?? '0', 18)
          expect(probe.tier).toBe(room >= need ? 'INSTANT' : 'DENY')
        },
      ),
      { numRuns: 8 },
    )
  })

  it('a cancelled or rejected request gives its reservation back', async () => {
    await fundedWallet('release')
    await t.client.call('policy.add', { wallet: 'release', type: 'SPENDING_LIMIT', rules: { delay_max: '10', delay_seconds: 3600, daily_limit: '1', on_exceed: 'DENY' } }, auth)
    const send = (amount: string) => t.client.call('tx.send', { wallet: 'release', network: 'evm-local', to: EthersWallet.createRandom().address, amount }, auth)
    const a = await send('0.6')
    expect((await catchAsync(send('0.6'))).code).toBe('POLICY_DENIED')
    await t.client.call('tx.cancel', { id: a.id }, auth)
    const b = await send('0.6')
    expect(b.state).toBe('queued')
    await t.client.call('tx.reject', { id: b.id }, auth)
    expect((await send('0.6')).state).toBe('queued')
    expect((await catchAsync(t.client.call('tx.cancel', { id: a.id }, auth))).code).toBe('TX_STATE_CONFLICT')
  })
})

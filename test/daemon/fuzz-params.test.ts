/**
 * Every contract method over the real socket, as the operator, with params drawn from the method's own JSON Schema
 * (fixed seed): well-shaped calls whose values are hostile or plausible for their field (wallet names of the other
 * chain, real and unknown networks, zero, negative and overflowing amounts, addresses of the wrong family, ids seen
 * in earlier answers), with the local chains behind evm-local and solana-local and a funded EVM wallet, so the calls
 * reach the handlers, the policy engine and the chains rather than stopping at validation. Each call either succeeds
 * or is refused with a documented code other than INTERNAL, and the daemon keeps answering.
 *
 * Left out: the methods that end or lock the session for the calls after them (shutdown, lock, password change and
 * init, kill switch on), start servers or chains (devnet, plugins), or wait on purpose (tx.wait, event.wait, backups).
 */
import { JsonRpcProvider } from 'ethers'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { contract, type MethodName } from '../../src/lib/contract/index.js'
import { ERROR_CODES, WaiaasError } from '../../src/lib/errors.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { arb, collectIds, type Schema } from '../helpers/schema-arb.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const SKIP = new Set<string>(['system.shutdown', 'vault.lock', 'vault.changePassword', 'vault.init', 'killswitch.on', 'devnet.start', 'devnet.fund', 'plugin.enable', 'tx.wait', 'event.wait', 'backup.create'])
const RUNS_PER_METHOD = 60

const seenIds = new Set<string>(['01J00000000000000000000000'])

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  await t.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, op)
  const e = await t.client.call('wallet.create', { chain: 'evm', name: 'e' }, op)
  await t.client.call('wallet.create', { chain: 'solana', name: 's' }, op)
  const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  await provider.send('anvil_setBalance', [e.address, '0x56bc75e2d63100000'])
  provider.destroy()
  // Tiers to walk through: instant, delayed (1 s), approval above 0.1; Solana wallets get the same in SOL.
  await t.client.call('policy.add', { wallet: 'e', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01', delay_max: '0.1', delay_seconds: 1 } }, op)
  await t.client.call('policy.add', { wallet: 's', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01', delay_max: '0.1', delay_seconds: 1 } }, op)
})

describe('every method, params drawn from its schema', () => {
  it('succeeds or is refused with a documented code, never INTERNAL, and the daemon keeps answering', async () => {
    // Renames and deletes last, so the wallets the other methods name are still there.
    const last = ['wallet.rename', 'wallet.delete']
    const methods = [...(Object.keys(contract) as MethodName[]).filter((m) => !SKIP.has(m) && !last.includes(m)), ...(last as MethodName[])]
    const perMethod = new Map<string, Map<string, number>>()
    const codes = new Map<string, number>()
    let calls = 0
    for (const [i, method] of methods.entries()) {
      const schema = z.toJSONSchema(contract[method].input, { io: 'input', unrepresentable: 'any' }) as Schema
      for (const params of fc.sample(arb(schema, '', [...seenIds]), { numRuns: RUNS_PER_METHOD, seed: 1126 + i })) {
        calls++
        let outcome = 'ok'
        try {
          collectIds(await t.client.call(method, params as never, op), seenIds)
        } catch (err) {
          const where = `${method} ${JSON.stringify(params)?.slice(0, 400)}: ${String(err)}`
          expect(err, where).toBeInstanceOf(WaiaasError)
          const e = err as WaiaasError
          expect(e.code, `${where}\n${JSON.stringify(e.details)}`).not.toBe('INTERNAL')
          expect(Object.hasOwn(ERROR_CODES, e.code), where).toBe(true)
          outcome = e.code
        }
        codes.set(outcome, (codes.get(outcome) ?? 0) + 1)
        const pm = perMethod.get(method) ?? new Map<string, number>()
        pm.set(outcome, (pm.get(outcome) ?? 0) + 1)
        perMethod.set(method, pm)
      }
    }
    expect(calls).toBeGreaterThan(3000)
    // The draws reach past validation: most calls are answered or refused by the handlers, not the schema, and
    // sends get as far as the chain (funds, token contracts) and the idempotency table.
    expect(codes.get('ok') ?? 0, JSON.stringify(Object.fromEntries(codes))).toBeGreaterThan(calls / 10)
    expect(codes.get('INPUT_INVALID') ?? 0).toBeLessThan(calls / 2)
    const sends = perMethod.get('tx.send') ?? new Map<string, number>()
    expect([...sends.keys()].some((c) => c.startsWith('CHAIN_')), JSON.stringify(Object.fromEntries(sends))).toBe(true)
    expect((await t.client.call('system.status', {})).walletCount).toBeGreaterThanOrEqual(2)
  }, 300_000)
})

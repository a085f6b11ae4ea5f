/**
 * The pipeline through the daemon's socket on the local EVM chain: default deny, the tiers (instant, delay,
 * approval), operator approve and reject, idempotency, the kill switch and message signing rules.
 */
import { JsonRpcProvider, verifyMessage, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'
import { testClock } from '../helpers/test-clock.js'

const TICK_MS = 50
// Delays pass on the daemon's test clock, moved by the tests, not by waiting.
const clock = testClock()
const t = useDaemon({ env: { pipelineTickMs: TICK_MS, testClockFile: clock.file } })
const auth = { password: PASSWORD }
let provider: JsonRpcProvider
let evm: { id: string; address: string }
const to = () => EthersWallet.createRandom().address

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, auth)
  evm = await t.client.call('wallet.create', { chain: 'evm', name: 'pipe' }, auth)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  await provider.send('anvil_setBalance', [evm.address, '0x56bc75e2d63100000']) // 100 ETH
})

const send = (amount: string, extra: Record<string, unknown> = {}) =>
  t.client.call('tx.send', { wallet: 'pipe', network: 'evm-local', to: (extra.to as string | undefined) ?? to(), amount, ...extra }, auth)

describe('pipeline', () => {
  it('denies everything while the wallet has no policy, and says which policy to add', async () => {
    const err = await catchAsync(send('0.01'))
    expect(err.code).toBe('POLICY_DENIED')
    expect(String(err.details.wouldPass)).toContain('SPENDING_LIMIT')
    const { requests } = await t.client.call('tx.list', { wallet: 'pipe', state: 'denied' })
    expect(requests).toHaveLength(1)
    expect(requests[0]?.id).toBe(err.details.id)
  })

  it('sends within the instant limit at once, and it lands on chain', async () => {
    await t.client.call('policy.add', { wallet: 'pipe', type: 'SPENDING_LIMIT', rules: { instant_max: '0.1', delay_max: '0.5', delay_seconds: 1 } }, auth)
    const dest = to()
    const r = await send('0.05', { to: dest })
    expect(r).toMatchObject({ tier: 'INSTANT', state: 'submitted', amount: '0.05', symbol: 'ETH' })
    const done = await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })
    expect(done.state).toBe('confirmed')
    expect(await provider.getBalance(dest)).toBe(50_000_000_000_000_000n)
  })

  it('queues a delayed send and signs it when the delay has passed', async () => {
    const r = await send('0.3')
    expect(r).toMatchObject({ tier: 'DELAY', state: 'queued' })
    expect(r.executeAt).not.toBeNull()
    clock.advance(1000)
    const done = await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })
    expect(done.state).toBe('confirmed')
    expect(Date.parse(done.updatedAt)).toBeGreaterThanOrEqual(Date.parse(r.createdAt) + 1000)
  })

  it('holds a large send for approval; the operator approves one and rejects another', async () => {
    const a = await send('1')
    expect(a).toMatchObject({ tier: 'APPROVAL', state: 'awaiting_approval' })
    const approved = await t.client.call('tx.approve', { id: a.id }, auth)
    expect(['submitted', 'confirmed']).toContain(approved.state)
    expect((await t.client.call('tx.wait', { id: a.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    const b = await send('2')
    const rejected = await t.client.call('tx.reject', { id: b.id, reason: 'too much' }, auth)
    expect(rejected.state).toBe('rejected')
    expect((await catchAsync(t.client.call('tx.approve', { id: b.id }, auth))).code).toBe('TX_STATE_CONFLICT')
  })

  it('never sends twice for one idempotency key, and refuses the key for something else', async () => {
    const dest = to()
    const first = await send('0.01', { to: dest, idempotencyKey: 'k-1' })
    const again = await send('0.01', { to: dest, idempotencyKey: 'k-1' })
    expect(again.id).toBe(first.id)
    const other = await catchAsync(send('0.02', { to: dest, idempotencyKey: 'k-1' }))
    expect(other.code).toBe('IDEMPOTENCY_CONFLICT')
    await t.client.call('tx.wait', { id: first.id, timeoutMs: 20_000 })
    expect(await provider.getBalance(dest)).toBe(10_000_000_000_000_000n)
  })

  it('kill switch: refuses new requests and holds a queued one until it is off', async () => {
    const queued = await send('0.2')
    expect(queued.state).toBe('queued')
    await t.client.call('killswitch.on', { reason: 'test' })
    expect((await t.client.call('killswitch.status', {})).on).toBe(true)
    expect((await catchAsync(send('0.01'))).code).toBe('KILL_SWITCH_ON')
    // Past its 1 s delay, then ten sweeps (the margin the wall-clock version had) that must leave it queued.
    clock.advance(1000)
    await new Promise((r) => setTimeout(r, 10 * TICK_MS))
    expect((await t.client.call('tx.show', { id: queued.id })).state).toBe('queued')
    expect((await catchAsync(t.client.call('killswitch.off', {}))).code).toBe('AUTH_REQUIRED')
    await t.client.call('killswitch.off', {}, auth)
    expect((await t.client.call('tx.wait', { id: queued.id, timeoutMs: 20_000 })).state).toBe('confirmed')
  })

  it('signs a message only once SIGNING_RULES allow it', async () => {
    const denied = await catchAsync(t.client.call('sign.message', { wallet: 'pipe', message: 'hello' }, auth))
    expect(denied.code).toBe('POLICY_DENIED')
    await t.client.call('policy.add', { global: true, type: 'SIGNING_RULES', rules: { allow_personal_sign: true } }, auth)
    const r = await t.client.call('sign.message', { wallet: 'pipe', message: 'hello' }, auth)
    expect(r.state).toBe('signed')
    expect(verifyMessage('hello', r.signature ?? '')).toBe(evm.address)
  })

  it('policy test says which tier and rule without sending', async () => {
    const r = await t.client.call('policy.test', { wallet: 'pipe', network: 'evm-local', to: to(), amount: '0.3' })
    expect(r.tier).toBe('DELAY')
    expect(r.decisive.rule?.type).toBe('SPENDING_LIMIT')
    const audit = await t.client.call('audit.verify', {})
    expect(audit.valid).toBe(true)
  })
})

/**
 * Policy types whose facts come from the daemon's own records (first payments, request rates, open requests) and
 * the scope rules (global, wallet, wallet + network; the more specific overrides), through the socket.
 */
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const auth = { password: PASSWORD }
let provider: JsonRpcProvider

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, auth)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
})

async function wallet(name: string, policies: [string, Record<string, unknown>][]): Promise<void> {
  const w = await t.client.call('wallet.create', { chain: 'evm', name }, auth)
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  for (const [type, rules] of policies) await t.client.call('policy.add', { wallet: name, type, rules }, auth)
}
const send = (w: string, to: string, amount = '0.01') => t.client.call('tx.send', { wallet: w, network: 'evm-local', to, amount }, auth)
const fresh = () => EthersWallet.createRandom().address

describe('facts from the daemon records', () => {
  it('NEW_RECIPIENT_TIER: the first payment to an address waits; once paid, the next is instant', async () => {
    await wallet('newrcpt', [['SPENDING_LIMIT', { instant_max: '1' }], ['NEW_RECIPIENT_TIER', { tier: 'APPROVAL' }]])
    const to = fresh()
    const first = await send('newrcpt', to)
    expect(first).toMatchObject({ tier: 'APPROVAL', state: 'awaiting_approval' })
    expect(first.decision?.rule?.type).toBe('NEW_RECIPIENT_TIER')
    // While the first payment waits, the address is still new: a second one cannot ride on it.
    expect((await send('newrcpt', to, '0.5')).tier).toBe('APPROVAL')
    await t.client.call('tx.approve', { id: first.id }, auth)
    expect((await t.client.call('tx.wait', { id: first.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect((await send('newrcpt', to)).tier).toBe('INSTANT')
    expect((await send('newrcpt', fresh())).tier).toBe('APPROVAL')
  })

  it('RATE_LIMIT: the request over the rate is denied', async () => {
    await wallet('rate', [['SPENDING_LIMIT', { instant_max: '1' }], ['RATE_LIMIT', { max_requests: 3, per_seconds: 3600 }]])
    for (let i = 0; i < 3; i++) expect((await send('rate', fresh())).tier).toBe('INSTANT')
    const err = await catchAsync(send('rate', fresh()))
    expect((err.details.rule as { type: string }).type).toBe('RATE_LIMIT')
  })

  it('MAX_PENDING: a second open request is refused while the first waits; cancelling frees the slot', async () => {
    await wallet('maxpend', [['SPENDING_LIMIT', { delay_max: '1', delay_seconds: 3600 }], ['MAX_PENDING', { max: 1 }]])
    const first = await send('maxpend', fresh())
    expect(first.state).toBe('queued')
    const err = await catchAsync(send('maxpend', fresh()))
    expect((err.details.rule as { type: string }).type).toBe('MAX_PENDING')
    await t.client.call('tx.cancel', { id: first.id }, auth)
    expect((await send('maxpend', fresh())).state).toBe('queued')
  })

  it('FEE_CAP: a fee above the cap is denied; ALLOWED_NETWORKS: another network is denied', async () => {
    await wallet('feecap', [['SPENDING_LIMIT', { instant_max: '1' }], ['FEE_CAP', { max_fee: '0.000000001' }]])
    const err = await catchAsync(send('feecap', fresh()))
    expect((err.details.rule as { type: string }).type).toBe('FEE_CAP')
    await wallet('nets', [['SPENDING_LIMIT', { instant_max: '1' }], ['ALLOWED_NETWORKS', { networks: ['base'] }]])
    const net = await catchAsync(send('nets', fresh()))
    expect((net.details.rule as { type: string }).type).toBe('ALLOWED_NETWORKS')
  })

  it('RECIPIENT_DENYLIST denies a listed recipient and only it', async () => {
    const bad = fresh()
    await wallet('deny', [['SPENDING_LIMIT', { instant_max: '1' }], ['RECIPIENT_DENYLIST', { recipients: [bad] }]])
    expect((await catchAsync(send('deny', bad))).code).toBe('POLICY_DENIED')
    expect((await send('deny', fresh())).tier).toBe('INSTANT')
  })
})

describe('scope', () => {
  it('wallet + network overrides wallet, which overrides global, per type', async () => {
    await wallet('scoped', [])
    const g = await t.client.call('policy.add', { global: true, type: 'SPENDING_LIMIT', rules: { instant_max: '0.001', delay_max: '10', delay_seconds: 60 } }, auth)
    // Only the global policy: 0.01 is above its instant limit.
    expect((await t.client.call('policy.test', { wallet: 'scoped', network: 'evm-local', to: fresh(), amount: '0.01' })).tier).toBe('DELAY')
    await t.client.call('policy.add', { wallet: 'scoped', type: 'SPENDING_LIMIT', rules: { instant_max: '0.05' } }, auth)
    const w = await t.client.call('policy.test', { wallet: 'scoped', network: 'evm-local', to: fresh(), amount: '0.01' })
    expect(w.tier).toBe('INSTANT')
    expect(w.policies).not.toContain(g.policy.id)
    expect((await t.client.call('policy.test', { wallet: 'scoped', network: 'evm-local', to: fresh(), amount: '0.1' })).tier).toBe('APPROVAL')
    await t.client.call('policy.add', { wallet: 'scoped', network: 'evm-local', type: 'SPENDING_LIMIT', rules: { instant_max: '0.5' } }, auth)
    expect((await t.client.call('policy.test', { wallet: 'scoped', network: 'evm-local', to: fresh(), amount: '0.1' })).tier).toBe('INSTANT')
    await t.client.call('policy.remove', { id: g.policy.id }, auth)
  })

  it("deleting a wallet removes its policies, keeping their history", async () => {
    await wallet('doomed', [['SPENDING_LIMIT', { instant_max: '1' }]])
    const [p] = (await t.client.call('policy.list', { wallet: 'doomed', type: 'SPENDING_LIMIT' })).policies.filter((x) => x.walletName === 'doomed')
    await t.client.call('wallet.delete', { wallet: 'doomed' }, auth)
    expect((await t.client.call('policy.list', {})).policies.map((x) => x.id)).not.toContain(p?.id)
    expect((await catchAsync(t.client.call('policy.show', { id: p?.id ?? '' }))).code).toBe('POLICY_NOT_FOUND')
  })

  it('every write bumps the revision, keeps the history, and decisions record the revision', async () => {
    await wallet('versions', [['SPENDING_LIMIT', { instant_max: '1' }]])
    const { policies, revision } = await t.client.call('policy.list', { wallet: 'versions', type: 'SPENDING_LIMIT' })
    const mine = policies.find((p) => p.walletName === 'versions')
    expect(mine).toBeDefined()
    const up = await t.client.call('policy.update', { id: mine?.id ?? '', rules: { instant_max: '0.001' } }, auth)
    expect(up.revision).toBe(revision + 1)
    expect(up.policy.version).toBe(2)
    const r = await send('versions', fresh())
    expect(r.tier).toBe('APPROVAL')
    expect(r.decision?.policyRevision).toBe(up.revision)
    const shown = await t.client.call('policy.show', { id: mine?.id ?? '' })
    expect(shown.history.map((h) => h.version)).toEqual([1, 2])
    expect(shown.history[0]?.rules).toMatchObject({ instant_max: '1' })
    const bad = await catchAsync(t.client.call('policy.update', { id: mine?.id ?? '', rules: { instant_max: '-1' } }, auth))
    expect(bad.code).toBe('POLICY_INVALID')
    expect(String(bad.details.field)).toContain('instant_max')
    const unknown = await catchAsync(t.client.call('policy.add', { wallet: 'versions', type: 'NOPE', rules: {} }, auth))
    expect(unknown.code).toBe('POLICY_INVALID')
  })
})

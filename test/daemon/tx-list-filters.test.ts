/**
 * tx.list's server-side filters and paging (the admin UI's transaction page), on requests made through the pipeline:
 * transfers on the local EVM chain (instant and held for approval), signed messages on other networks, in two
 * batches an hour apart on the daemon's test clock. Each filter returns exactly the rows of the full list that match
 * it; paging with nextBefore visits every matching row once, in order; filters combine; bad values are refused.
 */
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Input, Output, TxRequestView } from '../../src/lib/contract/index.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { http } from '../helpers/http.js'
import { localChain } from '../helpers/chains.js'
import { testClock } from '../helpers/test-clock.js'

const clock = testClock()
const t = useDaemon({ env: { pipelineTickMs: 50, testClockFile: clock.file } })
const op = { password: PASSWORD }
const HOUR = 3_600_000
let all: TxRequestView[] = []
/** The daemon's time between the two batches. */
let between = ''

const list = (p: Input<'tx.list'>): Promise<Output<'tx.list'>> => t.client.call('tx.list', p, op)
const ids = (rows: readonly TxRequestView[]): string[] => rows.map((r) => r.id)

/** Every page of a filter, following nextBefore. */
async function pages(p: Input<'tx.list'>, limit: number): Promise<{ rows: TxRequestView[]; count: number }> {
  const rows: TxRequestView[] = []
  let before: string | undefined
  let count = 0
  for (;;) {
    const page = await list({ ...p, limit, ...(before === undefined ? {} : { before }) })
    count++
    expect(page.requests.length).toBeLessThanOrEqual(limit)
    rows.push(...page.requests)
    if (page.nextBefore === null) break
    expect(page.requests.length).toBe(limit)
    expect(page.nextBefore).toBe(page.requests.at(-1)?.id)
    before = page.nextBefore
  }
  return { rows, count }
}

async function batch(): Promise<void> {
  const to = (): string => EthersWallet.createRandom().address
  const send = (wallet: string, amount: string) => t.client.call('tx.send', { wallet, network: 'evm-local', to: to(), amount }, op)
  await send('a', '0.001')
  await send('a', '0.5')
  await send('b', '0.002')
  await t.client.call('sign.message', { wallet: 'a', message: 'hello' }, op)
  await t.client.call('sign.message', { wallet: 's', message: 'hello' }, op)
  await send('b', '0.003')
}

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  for (const name of ['a', 'b']) {
    const w = await t.client.call('wallet.create', { chain: 'evm', name }, op)
    await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  }
  await t.client.call('wallet.create', { chain: 'solana', name: 's' }, op)
  await t.client.call('policy.add', { wallet: 'a', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01' } }, op)
  await t.client.call('policy.add', { wallet: 'b', type: 'SPENDING_LIMIT', rules: { instant_max: '1' } }, op)
  await t.client.call('policy.add', { global: true, type: 'SIGNING_RULES', rules: { allow_personal_sign: true } }, op)
  await batch()
  clock.advance(HOUR)
  between = new Date(clock.now()).toISOString()
  clock.advance(HOUR)
  await batch()
  all = (await list({ limit: 1000 })).requests
})

describe('tx.list filters', () => {
  it('lists every request made, newest first, with no next page when all fit', async () => {
    expect(all).toHaveLength(12)
    const times = all.map((r) => Date.parse(r.createdAt))
    expect([...times].sort((x, y) => y - x)).toEqual(times)
    expect((await list({ limit: 1000 })).nextBefore).toBeNull()
  })

  it('narrows to one network, tier, kind, wallet, or one or several states: exactly the matching rows, in order', async () => {
    const cases: [Input<'tx.list'>, (r: TxRequestView) => boolean][] = [
      [{ network: 'evm-local' }, (r) => r.network === 'eip155:31337'],
      [{ network: 'eip155:1' }, (r) => r.network === 'eip155:1'],
      [{ tier: 'APPROVAL' }, (r) => r.tier === 'APPROVAL'],
      [{ tier: 'INSTANT' }, (r) => r.tier === 'INSTANT'],
      [{ kind: 'sign-message' }, (r) => r.kind === 'sign-message'],
      [{ kind: 'native-transfer' }, (r) => r.kind === 'native-transfer'],
      [{ wallet: 'b' }, (r) => r.walletName === 'b'],
      [{ state: 'awaiting_approval' }, (r) => r.state === 'awaiting_approval'],
      [{ state: ['awaiting_approval', 'signed'] }, (r) => r.state === 'awaiting_approval' || r.state === 'signed'],
    ]
    for (const [filter, match] of cases) {
      const want = ids(all.filter(match))
      expect(want.length, JSON.stringify(filter)).toBeGreaterThan(0)
      expect(want.length, JSON.stringify(filter)).toBeLessThan(all.length)
      expect(ids((await list({ ...filter, limit: 1000 })).requests), JSON.stringify(filter)).toEqual(want)
    }
    expect(all.filter((r) => r.tier === 'APPROVAL')).toHaveLength(2)
    expect(new Set(all.filter((r) => r.kind === 'sign-message').map((r) => r.network)).size).toBe(2)
  })

  it('takes a time window on the creation time: since inclusive, until exclusive', async () => {
    const newer = all.filter((r) => Date.parse(r.createdAt) >= Date.parse(between))
    expect(newer).toHaveLength(6)
    expect(ids((await list({ since: between, limit: 1000 })).requests)).toEqual(ids(newer))
    expect(ids((await list({ until: between, limit: 1000 })).requests)).toEqual(ids(all.slice(6)))
    const first = all.at(-1) as TxRequestView
    expect(ids((await list({ since: first.createdAt, until: new Date(Date.parse(first.createdAt) + 1).toISOString(), limit: 1000 })).requests)).toContain(first.id)
    expect((await list({ until: first.createdAt, limit: 1000 })).requests).toEqual([])
    // An offset is a time zone like any other.
    const plus2 = new Date(Date.parse(between) + 2 * HOUR).toISOString().replace('Z', '+02:00')
    expect(ids((await list({ since: plus2, limit: 1000 })).requests)).toEqual(ids(newer))
  })

  it('combines filters', async () => {
    const got = await list({ wallet: 'a', network: 'evm-local', kind: 'native-transfer', tier: 'INSTANT', state: ['confirmed', 'submitted', 'signed'], since: between, limit: 1000 })
    const want = all.filter(
      (r) => r.walletName === 'a' && r.network === 'eip155:31337' && r.kind === 'native-transfer' && r.tier === 'INSTANT' && Date.parse(r.createdAt) >= Date.parse(between),
    )
    expect(want).toHaveLength(1)
    expect(ids(got.requests)).toEqual(ids(want))
    expect((await list({ wallet: 's', kind: 'native-transfer', limit: 1000 })).requests).toEqual([])
  })

  it('pages with nextBefore over every row exactly once, filtered or not', async () => {
    const cases: [Input<'tx.list'>, number][] = [[{}, 5], [{}, 1], [{ network: 'evm-local' }, 3], [{ state: ['awaiting_approval', 'signed'] }, 2], [{ until: between }, 4]]
    for (const [filter, size] of cases) {
      const want = ids((await list({ ...filter, limit: 1000 })).requests)
      const { rows, count } = await pages(filter, size)
      expect(ids(rows), JSON.stringify(filter)).toEqual(want)
      expect(count).toBe(Math.max(1, Math.ceil(want.length / size)))
    }
  })

  it('takes the same filters as a REST query string, a repeated key being a list', async () => {
    const base = ((await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)).listening ?? '').replace(/\/v1$/, '')
    const query = new URLSearchParams([['state', 'awaiting_approval'], ['state', 'signed'], ['network', 'evm-local'], ['since', between], ['limit', '1']])
    const r = await http(base, `/v1/tx/list?${query.toString()}`, { password: PASSWORD })
    expect(r.status).toBe(200)
    const want = all.filter((x) => x.network === 'eip155:31337' && ['awaiting_approval', 'signed'].includes(x.state) && Date.parse(x.createdAt) >= Date.parse(between))
    expect(want).toHaveLength(1)
    expect(ids(r.json.data.requests)).toEqual(ids(want))
    expect(r.json.data.nextBefore).toBeNull()
    const one = await http(base, '/v1/tx/list?state=awaiting_approval&limit=1', { password: PASSWORD })
    expect(ids(one.json.data.requests)).toEqual(ids(all.filter((x) => x.state === 'awaiting_approval').slice(0, 1)))
    expect(one.json.data.nextBefore).toBe(one.json.data.requests[0].id)
    await t.client.call('plugin.disable', { name: 'rest' }, op)
  })

  it('refuses a bad time, state, tier or network with its code and the field', async () => {
    const bad = async (p: Record<string, unknown>) => catchAsync(t.client.call('tx.list', p as Input<'tx.list'>, op))
    for (const [p, path] of [
      [{ since: 'yesterday' }, 'since'],
      [{ until: '2026-13-01T00:00:00Z' }, 'until'],
      [{ state: ['confirmed', 'sleeping'] }, 'state'],
      [{ state: [] }, 'state'],
      [{ tier: 'SLOW' }, 'tier'],
      [{ kind: 'swap' }, 'kind'],
    ] as const) {
      const e = await bad(p)
      expect(e.code, JSON.stringify(p)).toBe('INPUT_INVALID')
      expect((e.details.issues as { path: string }[])[0]?.path.split('.')[0]).toBe(path)
    }
    const net = await bad({ network: 'nowhere' })
    expect(net.code).toBe('NETWORK_UNKNOWN')
    expect(net.details.network).toBe('nowhere')
  })
})

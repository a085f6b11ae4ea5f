/**
 * Agent sessions through the daemon's socket on the local EVM chain: the token is shown once and stored as a hash;
 * every call is checked against the session's wallets, permissions and expiry; an agent may add only policies that
 * restrict; its own daily USD cap holds under concurrency; the kill switch suspends it.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import type { DaemonClient } from '../../src/cli/client.js'
import type { Input, MethodName, Output } from '../../src/lib/contract/index.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'

const pricesFile = join(mkdtempSync(join(tmpdir(), 'waiaas-prices-')), 'prices.json')
writeFileSync(pricesFile, JSON.stringify({ sources: ['static'], static: { prices: { 'eip155:31337/native': '2000' } } }))

const t = useDaemon({ env: { pipelineTickMs: 50, pricesFile } })
const op = { password: PASSWORD }
let provider: JsonRpcProvider
const to = (): string => EthersWallet.createRandom().address

/** A client call as the session holding `token`. */
const as =
  (token: string) =>
  <M extends MethodName>(method: M, params: Input<M>): Promise<Output<M>> =>
    (t.client as DaemonClient).call(method, params, { token })

async function session(params: Input<'session.create'>): Promise<{ id: string; token: string; call: ReturnType<typeof as> }> {
  const r = await t.client.call('session.create', params, op)
  return { id: r.session.id, token: r.token, call: as(r.token) }
}

/** A side connection to the daemon's database, for what the socket cannot show (stored hashes) or fake (time). */
function sideDb(): Database.Database {
  return new Database(t.daemon.paths.db)
}

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  for (const name of ['agent-a', 'agent-b', 'other']) {
    const w = await t.client.call('wallet.create', { chain: 'evm', name }, op)
    await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
    await t.client.call('policy.add', { wallet: name, type: 'SPENDING_LIMIT', rules: { instant_max_usd: 1000, delay_max_usd: 5000, delay_seconds: 600 } }, op)
  }
})

describe('sessions', () => {
  it('shows the token once and stores only its SHA-256', async () => {
    const s = await session({ wallets: ['agent-a'], name: 'bot', ttlSeconds: 3600 })
    expect(s.token).toMatch(/^wsk_[A-Za-z0-9_-]{43}$/)
    const { sessions } = await t.client.call('session.list', {}, op)
    const listed = sessions.find((x) => x.id === s.id)
    expect(listed).toMatchObject({ name: 'bot', status: 'active', permissions: ['read', 'send', 'sign'], maxRenewals: 0 })
    expect(JSON.stringify(sessions)).not.toContain(s.token)
    const db = sideDb()
    try {
      const row = db.prepare('SELECT * FROM sessions WHERE id = ?').get(s.id) as Record<string, unknown>
      expect(row.token_hash).toBe(createHash('sha256').update(s.token).digest('hex'))
      expect(JSON.stringify(row)).not.toContain(s.token)
    } finally {
      db.close()
    }
  })

  it('sends within its wallet and the policies, as itself; the transfer lands', async () => {
    const s = await session({ wallets: ['agent-a'] })
    const dest = to()
    const r = await s.call('tx.send', { wallet: 'agent-a', network: 'evm-local', to: dest, amount: '0.01' })
    expect(r).toMatchObject({ tier: 'INSTANT', state: 'submitted' })
    const db = sideDb()
    try {
      expect(db.prepare('SELECT actor FROM requests WHERE id = ?').get(r.id)).toEqual({ actor: `session:${s.id}` })
    } finally {
      db.close()
    }
    expect((await s.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect(await provider.getBalance(dest)).toBe(10n ** 16n)
    // Without naming the wallet, a one-wallet session means that wallet.
    const b = await s.call('balance.get', { network: 'evm-local' })
    expect(b.wallet.name).toBe('agent-a')
  })

  it('sees only its own wallets, and their requests and policies', async () => {
    const mine = await session({ wallets: ['agent-a'] })
    const theirs = await t.client.call('tx.send', { wallet: 'other', network: 'evm-local', to: to(), amount: '0.001' }, op)
    expect((await mine.call('wallet.list', {})).wallets.map((w) => w.name)).toEqual(['agent-a'])
    expect((await mine.call('tx.list', {})).requests.every((r) => r.walletName === 'agent-a')).toBe(true)
    expect((await catchAsync(mine.call('tx.show', { id: theirs.id }))).code).toBe('TX_NOT_FOUND')
    expect((await catchAsync(mine.call('tx.list', { wallet: 'other' }))).code).toBe('SESSION_SCOPE')
    const policies = (await mine.call('policy.list', {})).policies
    expect(policies.length).toBeGreaterThan(0)
    expect(policies.every((p) => p.walletName === 'agent-a' || p.scope === 'global')).toBe(true)
    const otherPolicy = (await t.client.call('policy.list', { wallet: 'other' })).policies[0]
    expect((await catchAsync(mine.call('policy.show', { id: otherPolicy?.id ?? '' }))).code).toBe('POLICY_NOT_FOUND')
  })

  it('refuses a wallet outside the session, a permission it lacks, and operator methods', async () => {
    const reader = await session({ wallets: ['agent-a'], permissions: ['read'] })
    const wrongWallet = await catchAsync(reader.call('balance.get', { wallet: 'other', network: 'evm-local' }))
    expect(wrongWallet).toMatchObject({ code: 'SESSION_SCOPE', details: { field: 'wallet' } })
    const noSend = await catchAsync(reader.call('tx.send', { wallet: 'agent-a', network: 'evm-local', to: to(), amount: '0.001' }))
    expect(noSend).toMatchObject({ code: 'SESSION_SCOPE', details: { permission: 'send' } })
    expect((await catchAsync(reader.call('sign.message', { wallet: 'agent-a', message: 'hi' }))).code).toBe('SESSION_SCOPE')
    for (const [method, params] of [
      ['wallet.export', { wallet: 'agent-a', exportPassword: 'x'.repeat(12) }],
      ['session.create', { wallets: ['agent-a'] }],
      ['killswitch.off', {}],
      ['policy.remove', { id: 'pol_x' }],
      ['audit.list', {}],
      ['vault.lock', {}],
    ] as const) {
      const err = await catchAsync(t.client.call(method as MethodName, params as never, { token: reader.token }))
      expect(err.code, method).toBe('SESSION_SCOPE')
    }
  })

  it('refuses tampered, unknown, revoked and expired tokens with stable codes', async () => {
    const s = await session({ wallets: ['agent-a'], ttlSeconds: 600 })
    const last = s.token.at(-1) === 'A' ? 'B' : 'A'
    expect((await catchAsync(as(`${s.token.slice(0, -1)}${last}`)('wallet.list', {}))).code).toBe('SESSION_INVALID')
    expect((await catchAsync(as('wsk_nonsense')('wallet.list', {}))).code).toBe('SESSION_INVALID')
    await t.client.call('session.revoke', { id: s.id }, op)
    expect((await catchAsync(s.call('wallet.list', {}))).code).toBe('SESSION_REVOKED')

    const e = await session({ wallets: ['agent-a'], ttlSeconds: 600, maxRenewals: 5 })
    expect((await e.call('wallet.list', {})).wallets).toHaveLength(1)
    const db = sideDb() // time is what is faked here: the session's expiry moves into the past
    try {
      db.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').run(Date.now() - 1, e.id)
    } finally {
      db.close()
    }
    expect((await catchAsync(e.call('wallet.list', {}))).code).toBe('SESSION_EXPIRED')
    expect((await catchAsync(e.call('session.renew', {}))).code).toBe('SESSION_EXPIRED')
  })

  it('renews itself within its renewals, and only itself', async () => {
    const s = await session({ wallets: ['agent-a'], ttlSeconds: 600, maxRenewals: 1 })
    const other = await session({ wallets: ['agent-a'] })
    expect((await catchAsync(s.call('session.renew', { id: other.id }))).code).toBe('SESSION_SCOPE')
    const before = await s.call('session.whoami', {})
    const renewed = await s.call('session.renew', {})
    expect(renewed.renewals).toBe(1)
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThanOrEqual(Date.parse(before.expiresAt))
    expect((await catchAsync(s.call('session.renew', {}))).code).toBe('SESSION_RENEWAL_LIMIT')
  })

  it('may add policies that restrict, never ones that loosen, and never change or approve', async () => {
    const s = await session({ wallets: ['agent-b'] })
    const added = await s.call('policy.add', { wallet: 'agent-b', type: 'RECIPIENT_DENYLIST', rules: { recipients: [to()] } })
    expect(added.policy).toMatchObject({ type: 'RECIPIENT_DENYLIST', walletName: 'agent-b' })
    const loosen = await catchAsync(s.call('policy.add', { wallet: 'agent-b', type: 'SPENDING_LIMIT', rules: { instant_max_usd: 1_000_000 } }))
    expect(loosen).toMatchObject({ code: 'POLICY_NOT_STRICTER', details: { field: 'type' } })
    expect((await catchAsync(s.call('policy.add', { wallet: 'agent-b', type: 'ALLOWED_TOKENS', rules: { tokens: [to()] } }))).code).toBe('POLICY_NOT_STRICTER')
    expect((await catchAsync(s.call('policy.add', { global: true, type: 'RATE_LIMIT', rules: { max_requests: 1, per_seconds: 60 } }))).code).toBe('POLICY_NOT_STRICTER')
    // A wallet-scope RATE_LIMIT would replace a global one (the more specific scope wins), so it is refused.
    await t.client.call('policy.add', { global: true, type: 'RATE_LIMIT', rules: { max_requests: 1000, per_seconds: 60 } }, op)
    const shadow = await catchAsync(s.call('policy.add', { wallet: 'agent-b', type: 'RATE_LIMIT', rules: { max_requests: 5000, per_seconds: 60 } }))
    expect(shadow).toMatchObject({ code: 'POLICY_NOT_STRICTER', details: { field: 'wallet' } })
    for (const [method, params] of [
      ['policy.update', { id: added.policy.id, enabled: false }],
      ['policy.remove', { id: added.policy.id }],
    ] as const) {
      expect((await catchAsync(t.client.call(method as MethodName, params as never, { token: s.token }))).code, method).toBe('SESSION_SCOPE')
    }
    const held = await t.client.call('tx.send', { wallet: 'agent-b', network: 'evm-local', to: to(), amount: '2' }, op)
    expect(held.state).toBe('queued')
    expect((await catchAsync(t.client.call('tx.approve', { id: held.id }, { token: s.token }))).code).toBe('SESSION_SCOPE')
    // It may cancel only what it asked for itself.
    expect((await catchAsync(s.call('tx.cancel', { id: held.id }))).code).toBe('SESSION_SCOPE')
    const own = await s.call('tx.send', { wallet: 'agent-b', network: 'evm-local', to: to(), amount: '2' })
    expect(own.state).toBe('queued')
    expect((await s.call('tx.cancel', { id: own.id })).state).toBe('cancelled')
  })

  it("holds its own daily USD cap under concurrency: 40 USD sends against 100 USD admit exactly 2", async () => {
    const s = await session({ wallets: ['agent-a'], limitUsdPerDay: '100' })
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => s.call('tx.send', { wallet: 'agent-a', network: 'evm-local', to: to(), amount: '0.02' })),
    )
    const ok = results.filter((r) => r.status === 'fulfilled')
    const denied = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as { code: string; details: Record<string, unknown> })
    expect(ok).toHaveLength(2)
    expect(denied).toHaveLength(6)
    for (const d of denied) expect(d).toMatchObject({ code: 'POLICY_DENIED', details: { rule: { field: 'limit_usd_per_day' } } })
    // 40 USD each plus the fee's USD value: a little less than the 20 USD left would still fit.
    expect(String(denied[0]?.details.wouldPass)).toMatch(/^19\.\d+ USD or less would stay within/)
    // The cap is the session's own rule, named after the session, not a policy that `policy show` cannot find.
    const capRule = { type: 'SESSION_CAP', policyId: `session:${s.id}`, field: 'limit_usd_per_day' }
    for (const d of denied) expect(d.details.rule).toMatchObject(capRule)
    const shown = await t.client.call('tx.show', { id: String(denied[0]?.details.id) })
    expect(shown.decision).toMatchObject({ rule: capRule })
    const tested = await s.call('policy.test', { wallet: 'agent-a', network: 'evm-local', to: to(), amount: '0.02' })
    expect(tested.tier).toBe('DENY')
    expect(tested.decisive.rule).toMatchObject(capRule)
  })

  it('is suspended while the kill switch is on', async () => {
    const s = await session({ wallets: ['agent-a'] })
    await t.client.call('killswitch.on', { reason: 'test' })
    try {
      expect((await catchAsync(s.call('wallet.list', {}))).code).toBe('KILL_SWITCH_ON')
      expect((await s.call('killswitch.status', {})).on).toBe(true)
    } finally {
      await t.client.call('killswitch.off', {}, op)
    }
    expect((await s.call('wallet.list', {})).wallets).toHaveLength(1)
  })
})

/**
 * The pipeline across clean daemon restarts (in-process daemons on one home, the first closed before the second
 * starts): a queued delay keeps its deadline; a cancelled delay never runs; an approval expires at its original time
 * and releases its reservation; an idempotency key keeps naming one request; and a request whose RPC endpoint is
 * down when it is approved is held, survives a restart and completes once the endpoint is fixed. Delays and expiries
 * are an hour long on the test clock, which the test moves forward, so no restart can be slow enough to miss them.
 */
import fs from 'node:fs'
import { JsonRpcProvider, Wallet as EthersWallet, parseEther } from 'ethers'
import { afterEach, describe, expect, it, onTestFailed } from 'vitest'
import { startDaemon, type DaemonHandle } from '../../src/daemon/daemon.js'
import type { DaemonClient } from '../../src/cli/client.js'
import type { Output } from '../../src/lib/contract/index.js'
import type { Env } from '../../src/lib/env.js'
import { connectExisting } from '../../src/cli/launcher.js'
import { tempHome } from '../helpers/cli.js'
import { PASSWORD } from '../helpers/daemon.js'
import { waitFor } from '../helpers/e2e.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'
import { testClock, type TestClock } from '../helpers/test-clock.js'

const auth = { password: PASSWORD }
const NET = 'evm-local'
const WALLET = 'again'
const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
const fresh = (): string => EthersWallet.createRandom().address

interface Life {
  readonly client: DaemonClient
  readonly daemon: DaemonHandle
  /** The daemons' clock (both lives share it): delays and expiries are jumped over, not slept through. */
  readonly clock: TestClock
  address: string
  /** Closes the daemon cleanly and starts a new one on the same home (unlocking from the password). */
  restart(env?: Partial<Env>): Promise<void>
  send(to: string, amount: string, extra?: { idempotencyKey?: string }): Promise<Output<'tx.send'>>
  log(): string
  close(): Promise<void>
}

const lives: Life[] = []
afterEach(async () => {
  for (const l of lives.splice(0)) await l.close()
})

/** A fresh home: vault, evm-local on the test anvil, a wallet funded with 100 ETH and one SPENDING_LIMIT. */
async function begin(rules: Record<string, unknown>, env: Partial<Env> = {}): Promise<Life> {
  const home = tempHome('waiaas-restart-')
  const clock = testClock(home.root)
  const envFor = (extra: Partial<Env>): Env => ({ autoProvision: false, pipelineTickMs: 50, masterPassword: PASSWORD, testClockFile: clock.file, ...extra })
  let daemon = await startDaemon({ home: home.dataDir, env: envFor(env) })
  let client = await connectExisting(daemon.paths)
  let closed = false
  let lastLog = ''
  // Hooks run before onTestFailed, so the log is kept from close(), which removes the home.
  onTestFailed(() => console.error(`--- daemon.log ---\n${(closed ? lastLog : life.log()).slice(-10_000)}`))
  const life: Life = {
    get client() {
      return client
    },
    get daemon() {
      return daemon
    },
    clock,
    address: '',
    async restart(next = env) {
      client.close()
      await daemon.close()
      daemon = await startDaemon({ home: home.dataDir, env: envFor(next) })
      client = await connectExisting(daemon.paths)
    },
    send: (to, amount, extra = {}) => client.call('tx.send', { wallet: WALLET, network: NET, to, amount, ...extra }, auth),
    log: () => {
      try {
        return fs.readFileSync(daemon.paths.logFile, 'utf8')
      } catch {
        return ''
      }
    },
    async close() {
      if (closed) return
      closed = true
      client.close()
      await daemon.close()
      lastLog = life.log()
      home.cleanup()
    },
  }
  lives.push(life)
  await client.call('vault.init', { password: PASSWORD })
  await client.call('network.set', { network: NET, rpcUrl: localChain().evmRpcUrl }, auth)
  life.address = (await client.call('wallet.create', { chain: 'evm', name: WALLET }, auth)).address
  await provider.send('anvil_setBalance', [life.address, '0x56bc75e2d63100000']) // 100 ETH
  await client.call('policy.add', { wallet: WALLET, type: 'SPENDING_LIMIT', rules }, auth)
  return life
}

const nonce = (address: string): Promise<number> => provider.getTransactionCount(address, 'pending')

/** Audit entries about one request: action → timestamps (ms). */
async function auditOf(c: DaemonClient, id: string): Promise<Map<string, number[]>> {
  const { entries } = await c.call('audit.list', { limit: 1000 })
  const out = new Map<string, number[]>()
  for (const e of entries) if (e.target === id) out.set(e.action, [...(out.get(e.action) ?? []), Date.parse(e.ts)])
  return out
}

describe('the pipeline across a clean restart', () => {
  it('a queued DELAY request keeps its deadline and executes after it, exactly once', async () => {
    const life = await begin({ instant_max: '0.1', delay_max: '1', delay_seconds: 3600 })
    const to = fresh()
    const r = await life.send(to, '0.5')
    expect(r).toMatchObject({ tier: 'DELAY', state: 'queued' })
    const deadline = Date.parse(r.executeAt ?? '')
    expect(deadline).toBeGreaterThanOrEqual(Date.parse(r.createdAt) + 3_600_000)

    await life.restart()
    expect(life.clock.now(), 'the restart must beat the deadline').toBeLessThan(deadline)
    expect(await life.client.call('tx.show', { id: r.id })).toMatchObject({ state: 'queued', executeAt: r.executeAt })
    expect(await provider.getBalance(to)).toBe(0n)

    life.clock.advance(3_600_000)
    const done = await life.client.call('tx.wait', { id: r.id, timeoutMs: 30_000 })
    expect(done.state, life.log()).toBe('confirmed')
    const audit = await auditOf(life.client, r.id)
    expect(audit.get('tx.delay-elapsed')).toHaveLength(1)
    expect(audit.get('tx.delay-elapsed')?.[0]).toBeGreaterThanOrEqual(deadline)
    expect(audit.get('tx.signed')).toHaveLength(1)
    expect(audit.get('tx.signed')?.[0]).toBeGreaterThanOrEqual(deadline)
    expect(await provider.getBalance(to)).toBe(parseEther('0.5'))
    expect(await nonce(life.address)).toBe(1)
    expect(await life.client.call('audit.verify', {})).toMatchObject({ valid: true })
  })

  it('a DELAY request cancelled in time never executes, before or after a restart', async () => {
    const life = await begin({ instant_max: '0.1', delay_max: '1', delay_seconds: 3600 })
    const to = fresh()
    const r = await life.send(to, '0.5')
    expect(r.state).toBe('queued')
    expect((await life.client.call('tx.cancel', { id: r.id }, auth)).state).toBe('cancelled')
    await life.restart()
    expect((await life.client.call('tx.show', { id: r.id })).state).toBe('cancelled')

    // A later delay to someone else: once it has executed, the sweep has certainly passed the cancelled deadline.
    const sentinelTo = fresh()
    const sentinel = await life.send(sentinelTo, '0.5')
    expect(sentinel.state).toBe('queued')
    expect(Date.parse(sentinel.executeAt ?? '')).toBeGreaterThan(Date.parse(r.executeAt ?? ''))
    life.clock.advance(3_600_000)
    expect((await life.client.call('tx.wait', { id: sentinel.id, timeoutMs: 30_000 })).state, life.log()).toBe('confirmed')

    expect((await life.client.call('tx.show', { id: r.id })).state).toBe('cancelled')
    expect(await provider.getBalance(to)).toBe(0n)
    expect(await provider.getBalance(sentinelTo)).toBe(parseEther('0.5'))
    expect(await nonce(life.address)).toBe(1)
    const audit = await auditOf(life.client, r.id)
    expect(audit.has('tx.signed')).toBe(false)
    expect(audit.has('tx.delay-elapsed')).toBe(false)
  })

  it('an approval survives a restart, expires at its original time, then cannot be approved and holds nothing', async () => {
    const life = await begin({ instant_max: '0.6', daily_limit: '1' }, { approvalTtlSeconds: 3600 })
    const to = fresh()
    const r = await life.send(to, '0.8')
    expect(r).toMatchObject({ tier: 'APPROVAL', state: 'awaiting_approval' })
    const expiresAt = Date.parse(r.expiresAt ?? '')
    expect(expiresAt).toBeGreaterThanOrEqual(Date.parse(r.createdAt) + 3_600_000)
    expect(expiresAt).toBeLessThanOrEqual(life.clock.now() + 3_600_000)

    // The second daemon has the default TTL (a day): the stored expiry, not today's setting, must decide.
    await life.restart({})
    expect(life.clock.now(), 'the restart must beat the expiry').toBeLessThan(expiresAt)
    expect(await life.client.call('tx.show', { id: r.id })).toMatchObject({ state: 'awaiting_approval', expiresAt: r.expiresAt })
    // Its 0.8 is still reserved against the daily limit of 1.
    const reserved = await life.client.call('policy.test', { wallet: WALLET, network: NET, to: fresh(), amount: '0.5' })
    expect(reserved.tier).toBe('APPROVAL')
    expect(reserved.decisive.rule?.field).toBe('daily_limit')

    life.clock.advance(3_600_000)
    const expired = await life.client.call('tx.wait', { id: r.id, timeoutMs: 30_000 })
    expect(expired.state, life.log()).toBe('expired')
    const audit = await auditOf(life.client, r.id)
    expect(audit.get('tx.expired')).toHaveLength(1)
    expect(audit.get('tx.expired')?.[0]).toBeGreaterThanOrEqual(expiresAt)

    const late = await catchAsync(life.client.call('tx.approve', { id: r.id }, auth))
    expect(late.code).toBe('TX_STATE_CONFLICT')
    expect(late.details).toMatchObject({ id: r.id, state: 'expired' })

    // 0.5 fits the daily limit only without the expired 0.8.
    const next = await life.send(fresh(), '0.5')
    expect(next).toMatchObject({ tier: 'INSTANT' })
    expect((await life.client.call('tx.wait', { id: next.id, timeoutMs: 30_000 })).state).toBe('confirmed')
    expect(await provider.getBalance(to)).toBe(0n)
    expect(await nonce(life.address)).toBe(1)
  })

  it('an idempotency key names the same request across a restart and never sends twice', async () => {
    const life = await begin({ instant_max: '0.1', delay_max: '1', delay_seconds: 3600 })
    const toNow = fresh()
    const toLater = fresh()
    const instant = await life.send(toNow, '0.05', { idempotencyKey: 'restart-instant' })
    expect(instant.tier).toBe('INSTANT')
    const confirmed = await life.client.call('tx.wait', { id: instant.id, timeoutMs: 30_000 })
    expect(confirmed.state).toBe('confirmed')
    const queued = await life.send(toLater, '0.5', { idempotencyKey: 'restart-delay' })
    expect(queued.state).toBe('queued')

    await life.restart()
    expect(await life.send(toNow, '0.05', { idempotencyKey: 'restart-instant' })).toMatchObject({ id: instant.id, state: 'confirmed', txHash: confirmed.txHash })
    expect(await life.send(toLater, '0.5', { idempotencyKey: 'restart-delay' })).toMatchObject({ id: queued.id, executeAt: queued.executeAt })
    expect((await catchAsync(life.send(toLater, '0.6', { idempotencyKey: 'restart-delay' }))).code).toBe('IDEMPOTENCY_CONFLICT')

    life.clock.advance(3_600_000)
    expect((await life.client.call('tx.wait', { id: queued.id, timeoutMs: 30_000 })).state, life.log()).toBe('confirmed')
    expect((await life.send(toLater, '0.5', { idempotencyKey: 'restart-delay' })).id).toBe(queued.id)
    expect(await provider.getBalance(toNow)).toBe(parseEther('0.05'))
    expect(await provider.getBalance(toLater)).toBe(parseEther('0.5'))
    expect(await nonce(life.address)).toBe(2)
    const { requests } = await life.client.call('tx.list', { wallet: WALLET, limit: 1000 })
    expect(requests.map((x) => x.id).sort()).toEqual([instant.id, queued.id].sort())
  })

  it('a request approved while its RPC is down is held, survives a restart, and completes once the RPC is fixed', async () => {
    const life = await begin({ instant_max: '0.1' })
    const to = fresh()
    const r = await life.send(to, '0.5')
    expect(r).toMatchObject({ tier: 'APPROVAL', state: 'awaiting_approval' })

    await life.client.call('network.set', { network: NET, rpcUrl: 'http://127.0.0.1:1' }, auth)
    const approved = await life.client.call('tx.approve', { id: r.id }, auth)
    expect(approved).toMatchObject({ state: 'approved', error: null })
    const held = (): number => life.log().split('\n').filter((l) => l.includes('request held') && l.includes(r.id)).length
    await waitFor('the request to be held', () => held() >= 1, 20_000)

    await life.restart()
    expect(await life.client.call('tx.show', { id: r.id })).toMatchObject({ state: 'approved', error: null })
    // The new daemon tries again (and is held again) rather than failing it.
    const before = held()
    await waitFor('the restarted daemon to hold the request again', () => held() > before, 20_000)
    expect(await life.client.call('tx.show', { id: r.id })).toMatchObject({ state: 'approved', error: null })
    expect(await nonce(life.address)).toBe(0)

    await life.client.call('network.set', { network: NET, rpcUrl: localChain().evmRpcUrl }, auth)
    const done = await life.client.call('tx.wait', { id: r.id, timeoutMs: 30_000 })
    expect(done.state, life.log()).toBe('confirmed')
    expect(await provider.getBalance(to)).toBe(parseEther('0.5'))
    expect(await nonce(life.address)).toBe(1)
    expect(await provider.getTransaction(done.txHash ?? '')).toMatchObject({ from: life.address, to, nonce: 0 })
    expect((await auditOf(life.client, r.id)).get('tx.signed')).toHaveLength(1)
  })
})

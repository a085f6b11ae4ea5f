/**
 * Crash recovery of the transaction pipeline with the daemon as a real process (`bin/run.js daemon start
 * --foreground`): the test hook SIGKILLs it right after a stage commits (decided, nonce, signed, broadcast, submitted);
 * a restarted daemon must finish the request exactly once: one transaction on chain, one nonce used, the stored
 * hash is the mined one, the idempotency key still names the same request, the spend counted once and the audit
 * chain intact. Also a DELAY request killed right after its decision keeps its deadline. Needs `npm run build`.
 */
import Database from 'better-sqlite3'
import { JsonRpcProvider, Wallet as EthersWallet, parseEther } from 'ethers'
import { afterEach, describe, expect, inject, it, onTestFailed } from 'vitest'
import { TX_STATES } from '../../src/lib/contract/index.js'
import type { DaemonClient } from '../../src/cli/client.js'
import { tempHome } from '../helpers/cli.js'
import { daemonLog, exitWithin, spawnDaemon, type DaemonProcess } from '../helpers/daemon-process.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'
import { testClock, type TestClock } from '../helpers/test-clock.js'

const PASSWORD = 'correct horse battery staple'
const auth = { password: PASSWORD }
const NET = 'evm-local'
const WALLET = 'crashy'
const TICK = { WAIAAS_PIPELINE_TICK_MS: '50' }
const crashEnv = (stage: string): Record<string, string> => ({ ...TICK, WAIAAS_TEST_HOOKS: '1', WAIAAS_TEST_CRASH_AT: stage })
const clockEnv = (clock: TestClock): Record<string, string> => ({ WAIAAS_TEST_HOOKS: '1', WAIAAS_TEST_CLOCK_FILE: clock.file })
const FINAL = ['confirmed', 'failed', 'denied', 'cancelled', 'rejected', 'expired', 'replaced']

const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })

const live: DaemonProcess[] = []
const homes: ReturnType<typeof tempHome>[] = []
afterEach(async () => {
  for (const d of live.splice(0)) {
    d.client.close()
    await d.stop()
  }
  for (const h of homes.splice(0)) h.cleanup()
})

async function start(dataDir: string, passwordFile: string, env: Record<string, string>): Promise<DaemonProcess> {
  const d = await spawnDaemon(dataDir, { passwordFile, env })
  live.push(d)
  // A failure in an unexpected place (an INTERNAL error, say) is explained by what the daemon logged.
  onTestFailed(() => console.error(`--- daemon pid ${d.pid} (${env.WAIAAS_TEST_CRASH_AT ?? 'no crash hook'}) output ---\n${d.output().slice(-10_000)}`))
  return d
}

/** The request row as the killed daemon left it on disk (read-only: the file is not touched before the restart). */
function rowOnDisk(file: string, idempotencyKey: string): { id: string; state: string; tx_hash: string | null; delay_until: number | null; raw: string | null } {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const row = db.prepare('SELECT id, state, tx_hash, delay_until, raw FROM requests WHERE idempotency_key = ?').get(idempotencyKey)
    if (row === undefined) throw new Error(`no request with idempotency key ${idempotencyKey} on disk`)
    return row as ReturnType<typeof rowOnDisk>
  } finally {
    db.close()
  }
}

interface Fixture {
  home: ReturnType<typeof tempHome>
  pw: string
  first: DaemonProcess
  address: string
  to: string
  key: string
  /** The daemons' clock; only `setUp(..., { clocked: true })` hands it to them. */
  clock: TestClock
}

/** A fresh home and a first daemon that crashes at `stage`: vault, evm-local on the test anvil, a funded wallet, a limit. */
async function setUp(stage: string, rules: Record<string, unknown>, opts: { clocked?: boolean } = {}): Promise<Fixture> {
  const home = tempHome('waiaas-crash-')
  homes.push(home)
  const pw = home.file('pw.txt', `${PASSWORD}\n`)
  const clock = testClock(home.root)
  // No setup call below goes through the pipeline, so the crash hook can be armed from the start.
  const first = await start(home.dataDir, pw, { ...crashEnv(stage), ...(opts.clocked === true ? clockEnv(clock) : {}) })
  await first.client.call('vault.init', { password: PASSWORD })
  await first.client.call('network.set', { network: NET, rpcUrl: localChain().evmRpcUrl }, auth)
  const { address } = await first.client.call('wallet.create', { chain: 'evm', name: WALLET }, auth)
  await provider.send('anvil_setBalance', [address, '0x56bc75e2d63100000']) // 100 ETH
  await first.client.call('policy.add', { wallet: WALLET, type: 'SPENDING_LIMIT', rules }, auth)
  expect(await provider.getTransactionCount(address, 'latest')).toBe(0)
  return { home, pw, first, address, to: EthersWallet.createRandom().address, key: `crash-${stage}-${Date.now()}`, clock }
}

/** Sends and expects the daemon to SIGKILL itself before it answers. */
async function sendAndCrash(f: Fixture, amount: string): Promise<void> {
  const err = await catchAsync(f.first.client.call('tx.send', { wallet: WALLET, network: NET, to: f.to, amount, idempotencyKey: f.key }, auth))
  expect(err.code, `${err.message}\n${f.first.output()}`).toBe('DAEMON_UNREACHABLE')
  expect(await exitWithin(f.first, 15_000)).toEqual({ code: null, signal: 'SIGKILL' })
}

const send = (c: DaemonClient, f: Fixture, amount: string) => c.call('tx.send', { wallet: WALLET, network: NET, to: f.to, amount, idempotencyKey: f.key }, auth)

/** Everything that must hold once the request finished after the restart: it happened exactly once. */
async function assertExactlyOnce(c: DaemonClient, f: Fixture, id: string, amount: string, log: () => string): Promise<string> {
  const done = await c.call('tx.wait', { id, timeoutMs: 30_000 })
  expect(done.state, `request ${id} ended ${done.state} ${JSON.stringify(done.error)}\n${log()}`).toBe('confirmed')
  const hash = done.txHash
  expect(hash).toMatch(/^0x[0-9a-f]{64}$/)

  // On chain: the recipient got the amount once, the wallet used exactly one nonce, and it is the stored hash.
  expect(await provider.getBalance(f.to)).toBe(parseEther(amount))
  expect(await provider.getTransactionCount(f.address, 'latest')).toBe(1)
  expect(await provider.getTransactionCount(f.address, 'pending')).toBe(1)
  const tx = await provider.getTransaction(hash ?? '')
  expect(tx).toMatchObject({ from: f.address, to: f.to, value: parseEther(amount), nonce: 0 })
  expect((await provider.getTransactionReceipt(hash ?? ''))?.status).toBe(1)

  // The same key is the same request, and sends nothing more.
  const again = await send(c, f, amount)
  expect(again).toMatchObject({ id, state: 'confirmed', txHash: hash })
  expect(await provider.getTransactionCount(f.address, 'pending')).toBe(1)

  // One request, final, confirmed; nothing left in flight.
  const { requests } = await c.call('tx.list', { wallet: WALLET, limit: 1000 })
  expect(requests.map((r) => [r.id, r.state])).toEqual([[id, 'confirmed']])
  for (const state of TX_STATES.filter((s) => !FINAL.includes(s))) {
    expect((await c.call('tx.list', { state, limit: 1000 })).requests, `requests left ${state}`).toEqual([])
  }

  // Signed once, submitted once, confirmed once, and the audit chain is intact.
  const { entries } = await c.call('audit.list', { limit: 1000 })
  const mine = entries.filter((e) => e.target === id).map((e) => e.action)
  for (const action of ['tx.decision', 'tx.signed', 'tx.submitted', 'tx.confirmed']) expect(mine.filter((a) => a === action), `${action} in ${mine.join(', ')}`).toHaveLength(1)
  expect(await c.call('audit.verify', {})).toMatchObject({ valid: true })
  return hash ?? ''
}

/** With `daily_limit: 1` ETH and 0.4 spent: 0.5 more still fits (its own tier), 0.7 more does not (APPROVAL). */
async function assertCountedOnce(c: DaemonClient, fitsTier: 'INSTANT' | 'DELAY'): Promise<void> {
  const fits = await c.call('policy.test', { wallet: WALLET, network: NET, to: EthersWallet.createRandom().address, amount: '0.5' })
  expect(fits.tier, 'counted more than once').toBe(fitsTier)
  const over = await c.call('policy.test', { wallet: WALLET, network: NET, to: EthersWallet.createRandom().address, amount: '0.7' })
  expect(over.tier, 'not counted').toBe('APPROVAL')
  expect(over.decisive.rule?.field).toBe('daily_limit')
}

/** A new send after the recovery takes the next nonce: none was reused or skipped (a gap would never confirm). */
async function assertNextNonce(c: DaemonClient, f: Fixture): Promise<void> {
  const to = EthersWallet.createRandom().address
  const next = await c.call('tx.send', { wallet: WALLET, network: NET, to, amount: '0.05' }, auth)
  expect(next.tier).toBe('INSTANT')
  const done = await c.call('tx.wait', { id: next.id, timeoutMs: 15_000 })
  expect(done.state, `the next send is ${done.state}`).toBe('confirmed')
  expect((await provider.getTransaction(done.txHash ?? ''))?.nonce).toBe(1)
  expect(await provider.getTransactionCount(f.address, 'pending')).toBe(2)
  expect(await provider.getBalance(to)).toBe(parseEther('0.05'))
}

/** What the killed daemon must have left: the request's state on disk and whether the node has the transaction. */
const AT_CRASH: Record<string, { state: string; onChain: boolean }> = {
  decided: { state: 'approved', onChain: false },
  // Killed between taking the EVM nonce and recording it: the restart must give that nonce back, not skip it.
  nonce: { state: 'approved', onChain: false },
  signed: { state: 'signed', onChain: false },
  broadcast: { state: 'signed', onChain: true },
  submitted: { state: 'submitted', onChain: true },
}

describe('the pipeline after a SIGKILL', () => {
  for (const stage of ['decided', 'nonce', 'signed', 'broadcast', 'submitted']) {
    it(`killed right after "${stage}": the restarted daemon finishes the send exactly once`, async () => {
      const f = await setUp(stage, { instant_max: '1', daily_limit: '1' })
      await sendAndCrash(f, '0.4')

      const disk = rowOnDisk(f.first.paths.db, f.key)
      const expected = AT_CRASH[stage]!
      expect(disk.state, daemonLog(f.first.paths)).toBe(expected.state)
      expect(await provider.getBalance(f.to)).toBe(expected.onChain ? parseEther('0.4') : 0n)
      expect(await provider.getTransactionCount(f.address, 'pending')).toBe(expected.onChain ? 1 : 0)
      if (stage !== 'decided' && stage !== 'nonce') expect(disk.tx_hash).toMatch(/^0x[0-9a-f]{64}$/)

      const second = await start(f.home.dataDir, f.pw, TICK)
      const log = (): string => `${second.output()}\n--- daemon.log ---\n${daemonLog(second.paths)}`
      // Straight after the restart, whatever state it is in, the key already names the one request.
      expect((await send(second.client, f, '0.4')).id).toBe(disk.id)
      const hash = await assertExactlyOnce(second.client, f, disk.id, '0.4', log)
      // The bytes signed before the crash are the ones that landed.
      if (stage !== 'decided' && stage !== 'nonce') expect(hash).toBe(disk.tx_hash)
      await assertCountedOnce(second.client, 'INSTANT')
      await assertNextNonce(second.client, f)
    })
  }

  it('a DELAY request killed right after its decision keeps its deadline and executes once after it', async () => {
    // An hour on the daemons' test clock: no restart (node, oclif, scrypt unlock) on a loaded machine comes near it,
    // and the test then moves the clock past it instead of waiting.
    const DELAY = 3600
    const f = await setUp('decided', { instant_max: '0.1', delay_max: '1', delay_seconds: DELAY, daily_limit: '1' }, { clocked: true })
    const before = f.clock.now()
    await sendAndCrash(f, '0.4')
    const disk = rowOnDisk(f.first.paths.db, f.key)
    expect(disk.state).toBe('queued')
    const deadline = disk.delay_until ?? NaN
    expect(deadline).toBeGreaterThanOrEqual(before + DELAY * 1000)
    expect(deadline).toBeLessThanOrEqual(f.clock.now() + DELAY * 1000)

    const second = await start(f.home.dataDir, f.pw, { ...TICK, ...clockEnv(f.clock) })
    const log = (): string => `${second.output()}\n--- daemon.log ---\n${daemonLog(second.paths)}`
    // The restart must beat the deadline, or "not earlier" would prove nothing.
    expect(f.clock.now()).toBeLessThan(deadline)
    const shown = await second.client.call('tx.show', { id: disk.id })
    expect(shown).toMatchObject({ state: 'queued', tier: 'DELAY', executeAt: new Date(deadline).toISOString() })
    expect((await send(second.client, f, '0.4')).executeAt).toBe(new Date(deadline).toISOString())

    f.clock.advance(DELAY * 1000)
    await assertExactlyOnce(second.client, f, disk.id, '0.4', log)
    const { entries } = await second.client.call('audit.list', { limit: 1000 })
    const at = (action: string): number => Date.parse(entries.find((e) => e.target === disk.id && e.action === action)?.ts ?? '')
    expect(at('tx.delay-elapsed')).toBeGreaterThanOrEqual(deadline)
    expect(at('tx.signed')).toBeGreaterThanOrEqual(deadline)
    await assertCountedOnce(second.client, 'DELAY')
    await assertNextNonce(second.client, f)
  })
})

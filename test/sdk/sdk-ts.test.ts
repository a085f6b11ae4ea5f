/**
 * The TypeScript SDK against a real daemon (its real socket, the REST plugin on a loopback port, the worker's anvil),
 * over both transports, as an agent session: a send waited until confirmed (the recipient's balance read on anvil),
 * a denial with its code, an approval-tier request awaited while the operator approves it, and a session that cannot
 * see a wallet outside its scope.
 */
import { JsonRpcProvider, Wallet as EthersWallet, parseEther } from 'ethers'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Waiaas, WaiaasError } from '../../src/sdk/index.js'
import { localChain } from '../helpers/chains.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const NET = 'evm-local'
let provider: JsonRpcProvider
let baseUrl = ''
let tokenDir = ''
const clients: Record<'socket' | 'rest', Waiaas> = {} as never
let operator: Waiaas

/** Rejects unless `p` rejects; returns the WaiaasError. */
async function refusal(p: Promise<unknown>): Promise<WaiaasError> {
  const r = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(r).toBeInstanceOf(WaiaasError)
  return r as WaiaasError
}

beforeAll(async () => {
  await t.client.call('network.set', { network: NET, rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  for (const name of ['sdk-agent', 'sdk-bare', 'sdk-other']) {
    const w = await t.client.call('wallet.create', { chain: 'evm', name }, op)
    await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000']) // 100 ETH
  }
  // Up to 0.01: INSTANT; above: APPROVAL. sdk-bare has no policy: everything is denied.
  await t.client.call('policy.add', { wallet: 'sdk-agent', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01' } }, op)
  baseUrl = ((await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)).listening ?? '').replace(/\/v1$/, '')
  const { token } = await t.client.call('session.create', { wallets: ['sdk-agent', 'sdk-bare'], permissions: ['read', 'send'], name: 'sdk' }, op)
  // The socket client reads its token from a file, as WAIAAS_SESSION_TOKEN_FILE; the REST one from the environment.
  tokenDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-ts-'))
  const tokenFile = path.join(tokenDir, 'agent.token')
  fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 })
  clients.socket = new Waiaas({ dataDir: t.daemon.paths.dataDir, env: { WAIAAS_SESSION_TOKEN_FILE: tokenFile } })
  clients.rest = new Waiaas({ baseUrl, env: { WAIAAS_SESSION_TOKEN: token } })
  operator = new Waiaas({ socketPath: t.daemon.paths.socket, password: PASSWORD })
})

afterAll(() => {
  for (const c of [clients.socket, clients.rest, operator]) c?.close()
  if (tokenDir !== '') fs.rmSync(tokenDir, { recursive: true, force: true })
})

describe.each(['socket', 'rest'] as const)('the TypeScript SDK over %s', (transport) => {
  const client = (): Waiaas => clients[transport]

  it('acts as the session found in the environment, on the transport asked for', async () => {
    expect(client().transport).toBe(transport)
    const me = await client().session.whoami()
    expect(me).toMatchObject({ name: 'sdk' })
  })

  it('sends, waits until confirmed, and the coins are on the chain', async () => {
    const to = EthersWallet.createRandom().address
    const req = await client().tx.send({ wallet: 'sdk-agent', network: NET, to, amount: '0.001' })
    expect(req.tier).toBe('INSTANT')
    const done = await client().tx.wait({ id: req.id, timeoutMs: 20_000 })
    expect(done.id).toBe(req.id)
    expect((await client().tx.show(req.id)).state).toBe('confirmed') // the id alone
    expect(done.state).toBe('confirmed')
    expect(await provider.getBalance(to)).toBe(parseEther('0.001'))
  })

  it('throws a WaiaasError with the code and details of a denial', async () => {
    const to = EthersWallet.createRandom().address
    const err = await refusal(client().tx.send({ wallet: 'sdk-bare', network: NET, to, amount: '0.001' }))
    expect(err.code).toBe('POLICY_DENIED')
    expect(typeof err.details.id).toBe('string')
    expect(String(err.details.wouldPass)).toContain('SPENDING_LIMIT')
    expect(err.hint.length).toBeGreaterThan(0)
    expect(await provider.getBalance(to)).toBe(0n)
  })

  it('awaits an approval-tier request until the operator approves it', async () => {
    const to = EthersWallet.createRandom().address
    const req = await client().tx.send({ wallet: 'sdk-agent', network: NET, to, amount: '0.5' })
    expect(req.tier).toBe('APPROVAL')
    expect(req.state).toBe('awaiting_approval')
    const waiting = client().tx.wait({ id: req.id, timeoutMs: 20_000 })
    // Still waiting: a short wait returns it unchanged.
    expect((await client().tx.wait({ id: req.id, timeoutMs: 0 })).state).toBe('awaiting_approval')
    // The agent cannot approve its own request.
    expect((await refusal(client().tx.approve({ id: req.id }))).code).toMatch(/^(AUTH_FORBIDDEN|SESSION_SCOPE)$/)
    await operator.tx.approve({ id: req.id })
    const done = await waiting
    expect(done.state).toBe('confirmed')
    expect(await provider.getBalance(to)).toBe(parseEther('0.5'))
  })

  it('cannot see or use a wallet outside its session', async () => {
    const listed = await client().wallet.list()
    const names = listed.wallets.map((w) => w.name).sort()
    expect(names).toEqual(['sdk-agent', 'sdk-bare'])
    const everyone = await operator.wallet.list()
    expect(everyone.wallets.map((w) => w.name)).toContain('sdk-other')
    const err = await refusal(client().tx.send({ wallet: 'sdk-other', network: NET, to: EthersWallet.createRandom().address, amount: '0.001' }))
    expect(err.code).toBe('SESSION_SCOPE')
    expect((await refusal(client().wallet.show({ wallet: 'sdk-other' }))).code).toBe('SESSION_SCOPE')
  })
})

describe('the TypeScript SDK, anywhere', () => {
  it('says DAEMON_UNREACHABLE for a socket where no daemon listens, and a REST-less method over REST is refused by name', async () => {
    const nowhere = new Waiaas({ socketPath: path.join(os.tmpdir(), `no-daemon-${process.pid}.sock`), password: 'x' })
    const err = await refusal(nowhere.system.status())
    expect(err.code).toBe('DAEMON_UNREACHABLE')
    nowhere.close()
    const viaRest = new Waiaas({ baseUrl, password: PASSWORD })
    const shut = await refusal(viaRest.system.shutdown())
    expect(shut.code).toBe('INPUT_INVALID')
    expect(shut.details).toMatchObject({ method: 'system.shutdown', transport: 'rest' })
    expect((await viaRest.wallet.list()).wallets.length).toBe(3)
  })

  it('takes one credential at a time', () => {
    const err = (() => {
      try {
        new Waiaas({ token: 'a', password: 'b' })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(WaiaasError)
    expect((err as WaiaasError).code).toBe('INPUT_INVALID')
  })
})

describe('the event stream', () => {
  it('delivers a request’s state changes to the operator over REST, and to the agent session over the socket', async () => {
    const ops = new Waiaas({ baseUrl, password: PASSWORD })
    const ac = new AbortController()
    const seen: { action: string; target: string | null }[] = []
    // From the newest entry now: whatever the stream's start, the send's entries come after it.
    const newest = (await ops.audit.list({ limit: 1 })).entries[0]?.seq ?? 0
    const to = EthersWallet.createRandom().address
    const req = await clients.rest.tx.send({ wallet: 'sdk-agent', network: NET, to, amount: '0.002' })
    const stream = ops.events({ after: newest, signal: ac.signal })
    let next = await stream.next()
    expect(next.done).toBe(false)
    while (!next.done) {
      seen.push({ action: next.value.action, target: next.value.target })
      if (next.value.target === req.id && next.value.action === 'tx.confirmed') break
      next = await stream.next()
    }
    await stream.return()
    ac.abort()
    const mine = seen.filter((e) => e.target === req.id).map((e) => e.action)
    expect(mine).toContain('tx.submitted')
    expect(mine.at(-1)).toBe('tx.confirmed')
    // The agent session, over the socket, replays the same request from the same start (its own wallet's events only).
    const agentSeen: { action: string; target: string | null; wallet?: string | undefined }[] = []
    for await (const e of clients.socket.events({ after: newest })) {
      agentSeen.push({ action: e.action, target: e.target, wallet: e.wallet })
      if (e.target === req.id && e.action === 'tx.confirmed') break
    }
    expect(agentSeen.filter((e) => e.target === req.id).map((e) => e.action)).toEqual(mine)
    expect(new Set(agentSeen.map((e) => e.wallet))).toEqual(new Set([req.walletId]))
    ops.close()
  })
})

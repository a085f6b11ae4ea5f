/**
 * Issue 13 item 14: every rule that needs no chain data decides before any RPC call. A wallet that may only use the
 * local chain asks for a transfer, a token transfer, a contract call, an approval and a caller-built transaction on
 * Base Sepolia, whose "RPC" is a loopback server that counts connections and never answers: each request is denied at
 * once (recorded as denied, not failed), `policy test` answers the same offline, and the server saw no connection.
 * The same for a recipient on a deny list and a contract outside the allowlist on the local chain's twin.
 */
import net from 'node:net'
import { Transaction, Wallet as EthersWallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
let silent: net.Server
let connections = 0
const token = EthersWallet.createRandom().address
const shady = EthersWallet.createRandom().address
const to = (): string => EthersWallet.createRandom().address

beforeAll(async () => {
  // A node that swallows every request: a daemon that asked it would wait for its timeout.
  silent = net.createServer((socket) => {
    connections += 1
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  const port = (silent.address() as net.AddressInfo).port
  for (const network of ['base-sepolia', 'sepolia']) await t.client.call('network.set', { network, rpcUrl: `http://127.0.0.1:${port}` }, op)
  await t.client.call('wallet.create', { chain: 'evm', name: 'home' }, op)
  for (const [type, rules, scope] of [
    ['SPENDING_LIMIT', { instant_max: '1' }, {}],
    ['ALLOWED_NETWORKS', { networks: ['evm-local', 'sepolia'] }, {}],
    ['RECIPIENT_DENYLIST', { recipients: [shady] }, {}],
    ['CONTRACT_ALLOWLIST', { contracts: [token] }, {}],
  ] as const) {
    await t.client.call('policy.add', { wallet: 'home', type, rules, ...scope }, op)
  }
})

afterAll(async () => {
  await new Promise<void>((resolve) => silent.close(() => resolve()))
})

async function expectDeniedOffline(call: Promise<unknown>, ruleType: string): Promise<void> {
  const err = await catchAsync(call)
  expect(err.code).toBe('POLICY_DENIED')
  expect((err.details.rule as { type: string }).type).toBe(ruleType)
  const row = await t.client.call('tx.show', { id: err.details.id as string })
  expect(row.state).toBe('denied')
  expect(row.error).toBeNull()
}

describe('policy before the network', () => {
  it('a network the wallet may not use is denied without asking its node, for every kind of request', async () => {
    const base = { wallet: 'home', network: 'base-sepolia' }
    await expectDeniedOffline(t.client.call('tx.send', { ...base, to: to(), amount: '0.01' }, op), 'ALLOWED_NETWORKS')
    // A token transfer and an approval need the token's decimals for their amount: the network is judged first.
    await expectDeniedOffline(t.client.call('tx.send', { ...base, to: to(), amount: '5', token }, op), 'ALLOWED_NETWORKS')
    await expectDeniedOffline(t.client.call('tx.tokenApprove', { ...base, token, spender: to(), amount: '5' }, op), 'ALLOWED_NETWORKS')
    await expectDeniedOffline(t.client.call('tx.call', { ...base, to: token, function: 'pause()' }, op), 'ALLOWED_NETWORKS')
    const transaction = Transaction.from({ type: 2, chainId: 84532, nonce: 0, to: to(), value: 1n, gasLimit: 21_000n, maxFeePerGas: 10n ** 9n, maxPriorityFeePerGas: 1n }).unsignedSerialized
    await expectDeniedOffline(t.client.call('sign.tx', { ...base, transaction }, op), 'ALLOWED_NETWORKS')
    const probe = await t.client.call('policy.test', { ...base, to: to(), amount: '0.01' })
    expect(probe.tier).toBe('DENY')
    expect(probe.decisive.rule?.type).toBe('ALLOWED_NETWORKS')
    expect(connections).toBe(0)
  })

  it('a denied recipient and a contract outside the allowlist are refused offline on an allowed network whose node is silent', async () => {
    const base = { wallet: 'home', network: 'sepolia' }
    await expectDeniedOffline(t.client.call('tx.send', { ...base, to: shady, amount: '0.01' }, op), 'RECIPIENT_DENYLIST')
    await expectDeniedOffline(t.client.call('tx.call', { ...base, to: to(), function: 'pause()' }, op), 'CONTRACT_ALLOWLIST')
    const probe = await t.client.call('policy.test', { ...base, to: shady, amount: '0.01' })
    expect(probe.decisive.rule?.type).toBe('RECIPIENT_DENYLIST')
    expect(connections).toBe(0)
    // An allowed request there does need the node, and says so (the silent node times out: not tested here).
  })

  it('the same request with the same idempotency key replays its offline denial', async () => {
    const params = { wallet: 'home', network: 'base-sepolia', to: shady, amount: '0.01', idempotencyKey: 'k-offline' }
    const first = await catchAsync(t.client.call('tx.send', params, op))
    const again = await catchAsync(t.client.call('tx.send', params, op))
    expect(again.code).toBe('POLICY_DENIED')
    expect(again.details.id).toBe(first.details.id)
    expect(connections).toBe(0)
  })
})

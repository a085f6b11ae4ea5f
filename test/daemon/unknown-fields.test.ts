/**
 * Issue 13, the same class of hole as MCP's silently dropped arguments: over the socket and REST, a field a method
 * does not declare used to be dropped, so a misspelt `tokn` sent the native coin instead of the token. A field the
 * method does not know is refused (INPUT_INVALID naming it), and nothing is recorded or sent.
 */
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { http } from '../helpers/http.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
let provider: JsonRpcProvider
const recipient = EthersWallet.createRandom().address
const token = EthersWallet.createRandom().address

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  const w = await t.client.call('wallet.create', { chain: 'evm', name: 'typo' }, op)
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  await t.client.call('policy.add', { wallet: 'typo', type: 'SPENDING_LIMIT', rules: { instant_max: '1' } }, op)
})

describe('a field the method does not know', () => {
  it('is refused over the socket, naming it, and no native coin moves in its place', async () => {
    const params = { wallet: 'typo', network: 'evm-local', to: recipient, amount: '0.5', tokn: token }
    const err = await catchAsync(t.client.call('tx.send', params as never, op))
    expect(err.code).toBe('INPUT_INVALID')
    expect(err.details.issues).toEqual([{ path: 'tokn', message: 'tx.send has no field "tokn"' }])
    expect(err.hint).toContain('"tokn"')
    expect((await t.client.call('tx.list', { wallet: 'typo', limit: 10 })).requests).toEqual([])
    expect(await provider.getBalance(recipient)).toBe(0n)
  })

  it('is refused inside a list of objects too: a batch transfer\'s misspelt token moves no native coin', async () => {
    const before = (await t.client.call('tx.list', { wallet: 'typo', limit: 100 })).requests.length
    const params = { wallet: 'typo', network: 'evm-local', transfers: [{ to: recipient, amount: '0.1' }, { to: recipient, amount: '0.2', tokn: token }] }
    const err = await catchAsync(t.client.call('tx.sendBatch', params as never, op))
    expect(err.code).toBe('INPUT_INVALID')
    expect(err.details.issues).toEqual([{ path: 'transfers.1.tokn', message: 'tx.sendBatch has no field "transfers.1.tokn"' }])
    expect((await t.client.call('tx.list', { wallet: 'typo', limit: 100 })).requests.length).toBe(before)
    expect(await provider.getBalance(recipient)).toBe(0n)
  })

  it('is refused over REST the same way; the seed article\'s walletId spelling is still read as wallet', async () => {
    const r = await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)
    const base = (r.listening ?? '').replace(/\/v1$/, '')
    try {
      const typo = await http(base, '/v1/tx/send', { body: { walletId: 'typo', network: 'evm-local', to: recipient, amount: '0.5', tokn: token }, password: PASSWORD })
      expect(typo.status).toBe(400)
      expect(typo.json.error.code).toBe('INPUT_INVALID')
      expect(typo.json.error.details.issues).toEqual([{ path: 'tokn', message: 'tx.send has no field "tokn"' }])
      expect(await provider.getBalance(recipient)).toBe(0n)
      const fine = await http(base, '/v1/tx/send', { body: { walletId: 'typo', network: 'evm-local', to: recipient, amount: '0.001' }, password: PASSWORD })
      expect(fine.status, fine.text).toBe(200)
    } finally {
      await t.client.call('plugin.disable', { name: 'rest' }, op)
    }
  })
})

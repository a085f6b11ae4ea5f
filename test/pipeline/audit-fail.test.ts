/**
 * The audit log gates signing: when the entry that records a signature cannot be written, the signature is never
 * stored and nothing reaches the chain. The failure is made real with a SQLite trigger that refuses that entry.
 */
import Database from 'better-sqlite3'
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const auth = { password: PASSWORD }
let provider: JsonRpcProvider
let address: string

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, auth)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  address = (await t.client.call('wallet.create', { chain: 'evm', name: 'audited' }, auth)).address
  await provider.send('anvil_setBalance', [address, '0x56bc75e2d63100000'])
  await t.client.call('policy.add', { wallet: 'audited', type: 'SPENDING_LIMIT', rules: { instant_max: '1' } }, auth)
})

describe('audit write failure', () => {
  it('nothing is signed or sent when the signing entry cannot be written; it works again once it can', async () => {
    const side = new Database(t.daemon.paths.db)
    side.exec(`CREATE TRIGGER test_refuse_signed BEFORE INSERT ON audit WHEN NEW.action = 'tx.signed' BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
    try {
      const to = EthersWallet.createRandom().address
      const err = await catchAsync(t.client.call('tx.send', { wallet: 'audited', network: 'evm-local', to, amount: '0.1' }, auth))
      expect(err.code).toBe('AUDIT_WRITE_FAILED')
      const [row] = (await t.client.call('tx.list', { wallet: 'audited', limit: 1 })).requests
      expect(row).toMatchObject({ state: 'failed', txHash: null, signature: null })
      expect(await provider.getTransactionCount(address, 'pending')).toBe(0)
      expect(await provider.getBalance(to)).toBe(0n)
    } finally {
      side.exec('DROP TRIGGER test_refuse_signed')
      side.close()
    }
    const to = EthersWallet.createRandom().address
    const ok = await t.client.call('tx.send', { wallet: 'audited', network: 'evm-local', to, amount: '0.1' }, auth)
    expect((await t.client.call('tx.wait', { id: ok.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    // The nonce the failed attempt took was given back: this one used nonce 0.
    expect(await provider.getTransactionCount(address, 'latest')).toBe(1)
    expect((await t.client.call('audit.verify', {})).valid).toBe(true)
  })
})

/**
 * `waiaas send-batch` (issue 17): the CLI face of tx.sendBatch, run as an agent (a session token in the environment)
 * against a daemon whose evm-local network goes through waiaas's batcher on the local anvil. Every outcome is read
 * from the chain: a batch of pairs pays each recipient exactly in one transaction; one denied recipient denies the
 * batch (exit 4, the rule named) and nobody is paid; the transfers can come as JSON on stdin; and input that cannot
 * be a batch (unequal --to/--amount counts, bad JSON, a misspelled field) is refused before anything is recorded.
 */
import { JsonRpcProvider, Wallet as EthersWallet, parseEther } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { BATCHER_RUNTIME } from '../../src/daemon/chains/evm/batcher.generated.js'
import { localChain } from '../helpers/chains.js'
import { cliEnv, runCli, tempHome, type CliOptions, type CliResult } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const NET = 'evm-local'
const fresh = (): string => EthersWallet.createRandom().address
const denied = fresh()

let provider: JsonRpcProvider
let batcher: string
let token: string

const eth = (who: string): Promise<bigint> => provider.getBalance(who)
const requests = async (): Promise<number> => (await t.client.call('tx.list', { wallet: 'sb' }, op)).requests.length
/** `waiaas send-batch --wallet sb --network evm-local …args --json` as the agent session. */
const batch = (args: string[], opts: Partial<CliOptions> = {}): Promise<CliResult> =>
  runCli(['send-batch', '--wallet', 'sb', '--network', NET, ...args, '--json'], { ...opts, env: cliEnv(t.daemon.paths.dataDir, { WAIAAS_SESSION_TOKEN: token }) })

beforeAll(async () => {
  await t.client.call('network.set', { network: NET, rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  // Our batcher's code at an address of this file's own (the anvil is shared with other files of this worker).
  batcher = fresh()
  await provider.send('anvil_setCode', [batcher, BATCHER_RUNTIME])
  const wallet = await t.client.call('wallet.create', { chain: 'evm', name: 'sb' }, op)
  await provider.send('anvil_setBalance', [wallet.address, '0xde0b6b3a7640000']) // 1 ETH
  await t.client.call('policy.add', { wallet: 'sb', type: 'SPENDING_LIMIT', rules: { instant_max: '0.5', on_exceed: 'DENY' } }, op)
  await t.client.call('policy.add', { wallet: 'sb', type: 'RECIPIENT_DENYLIST', rules: { recipients: [denied] } }, op)
  await t.client.call('network.set', { network: NET, batchContract: batcher }, op)
  token = (await t.client.call('session.create', { wallets: ['sb'], permissions: ['read', 'send'] }, op)).token
  return () => provider.destroy()
})

describe('waiaas send-batch', () => {
  it('pays each --to its own --amount, in one transaction of the batcher carrying the exact sum', async () => {
    const [a, b, c] = [fresh(), fresh(), fresh()]
    const r = await batch(['--to', a, '--amount', '0.01', '--to', b, '--amount', '0.02', '--to', c, '--amount', '0.003', '--wait'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({ ok: true, data: { kind: 'batch', tier: 'INSTANT', state: 'confirmed' } })
    expect([await eth(a), await eth(b), await eth(c)]).toEqual([parseEther('0.01'), parseEther('0.02'), parseEther('0.003')])
    const tx = await provider.getTransaction(r.json!.data.txHash as string)
    expect(tx?.to?.toLowerCase()).toBe(batcher.toLowerCase())
    expect(tx?.value).toBe(parseEther('0.033'))
  })

  it('one denied recipient denies the whole batch: exit 4 naming the rule, and nobody is paid', async () => {
    const ok = fresh()
    const r = await batch(['--to', ok, '--amount', '0.01', '--to', denied, '--amount', '0.01'])
    expect(r.code).toBe(4)
    expect(r.json).toMatchObject({ ok: false, error: { code: 'POLICY_DENIED', details: { rule: { type: 'RECIPIENT_DENYLIST' } } } })
    expect((await t.client.call('tx.show', { id: r.json!.error!.details.id as string }, op)).state).toBe('denied')
    expect([await eth(ok), await eth(denied)]).toEqual([0n, 0n])
  })

  it('reads the transfers as a JSON array from stdin with --file - (a real process and pipe)', async () => {
    const [a, b] = [fresh(), fresh()]
    const input = JSON.stringify([{ to: a, amount: '0.004' }, { to: b, amount: '0.005' }])
    const r = await batch(['--file', '-', '--wait'], { input, spawn: true })
    expect(r.code, r.stderr).toBe(0)
    expect(r.json).toMatchObject({ ok: true, data: { kind: 'batch', state: 'confirmed' } })
    expect([await eth(a), await eth(b)]).toEqual([parseEther('0.004'), parseEther('0.005')])
  })

  it('refuses input that cannot be a batch, naming the flag, before anything is recorded', async () => {
    const before = await requests()
    const [a, b] = [fresh(), fresh()]
    const unequal = await batch(['--to', a, '--amount', '0.01', '--to', b])
    expect(unequal.code).toBe(2)
    expect(unequal.json?.error).toMatchObject({ code: 'USAGE', details: { flag: '--amount', to: 2, amount: 1 } })
    expect(unequal.json?.error?.hint).toContain('--to')

    const notJson = await batch(['--file', '-'], { input: '[{"to": ' })
    expect(notJson.code).toBe(2)
    expect(notJson.json?.error).toMatchObject({ code: 'USAGE', details: { flag: '--file', source: 'stdin' } })
    const notArray = await batch(['--file', '-'], { input: JSON.stringify({ to: a, amount: '0.01' }) })
    expect(notArray.json?.error).toMatchObject({ code: 'USAGE', details: { flag: '--file' } })
    // A misspelled "token" must not become a native transfer; a number amount is not a decimal string.
    const home = tempHome()
    const file = home.file('transfers.json', JSON.stringify([{ to: a, amount: '0.01' }, { to: b, amount: '1', tokn: 'USDC' }]))
    const typo = await batch(['--file', file])
    home.cleanup()
    expect(typo.code).toBe(2)
    expect(typo.json?.error).toMatchObject({ code: 'INPUT_INVALID', details: { flag: '--file', source: file, index: 1, field: 'tokn' } })
    const numeric = await batch(['--file', '-'], { input: JSON.stringify([{ to: a, amount: 0.01 }]) })
    expect(numeric.json?.error).toMatchObject({ code: 'INPUT_INVALID', details: { flag: '--file', index: 0, field: 'amount' } })
    const missing = await batch(['--file', '/nonexistent/transfers.json'])
    expect(missing.json?.error).toMatchObject({ code: 'INPUT_FILE_UNREADABLE', details: { flag: '--file' } })

    const both = await batch(['--file', '-', '--to', a, '--amount', '0.01'], { input: '[]' })
    expect(both.code).toBe(2)
    expect(both.json?.error?.code).toBe('USAGE')
    for (const r of [unequal, notJson, notArray, typo, numeric, missing, both]) expect(r.stderr).not.toMatch(/\n\s+at /)
    expect(await requests()).toBe(before)
    expect([await eth(a), await eth(b)]).toEqual([0n, 0n])
  })
})

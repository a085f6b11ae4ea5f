/**
 * EVM tx.sendBatch (issue 17) through the batching contract the operator allowlists (the Disperse ABI), against the
 * local anvil, through the real socket as an agent session; every outcome is read from the chain. A native batch
 * lands as one transaction paying exact amounts; one bad transfer denies it whole; concurrent batches cannot pass the
 * daily cap together; a token batch needs the wallet's allowance to the batcher; a batcher with other code or none
 * is refused; and a hand-made `tx.call` to the batcher is judged by the transfers it makes.
 */
import { Interface, JsonRpcProvider, Wallet as EthersWallet, keccak256, parseEther } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { BATCHER_CODE_HASH, BATCHER_RUNTIME } from '../../src/daemon/chains/evm/batcher.generated.js'
import { localChain } from '../helpers/chains.js'
import { cliEnv, runCli } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { deploy, mined } from '../helpers/solc.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const NET = 'evm-local'
const erc20 = new Interface(['function transfer(address,uint256)', 'function balanceOf(address) view returns (uint256)', 'function allowance(address,address) view returns (uint256)'])
const disperse = new Interface(['function disperseEther(address[],uint256[])', 'function disperseToken(address,address[],uint256[])'])
const fresh = (): string => EthersWallet.createRandom().address
const denied = fresh()

let provider: JsonRpcProvider
let wallet: { id: string; address: string }
let agent: { token: string }
let batcher: string
let token: string
/** A Disperse build other than ours (see DisperseClassic.sol), deployed for the code-hash pinning test. */
let classic: string

const eth = (who: string): Promise<bigint> => provider.getBalance(who)
const tokens = async (who: string): Promise<bigint> => BigInt(await provider.call({ to: token, data: erc20.encodeFunctionData('balanceOf', [who]) }))
const setBatcher = (batchContract: string | null): Promise<unknown> => t.client.call('network.set', { network: NET, batchContract }, op)
const requests = async (): Promise<number> => (await t.client.call('tx.list', { wallet: 'eb' }, op)).requests.length

beforeAll(async () => {
  await t.client.call('network.set', { network: NET, rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  // Our batcher's code at an address of this file's own (the anvil is shared with other files of this worker).
  batcher = fresh()
  await provider.send('anvil_setCode', [batcher, BATCHER_RUNTIME])
  wallet = await t.client.call('wallet.create', { chain: 'evm', name: 'eb' }, op)
  await provider.send('anvil_setBalance', [wallet.address, '0x56bc75e2d63100000'])
  const deployer = new EthersWallet(EthersWallet.createRandom().privateKey, provider)
  await provider.send('anvil_setBalance', [deployer.address, '0x56bc75e2d63100000'])
  token = await deploy(deployer, 'TestToken.sol', 'TestToken', [10n ** 12n])
  classic = await deploy(deployer, 'DisperseClassic.sol', 'DisperseClassic')
  await mined(provider, (await deployer.sendTransaction({ to: token, data: erc20.encodeFunctionData('transfer', [wallet.address, 100_000_000n]) })).hash)
  for (const [type, rules] of [
    ['SPENDING_LIMIT', { instant_max: '1', daily_limit: '1', on_exceed: 'DENY' }],
    ['SPENDING_LIMIT', { token, instant_max: '50' }],
    ['ALLOWED_TOKENS', { tokens: [token] }],
    ['RECIPIENT_DENYLIST', { recipients: [denied] }],
    ['APPROVED_SPENDERS', { spenders: [batcher, classic] }],
    ['CONTRACT_ALLOWLIST', { contracts: [batcher] }],
  ] as const) {
    await t.client.call('policy.add', { wallet: 'eb', type, rules }, op)
  }
  await setBatcher(batcher)
  agent = { token: (await t.client.call('session.create', { wallets: ['eb'], permissions: ['read', 'send'] }, op)).token }
})

describe('the batching contract is the operator\'s choice', () => {
  it('an agent session cannot set or clear it, and the setting stays', async () => {
    for (const batchContract of [fresh(), null]) {
      const err = await catchAsync(t.client.call('network.set', { network: NET, batchContract }, agent))
      expect(err.code).toBe('SESSION_SCOPE')
    }
    const evm = (await t.client.call('network.list', {})).networks.find((n) => n.id === 'eip155:31337')
    expect(evm?.batchContract?.toLowerCase()).toBe(batcher.toLowerCase())
  })

  it('the CLI sets and resets it with the master password; with a session token it is refused', async () => {
    const other = fresh()
    const cli = (args: string[], env: Record<string, string>): ReturnType<typeof runCli> => runCli(['network', 'set', NET, ...args, '--json'], { env: cliEnv(t.daemon.paths.dataDir, env) })
    const asAgent = await cli(['--batch-contract', other], { WAIAAS_SESSION_TOKEN: agent.token })
    expect(asAgent.code).toBe(6)
    expect(asAgent.json).toMatchObject({ ok: false, error: { code: 'AUTH_FORBIDDEN' } })
    const set = await cli(['--batch-contract', other.toLowerCase()], { WAIAAS_MASTER_PASSWORD: PASSWORD })
    expect(set.code).toBe(0)
    expect(set.json).toMatchObject({ ok: true, data: { batchContract: other } })
    const reset = await cli(['--reset-batch-contract'], { WAIAAS_MASTER_PASSWORD: PASSWORD })
    expect(reset.json).toMatchObject({ ok: true, data: { batchContract: null } })
    await setBatcher(batcher)
  })

  it('is for EVM networks and must be an address', async () => {
    expect((await catchAsync(t.client.call('network.set', { network: 'solana-local', batchContract: batcher }, op))).code).toBe('INPUT_INVALID')
    const bad = await catchAsync(t.client.call('network.set', { network: NET, batchContract: '0x1234' }, op))
    expect(bad.code).toBe('INPUT_INVALID_ADDRESS')
    expect(bad.details.field).toBe('batchContract')
  })
})

describe('native batches', () => {
  it('land as one disperseEther call paying each recipient exactly, with the exact sum as value', async () => {
    const [a, b, c] = [fresh(), fresh(), fresh()]
    const r = await t.client.call('tx.sendBatch', {
      wallet: 'eb', network: NET, transfers: [{ to: a, amount: '0.01' }, { to: b, amount: '0.02' }, { to: c, amount: '0.03' }],
    }, agent)
    expect(r).toMatchObject({ kind: 'batch', tier: 'INSTANT' })
    const done = await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 }, agent)
    expect(done.state).toBe('confirmed')
    expect([await eth(a), await eth(b), await eth(c)]).toEqual([parseEther('0.01'), parseEther('0.02'), parseEther('0.03')])
    const tx = await provider.getTransaction(done.txHash!)
    expect(tx?.to?.toLowerCase()).toBe(batcher.toLowerCase())
    expect(tx?.value).toBe(parseEther('0.06'))
    expect(await eth(batcher)).toBe(0n)
  })

  it('one transfer to a denied recipient denies the whole batch, and nobody is paid', async () => {
    const ok = fresh()
    const err = await catchAsync(t.client.call('tx.sendBatch', {
      wallet: 'eb', network: NET, transfers: [{ to: ok, amount: '0.01' }, { to: denied, amount: '0.01' }],
    }, agent))
    expect(err.code).toBe('POLICY_DENIED')
    expect((err.details.rule as { type: string }).type).toBe('RECIPIENT_DENYLIST')
    expect((await t.client.call('tx.show', { id: err.details.id as string }, op)).state).toBe('denied')
    expect([await eth(ok), await eth(denied)]).toEqual([0n, 0n])
  })

  it('a hand-made tx.call to the batcher is judged by the transfers it makes; padded or dirty calldata is refused', async () => {
    const ok = fresh()
    const pay = (to: string[], values: bigint[]): string => disperse.encodeFunctionData('disperseEther', [to, values])
    const bypass = await catchAsync(t.client.call('tx.call', { wallet: 'eb', network: NET, to: batcher, data: pay([ok, denied], [10n ** 16n, 10n ** 16n]), amount: '0.02' }, agent))
    expect(bypass.code).toBe('POLICY_DENIED')
    expect((bypass.details.rule as { type: string }).type).toBe('RECIPIENT_DENYLIST')
    // Trailing bytes, and a recipient word with dirty high bits: not canonical, never signed.
    const canonical = pay([ok], [10n ** 16n])
    const dirty = canonical.replace(`000000000000000000000000${ok.slice(2).toLowerCase()}`, `ffffffffffffffffffffffff${ok.slice(2).toLowerCase()}`)
    expect(dirty).not.toBe(canonical)
    for (const data of [`${canonical}${'00'.repeat(32)}`, dirty]) {
      const err = await catchAsync(t.client.call('tx.call', { wallet: 'eb', network: NET, to: batcher, data, amount: '0.01' }, agent))
      expect(err.code).toBe('INPUT_INVALID')
      expect(err.details.field).toBe('data')
    }
    expect([await eth(ok), await eth(denied)]).toEqual([0n, 0n])
    // Canonical, to an allowed recipient: judged as that transfer, and it lands.
    const r = await t.client.call('tx.call', { wallet: 'eb', network: NET, to: batcher, data: pay([ok], [2n * 10n ** 16n]), amount: '0.02' }, agent)
    expect(r).toMatchObject({ tier: 'INSTANT' })
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 }, agent)).state).toBe('confirmed')
    expect(await eth(ok)).toBe(parseEther('0.02'))
  })

  it('concurrent batches cannot pass the daily cap together', async () => {
    // 0.08 spent above (plus fees); 0.92 of the 1 ETH daily limit left. Six batches of 0.2 each: four fit.
    const targets = Array.from({ length: 6 }, () => [fresh(), fresh()] as const)
    const results = await Promise.allSettled(targets.map(([a, b]) => t.client.call('tx.sendBatch', {
      wallet: 'eb', network: NET, transfers: [{ to: a, amount: '0.1' }, { to: b, amount: '0.1' }],
    }, agent)))
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    expect(accepted).toHaveLength(4)
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('POLICY_DENIED')
    for (const r of accepted) expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 }, agent)).state).toBe('confirmed')
    let received = 0n
    for (const [a, b] of targets) received += (await eth(a)) + (await eth(b))
    expect(received).toBe(parseEther('0.8'))
  })
})

describe('token batches', () => {
  it('with a short allowance are refused before anything is recorded, naming what to approve', async () => {
    const before = await requests()
    const err = await catchAsync(t.client.call('tx.sendBatch', {
      wallet: 'eb', network: NET, transfers: [{ to: fresh(), amount: '1', token }, { to: fresh(), amount: '2', token }],
    }, agent))
    expect(err.code).toBe('BATCH_ALLOWANCE_SHORT')
    expect(err.details).toMatchObject({ spender: batcher, allowance: '0', needed: '3000000' })
    expect(await requests()).toBe(before)
  })

  it('mixing assets is refused', async () => {
    const err = await catchAsync(t.client.call('tx.sendBatch', {
      wallet: 'eb', network: NET, transfers: [{ to: fresh(), amount: '0.01' }, { to: fresh(), amount: '1', token }],
    }, agent))
    expect(err.code).toBe('BATCH_MIXED_ASSETS')
  })

  it('after a policy-checked approval, land through disperseToken straight from the wallet', async () => {
    const appr = await t.client.call('tx.tokenApprove', { wallet: 'eb', network: NET, token, spender: batcher, amount: '10' }, agent)
    expect((await t.client.call('tx.wait', { id: appr.id, timeoutMs: 20_000 }, agent)).state).toBe('confirmed')
    const [a, b] = [fresh(), fresh()]
    const held = await tokens(wallet.address)
    const r = await t.client.call('tx.sendBatch', { wallet: 'eb', network: NET, transfers: [{ to: a, amount: '1.5', token }, { to: b, amount: '2.5', token }] }, agent)
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 }, agent)).state).toBe('confirmed')
    expect([await tokens(a), await tokens(b), await tokens(batcher)]).toEqual([1_500_000n, 2_500_000n, 0n])
    expect(await tokens(wallet.address)).toBe(held - 4_000_000n)
    const left = BigInt(await provider.call({ to: token, data: erc20.encodeFunctionData('allowance', [wallet.address, batcher]) }))
    expect(left).toBe(6_000_000n)
  })

  it('the allowance left cannot be spent on a denied recipient through a hand-made disperseToken call', async () => {
    const data = disperse.encodeFunctionData('disperseToken', [token, [denied], [1_000_000n]])
    const err = await catchAsync(t.client.call('tx.call', { wallet: 'eb', network: NET, to: batcher, data }, agent))
    expect(err.code).toBe('POLICY_DENIED')
    expect((err.details.rule as { type: string }).type).toBe('RECIPIENT_DENYLIST')
    expect(await tokens(denied)).toBe(0n)
  })
})

describe('a Disperse build the operator pins by code hash', () => {
  it('is refused until its hash is pinned, then carries native and token batches', async () => {
    const hash = keccak256(await provider.getCode(classic))
    expect(hash).not.toBe(BATCHER_CODE_HASH)
    const [a, b, c] = [fresh(), fresh(), fresh()]
    try {
      await setBatcher(classic)
      const untrusted = await catchAsync(t.client.call('tx.sendBatch', { wallet: 'eb', network: NET, transfers: [{ to: a, amount: '0.001' }] }, op))
      expect(untrusted.code).toBe('BATCH_CONTRACT_UNTRUSTED')
      const bad = await catchAsync(t.client.call('network.set', { network: NET, batchCodeHash: '0x1234' }, op))
      expect([bad.code, bad.details.field]).toEqual(['INPUT_INVALID', 'batchCodeHash'])
      expect((await catchAsync(t.client.call('network.set', { network: NET, batchCodeHash: hash }, agent))).code).toBe('SESSION_SCOPE')
      const net = await t.client.call('network.set', { network: NET, batchCodeHash: hash.toUpperCase().replace('0X', '0x') }, op)
      expect(net.batchCodeHash).toBe(hash)
      // 0.88 ETH of the daily cap was spent above: a small native batch still fits.
      const native = await t.client.call('tx.sendBatch', { wallet: 'eb', network: NET, transfers: [{ to: c, amount: '0.001' }, { to: a, amount: '0.002' }] }, op)
      expect((await t.client.call('tx.wait', { id: native.id, timeoutMs: 20_000 }, op)).state).toBe('confirmed')
      expect([await eth(c), await eth(a), await eth(classic)]).toEqual([parseEther('0.001'), parseEther('0.002'), 0n])
      const appr = await t.client.call('tx.tokenApprove', { wallet: 'eb', network: NET, token, spender: classic, amount: '1' }, op)
      expect((await t.client.call('tx.wait', { id: appr.id, timeoutMs: 20_000 }, op)).state).toBe('confirmed')
      const r = await t.client.call('tx.sendBatch', { wallet: 'eb', network: NET, transfers: [{ to: a, amount: '0.25', token }, { to: b, amount: '0.75', token }] }, op)
      expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 }, op)).state).toBe('confirmed')
      expect([await tokens(a), await tokens(b), await tokens(classic)]).toEqual([250_000n, 750_000n, 0n])
    } finally {
      await t.client.call('network.set', { network: NET, batchContract: batcher, batchCodeHash: null }, op)
    }
  })
})

describe('a batcher the daemon does not trust', () => {
  it('other code, no code or none allowlisted: refused before any request is recorded, and nothing moves', async () => {
    const a = fresh()
    const send = (): Promise<unknown> => t.client.call('tx.sendBatch', { wallet: 'eb', network: NET, transfers: [{ to: a, amount: '0.01' }] }, agent)
    const before = await requests()
    try {
      await setBatcher(token)
      const other = await catchAsync(send())
      expect(other.code).toBe('BATCH_CONTRACT_UNTRUSTED')
      expect(other.details).toMatchObject({ contract: token, codeHash: keccak256(await provider.getCode(token)), expected: [BATCHER_CODE_HASH] })
      await setBatcher(fresh())
      const empty = await catchAsync(send())
      expect(empty.code).toBe('BATCH_CONTRACT_UNTRUSTED')
      expect(empty.details.codeHash).toBeNull()
      await setBatcher(null)
      const none = await catchAsync(send())
      expect(none.code).toBe('BATCH_UNSUPPORTED')
      expect(none.details).toMatchObject({ field: 'transfers', network: 'eip155:31337' })
    } finally {
      await setBatcher(batcher)
    }
    expect(await requests()).toBe(before)
    expect(await eth(a)).toBe(0n)
  })
})

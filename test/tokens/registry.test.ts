/**
 * The token registry (issue 17): well-known tokens of the built-in networks, tokens the operator registers, and
 * `token` fields that name a symbol. Through the real socket, against anvil: a symbol resolves to the one contract the
 * registry names for that network, the policies judge that address, and an unknown or ambiguous symbol is refused
 * before anything is signed. Balances are read from the chain.
 */
import { Interface, JsonRpcProvider, Wallet as EthersWallet, getAddress } from 'ethers'
import { Keypair } from '@solana/web3.js'
import { getAccount } from '@solana/spl-token'
import { beforeAll, describe, expect, it } from 'vitest'
import { allKnownTokens, knownTokens } from '../../src/lib/tokens.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { deploy, mined } from '../helpers/solc.js'
import { localChain } from '../helpers/chains.js'
import { solanaTokenWallet } from '../helpers/solana-token.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
const erc20 = new Interface(['function transfer(address,uint256)', 'function balanceOf(address) view returns (uint256)'])

describe('built-in tokens', () => {
  it('lists the issuers\' contracts of the well-known tokens per network, checksummed', async () => {
    const base = await t.client.call('token.list', { network: 'base' })
    expect(base.tokens.find((x) => x.symbol === 'USDC')).toEqual({
      network: 'eip155:8453', address: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', symbol: 'USDC', decimals: 6, name: 'USD Coin', source: 'built-in',
    })
    for (const net of ['ethereum', 'base', 'arbitrum', 'optimism', 'polygon']) {
      const symbols = (await t.client.call('token.list', { network: net })).tokens.map((x) => x.symbol).sort()
      expect(symbols, net).toEqual(['DAI', 'USDC', 'USDT', 'WETH'])
    }
    const sol = await t.client.call('token.resolve', { network: 'solana', token: 'usdt' })
    expect(sol).toMatchObject({ address: 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB', decimals: 6, source: 'built-in' })
    expect((await t.client.call('token.resolve', { network: 'solana', token: 'USDC' })).address).toBe('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v')
    for (const k of allKnownTokens().filter((x) => x.network.startsWith('eip155:'))) expect(getAddress(k.address), `${k.network} ${k.symbol}`).toBe(k.address)
    // No network lists a symbol twice: a built-in symbol always names one contract.
    for (const k of allKnownTokens()) expect(knownTokens(k.network).filter((x) => x.symbol === k.symbol)).toHaveLength(1)
  })

  it('cannot be removed, nor registered again under another symbol', async () => {
    const remove = await catchAsync(t.client.call('token.remove', { network: 'base', address: '0x833589fcd6edb6e08f4c7c32d4f71b54bda02913' }, op))
    expect(remove.code).toBe('TOKEN_BUILT_IN')
    const add = await catchAsync(t.client.call('token.add', { network: 'base', address: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', symbol: 'FAKE', decimals: 18 }, op))
    expect(add.code).toBe('TOKEN_BUILT_IN')
    expect((await t.client.call('token.resolve', { network: 'base', token: 'USDC' })).decimals).toBe(6)
  })
})

describe('operator tokens and --token SYMBOL on a send', () => {
  let provider: JsonRpcProvider
  let tokA: string
  let tokB: string
  let tokC: string
  let agent: string
  let wallet: { id: string; address: string }
  const friend = EthersWallet.createRandom().address
  const balanceOf = async (token: string, who: string): Promise<bigint> => BigInt(await provider.call({ to: token, data: erc20.encodeFunctionData('balanceOf', [who]) }))

  beforeAll(async () => {
    await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
    provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
    wallet = await t.client.call('wallet.create', { chain: 'evm', name: 'tok' }, op)
    await provider.send('anvil_setBalance', [wallet.address, '0x56bc75e2d63100000'])
    const deployer = new EthersWallet(EthersWallet.createRandom().privateKey, provider)
    await provider.send('anvil_setBalance', [deployer.address, '0x56bc75e2d63100000'])
    ;[tokA, tokB, tokC] = [await deploy(deployer, 'TestToken.sol', 'TestToken', [10n ** 12n]), await deploy(deployer, 'TestToken.sol', 'TestToken', [10n ** 12n]), await deploy(deployer, 'TestToken.sol', 'TestToken', [10n ** 12n])] as [string, string, string]
    for (const tok of [tokA, tokB, tokC]) await mined(provider, (await deployer.sendTransaction({ to: tok, data: erc20.encodeFunctionData('transfer', [wallet.address, 10n ** 9n]) })).hash)
    for (const [type, rules] of [
      ['SPENDING_LIMIT', { instant_max: '1' }],
      ['SPENDING_LIMIT', { token: tokA, instant_max: '100' }],
      ['SPENDING_LIMIT', { token: tokB, instant_max: '100' }],
      ['ALLOWED_TOKENS', { tokens: [tokA] }],
    ] as const) {
      await t.client.call('policy.add', { wallet: 'tok', type, rules }, op)
    }
    agent = (await t.client.call('session.create', { wallets: ['tok'], permissions: ['read', 'send'] }, op)).token
  })

  it('only the operator registers a token; its decimals are read from the contract', async () => {
    const denied = await catchAsync(t.client.call('token.add', { network: 'evm-local', address: tokA, symbol: 'TOKA' }, { token: agent }))
    expect(denied.code).toBe('SESSION_SCOPE')
    const added = await t.client.call('token.add', { network: 'evm-local', address: tokA.toLowerCase(), symbol: 'TOKA', name: 'Token A' }, op)
    expect(added).toEqual({ network: 'eip155:31337', address: tokA, symbol: 'TOKA', decimals: 6, name: 'Token A', source: 'operator' })
    const again = await catchAsync(t.client.call('token.add', { network: 'evm-local', address: tokA, symbol: 'OTHER', decimals: 6 }, op))
    expect(again.code).toBe('TOKEN_EXISTS')
    await t.client.call('token.add', { network: 'evm-local', address: tokB, symbol: 'TOKB', decimals: 6 }, op)
    // The agent reads the registry (token_list / token_resolve over MCP).
    const seen = await t.client.call('token.list', { network: 'evm-local' }, { token: agent })
    expect(seen.tokens.map((x) => [x.symbol, x.address])).toEqual([['TOKA', tokA], ['TOKB', tokB]])
    expect((await t.client.call('token.resolve', { network: 'anvil', token: 'toka' }, { token: agent })).address).toBe(tokA)
    const bad = await catchAsync(t.client.call('token.add', { network: 'evm-local', address: tokC, symbol: '0xABC', decimals: 6 }, op))
    expect(bad.code).toBe('INPUT_INVALID')
  })

  it('a symbol sends the registry\'s contract; the policies judge that address', async () => {
    const sent = await t.client.call('tx.send', { wallet: 'tok', network: 'evm-local', to: friend, amount: '2.5', token: 'TOKA' }, { token: agent })
    expect(sent.token).toBe(tokA.toLowerCase())
    await t.client.call('tx.wait', { id: sent.id, timeoutMs: 20_000 }, { token: agent })
    expect(await balanceOf(tokA, friend)).toBe(2_500_000n)
    // TOKB resolves to tokB, which ALLOWED_TOKENS does not list: denied by that rule, nothing moves.
    const denied = await catchAsync(t.client.call('tx.send', { wallet: 'tok', network: 'evm-local', to: friend, amount: '1', token: 'TOKB' }, { token: agent }))
    expect(denied.code).toBe('POLICY_DENIED')
    expect((denied.details.rule as { type: string }).type).toBe('ALLOWED_TOKENS')
    expect((await t.client.call('tx.show', { id: denied.details.id as string })).token).toBe(tokB.toLowerCase())
    expect(await balanceOf(tokB, friend)).toBe(0n)
  })

  it('an unknown or ambiguous symbol is refused before anything is decided, and nothing moves', async () => {
    const unknown = await catchAsync(t.client.call('tx.send', { wallet: 'tok', network: 'evm-local', to: friend, amount: '1', token: 'USDC' }, { token: agent }))
    expect(unknown.code).toBe('TOKEN_UNKNOWN')
    expect(unknown.details).toMatchObject({ field: 'token', network: 'eip155:31337', symbol: 'USDC', known: ['TOKA', 'TOKB'] })
    expect(unknown.hint).toContain('token_list')
    // A second contract registered as `toka`: the symbol no longer names one contract.
    await t.client.call('token.add', { network: 'evm-local', address: tokC, symbol: 'toka', decimals: 6 }, op)
    const before = await balanceOf(tokA, friend)
    const ambiguous = await catchAsync(t.client.call('tx.send', { wallet: 'tok', network: 'evm-local', to: friend, amount: '1', token: 'TOKA' }, { token: agent }))
    expect(ambiguous.code).toBe('TOKEN_AMBIGUOUS')
    expect((ambiguous.details.candidates as { address: string }[]).map((c) => c.address)).toEqual([tokA, tokC])
    const simulate = await catchAsync(t.client.call('tx.simulate', { wallet: 'tok', network: 'evm-local', to: friend, amount: '1', token: 'toka' }, op))
    expect(simulate.code).toBe('TOKEN_AMBIGUOUS')
    expect(await balanceOf(tokA, friend)).toBe(before)
    expect(await balanceOf(tokC, friend)).toBe(0n)
    expect((await t.client.call('tx.list', { wallet: 'tok' }, op)).requests).toHaveLength(2)
  })

  it('the operator removes a registered token, and its symbol stops resolving', async () => {
    const gone = await t.client.call('token.remove', { network: 'evm-local', address: tokC }, op)
    expect(gone.removed).toMatchObject({ address: tokC, symbol: 'toka', source: 'operator' })
    expect((await t.client.call('token.resolve', { network: 'evm-local', token: 'TOKA' })).address).toBe(tokA)
    const missing = await catchAsync(t.client.call('token.remove', { network: 'evm-local', address: tokC }, op))
    expect(missing.code).toBe('TOKEN_UNKNOWN')
    const audit = await t.client.call('audit.list', { limit: 20 }, op)
    expect(audit.entries.filter((e) => e.action.startsWith('token.')).map((e) => e.action)).toEqual(['token.remove', 'token.add', 'token.add', 'token.add'])
  })
})

describe('Solana: a registered SPL mint by its symbol', () => {
  it('sends the mint the registry names; the policies see the mint', async () => {
    const w = await solanaTokenWallet(t.client, op, 'sol-tok', 5_000_000n)
    await t.client.call('token.add', { network: 'solana-local', address: w.mint.toBase58(), symbol: 'SPLT' }, op)
    expect((await t.client.call('token.resolve', { network: 'solana-local', token: 'splt' })).decimals).toBe(6)
    await t.client.call('policy.add', { wallet: 'sol-tok', type: 'SPENDING_LIMIT', rules: { token: w.mint.toBase58(), instant_max: '10' } }, op)
    await t.client.call('policy.add', { wallet: 'sol-tok', type: 'ALLOWED_TOKENS', rules: { tokens: [w.mint.toBase58()] } }, op)
    const to = Keypair.generate().publicKey
    const sent = await t.client.call('tx.send', { wallet: 'sol-tok', network: 'solana-local', to: to.toBase58(), amount: '1.25', token: 'SPLT' }, op)
    expect(sent.token).toBe(w.mint.toBase58())
    expect((await t.client.call('tx.wait', { id: sent.id, timeoutMs: 20_000 }, op)).state).toBe('confirmed')
    expect((await getAccount(w.conn, await w.ataOf(to), 'confirmed')).amount).toBe(1_250_000n)
    expect((await getAccount(w.conn, w.source, 'confirmed')).amount).toBe(3_750_000n)
  })
})

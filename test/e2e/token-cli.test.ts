/**
 * The token registry through bin/run.js: `token list` shows the built-in well-known tokens, the operator registers a
 * token with `token add`, and `send --token SYMBOL` moves that contract's tokens (read from anvil); an unknown symbol
 * exits with TOKEN_UNKNOWN and a hint, and nothing moves.
 */
import { Interface, JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/cli.js'
import { localChain } from '../helpers/chains.js'
import { fails, MASTER_PASSWORD, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'
import { deploy, mined } from '../helpers/solc.js'

const home = tempHome('waiaas-token-cli-')
const pw = home.file('pw.txt', `${MASTER_PASSWORD}\n`)
const cli = runner(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw })
const erc20 = new Interface(['function transfer(address,uint256)', 'function balanceOf(address) view returns (uint256)'])
const friend = EthersWallet.createRandom().address
let provider: JsonRpcProvider
let token: string

const balanceOf = async (who: string): Promise<bigint> => BigInt(await provider.call({ to: token, data: erc20.encodeFunctionData('balanceOf', [who]) }))

beforeAll(async () => {
  ok(await cli.run(['init']))
  ok(await cli.run(['network', 'set', 'evm-local', '--rpc-url', localChain().evmRpcUrl]))
  const address = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'pay'])).address as string
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  await provider.send('anvil_setBalance', [address, '0x56bc75e2d63100000'])
  const deployer = new EthersWallet(EthersWallet.createRandom().privateKey, provider)
  await provider.send('anvil_setBalance', [deployer.address, '0x56bc75e2d63100000'])
  token = await deploy(deployer, 'TestToken.sol', 'TestToken', [10n ** 12n])
  await mined(provider, (await deployer.sendTransaction({ to: token, data: erc20.encodeFunctionData('transfer', [address, 10n ** 9n]) })).hash)
  ok(await cli.run(['policy', 'add', '--wallet', 'pay', '--type', 'SPENDING_LIMIT', '--rules', JSON.stringify({ token, instant_max: '100' })]))
  ok(await cli.run(['policy', 'add', '--wallet', 'pay', '--type', 'ALLOWED_TOKENS', '--rules', JSON.stringify({ tokens: [token] })]))
}, 60_000)

afterAll(async () => {
  await stopDaemonSurely(home.dataDir)
  provider?.destroy()
  home.cleanup()
})

describe('token registry through the CLI', () => {
  it('lists the built-in tokens of a network', async () => {
    const base = ok(await cli.run(['token', 'list', '--network', 'base']))
    expect(base.tokens.map((t: { symbol: string }) => t.symbol).sort()).toEqual(['DAI', 'USDC', 'USDT', 'WETH'])
  })

  it('send --token SYMBOL moves the registered contract\'s tokens; an unknown symbol moves nothing', async () => {
    const unknown = fails(await cli.run(['send', '--wallet', 'pay', '--network', 'evm-local', '--to', friend, '--amount', '1', '--token', 'PAY']), 'TOKEN_UNKNOWN', 7)
    expect(unknown.details).toMatchObject({ symbol: 'PAY', network: 'eip155:31337', known: [] })
    const added = ok(await cli.run(['token', 'add', '--network', 'evm-local', '--address', token, '--symbol', 'PAY']))
    expect(added).toMatchObject({ address: token, decimals: 6, source: 'operator' })
    const sent = ok(await cli.run(['send', '--wallet', 'pay', '--network', 'evm-local', '--to', friend, '--amount', '1.5', '--token', 'pay', '--wait']))
    expect(sent).toMatchObject({ state: 'confirmed', token: token.toLowerCase() })
    expect(await balanceOf(friend)).toBe(1_500_000n)
    expect(ok(await cli.run(['token', 'remove', '--network', 'evm-local', '--address', token])).removed.symbol).toBe('PAY')
    fails(await cli.run(['send', '--wallet', 'pay', '--network', 'evm-local', '--to', friend, '--amount', '1', '--token', 'PAY']), 'TOKEN_UNKNOWN', 7)
    expect(await balanceOf(friend)).toBe(1_500_000n)
  })
})

/**
 * The policy judges what will be signed: calldata is decoded, so an ERC-20 transfer sent as a raw contract call is
 * a token transfer (recipient rules apply even when the token is allowed), and an approve inside a call is an
 * approval (spender rules and the unlimited-approval block apply). Also `sign tx` and typed-data domains.
 */
import { Interface, JsonRpcProvider, MaxUint256, Transaction, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { deploy, mined } from '../helpers/solc.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon({ env: { pipelineTickMs: 50 } })
const auth = { password: PASSWORD }
const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const erc20 = new Interface(['function transfer(address,uint256)', 'function approve(address,uint256)', 'function balanceOf(address) view returns (uint256)'])
let provider: JsonRpcProvider
let token: string
let wallet: { id: string; address: string }
const friend = EthersWallet.createRandom().address
const stranger = EthersWallet.createRandom().address
const spender = EthersWallet.createRandom().address

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, auth)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  wallet = await t.client.call('wallet.create', { chain: 'evm', name: 'dec' }, auth)
  await provider.send('anvil_setBalance', [wallet.address, '0x56bc75e2d63100000'])
  const dev = new EthersWallet(DEV_KEY, provider)
  // A fresh funded deployer, so other test files using the dev key cannot race this one for nonces.
  const deployer = new EthersWallet(EthersWallet.createRandom().privateKey, provider)
  await provider.send('anvil_setBalance', [deployer.address, '0x56bc75e2d63100000'])
  token = await deploy(deployer, 'TestToken.sol', 'TestToken', [10n ** 12n])
  const sent = await deployer.sendTransaction({ to: token, data: erc20.encodeFunctionData('transfer', [wallet.address, 1_000_000_000n]) })
  await mined(provider, sent.hash)
  void dev
  for (const [type, rules] of [
    ['SPENDING_LIMIT', { instant_max: '1', token, delay_max: '1000', delay_seconds: 3600 }],
    ['SPENDING_LIMIT', { instant_max: '1' }],
    ['ALLOWED_TOKENS', { tokens: [token] }],
    ['RECIPIENT_ALLOWLIST', { recipients: [friend] }],
    ['CONTRACT_ALLOWLIST', { contracts: [token] }],
    ['APPROVED_SPENDERS', { spenders: [spender] }],
  ] as const) {
    await t.client.call('policy.add', { wallet: 'dec', type, rules }, auth)
  }
})

const balanceOf = async (who: string): Promise<bigint> => BigInt(await provider.call({ to: token, data: erc20.encodeFunctionData('balanceOf', [who]) }))

describe('decoded calldata', () => {
  it('a token transfer to an allowlisted recipient goes through', async () => {
    const r = await t.client.call('tx.send', { wallet: 'dec', network: 'evm-local', to: friend, amount: '0.5', token }, auth)
    expect(r).toMatchObject({ kind: 'token-transfer', tier: 'INSTANT' })
    expect((await t.client.call('tx.wait', { id: r.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect(await balanceOf(friend)).toBe(500_000n)
  })

  it('an ERC-20 transfer sent as a raw contract call is still a transfer: a stranger is refused though the token and contract are allowed', async () => {
    const data = erc20.encodeFunctionData('transfer', [stranger, 1000n])
    const err = await catchAsync(t.client.call('tx.call', { wallet: 'dec', network: 'evm-local', to: token, data }, auth))
    expect(err.code).toBe('POLICY_DENIED')
    expect((err.details.rule as { type: string }).type).toBe('RECIPIENT_ALLOWLIST')
    // The same via a function signature.
    const viaSig = await catchAsync(t.client.call('tx.call', { wallet: 'dec', network: 'evm-local', to: token, function: 'transfer(address,uint256)', args: [stranger, '1000'] }, auth))
    expect(viaSig.code).toBe('POLICY_DENIED')
    expect(await balanceOf(stranger)).toBe(0n)
    // And to the friend, the call is judged as a token transfer in token units (1000 minor units = 0.001 ≤ 1).
    const ok = await t.client.call('tx.call', { wallet: 'dec', network: 'evm-local', to: token, data: erc20.encodeFunctionData('transfer', [friend, 1000n]) }, auth)
    expect(ok).toMatchObject({ kind: 'contract-call', tier: 'INSTANT', to: friend.toLowerCase(), token: token.toLowerCase(), amount: '0.001' })
    expect((await t.client.call('tx.wait', { id: ok.id, timeoutMs: 20_000 })).state).toBe('confirmed')
    expect(await balanceOf(friend)).toBe(501_000n)
  })

  it('an approve inside a contract call is an approval: unlimited is blocked by default, an unknown spender is refused', async () => {
    const unlimited = await catchAsync(t.client.call('tx.call', { wallet: 'dec', network: 'evm-local', to: token, data: erc20.encodeFunctionData('approve', [spender, MaxUint256]) }, auth))
    expect(unlimited.code).toBe('POLICY_DENIED')
    expect((unlimited.details.rule as { type: string } | null)?.type ?? 'APPROVE_AMOUNT_LIMIT').toBe('APPROVE_AMOUNT_LIMIT')
    const unknown = await catchAsync(t.client.call('tx.call', { wallet: 'dec', network: 'evm-local', to: token, data: erc20.encodeFunctionData('approve', [stranger, 5n]) }, auth))
    expect((unknown.details.rule as { type: string }).type).toBe('APPROVED_SPENDERS')
    const limited = await t.client.call('tx.tokenApprove', { wallet: 'dec', network: 'evm-local', token, spender, amount: '2' }, auth)
    expect(limited).toMatchObject({ kind: 'token-approve', state: 'submitted' })
  })

  it('a call to a contract not on the allowlist is refused', async () => {
    const other = EthersWallet.createRandom().address
    const err = await catchAsync(t.client.call('tx.call', { wallet: 'dec', network: 'evm-local', to: other, function: 'poke()' }, auth))
    expect((err.details.rule as { type: string }).type).toBe('CONTRACT_ALLOWLIST')
  })

  it('sign tx: decodes the caller-built transaction, signs it without sending, and refuses the same to a stranger', async () => {
    const nonce = await provider.getTransactionCount(wallet.address, 'pending')
    // Fees from the chain's latest base fee and a 1 wei tip, the least the daemon itself suggests: this worker's anvil
    // lowers its base fee with every empty block other files mine, so a fixed fee (or ethers' fixed 1 gwei tip) can
    // exceed the fee bound (10x the suggestion) and the test would assert the bound instead of the decoding.
    const latest = await provider.getBlock('latest')
    const baseFee = latest?.baseFeePerGas ?? 0n
    const base = { to: token, nonce, gasLimit: '100000', maxFeePerGas: String(2n * baseFee + 1n), maxPriorityFeePerGas: '1', chainId: 31337 }
    const ok = await t.client.call('sign.tx', { wallet: 'dec', network: 'evm-local', transaction: { ...base, data: erc20.encodeFunctionData('transfer', [friend, 7n]) } }, auth)
    expect(ok.state).toBe('signed')
    const tx = Transaction.from(ok.signature ?? '')
    expect(tx.from).toBe(wallet.address)
    expect(tx.to).toBe(token)
    expect(await provider.getTransactionCount(wallet.address, 'pending')).toBe(nonce)
    const bad = await catchAsync(t.client.call('sign.tx', { wallet: 'dec', network: 'evm-local', transaction: { ...base, data: erc20.encodeFunctionData('transfer', [stranger, 7n]) } }, auth))
    expect(bad.code).toBe('POLICY_DENIED')
    const missing = await catchAsync(t.client.call('sign.tx', { wallet: 'dec', network: 'evm-local', transaction: { to: token, data: '0x' } }, auth))
    expect(missing.code).toBe('INPUT_INVALID')
  })

  it('typed data is signed only for a domain SIGNING_RULES lists (a permit can move funds)', async () => {
    const typedData = {
      types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }], Permit: [{ name: 'spender', type: 'address' }, { name: 'value', type: 'uint256' }] },
      primaryType: 'Permit',
      domain: { name: 'Test', chainId: 31337, verifyingContract: token },
      message: { spender, value: '1' },
    }
    expect((await catchAsync(t.client.call('sign.typedData', { wallet: 'dec', typedData }, auth))).code).toBe('POLICY_DENIED')
    await t.client.call('policy.add', { wallet: 'dec', type: 'SIGNING_RULES', rules: { typed_data_domains: [{ verifyingContract: token }] } }, auth)
    const r = await t.client.call('sign.typedData', { wallet: 'dec', typedData }, auth)
    expect(r.state).toBe('signed')
    const other = { ...typedData, domain: { ...typedData.domain, verifyingContract: stranger } }
    expect((await catchAsync(t.client.call('sign.typedData', { wallet: 'dec', typedData: other }, auth))).code).toBe('POLICY_DENIED')
    // Personal messages stay refused: typed-data domains do not allow them.
    expect((await catchAsync(t.client.call('sign.message', { wallet: 'dec', message: 'x' }, auth))).code).toBe('POLICY_DENIED')
  })
})

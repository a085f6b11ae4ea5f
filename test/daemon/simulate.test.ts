/**
 * tx.simulate through the daemon against the global-setup chains: every transaction type is built, priced and
 * simulated, nothing is signed or sent (balances and nonces unchanged), and bad input gets its stable code.
 */
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js'
import { TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, createMint, getOrCreateAssociatedTokenAccount, mintTo } from '@solana/spl-token'
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/daemon/store/db.js'
import { sqliteNonceStore } from '../../src/daemon/store/nonces.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { catchAsync } from '../helpers/errors.js'
import { deploy, mined } from '../helpers/solc.js'
import { localChain } from '../helpers/chains.js'

const t = useDaemon()
const auth = { password: PASSWORD }
const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
let provider: JsonRpcProvider
let evm: { id: string; address: string }
let sol: { id: string; address: string }
let token: string
let reverter: string

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, auth)
  await t.client.call('network.set', { network: 'solana-local', rpcUrl: localChain().solanaRpcUrl }, auth)
  evm = await t.client.call('wallet.create', { chain: 'evm', name: 'sim-evm' }, auth)
  sol = await t.client.call('wallet.create', { chain: 'solana', name: 'sim-sol' }, auth)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  await provider.send('anvil_setBalance', [evm.address, '0xde0b6b3a7640000']) // 1 ETH
  const dev = new EthersWallet(DEV_KEY, provider)
  token = await deploy(dev, 'TestToken.sol', 'TestToken', [10n ** 12n])
  reverter = await deploy(dev, 'Reverter.sol', 'Reverter')
  const conn = new Connection(localChain().solanaRpcUrl, { commitment: 'confirmed', wsEndpoint: localChain().solanaWsUrl })
  await conn.requestAirdrop(new PublicKey(sol.address), LAMPORTS_PER_SOL)
})

describe('tx.simulate', () => {
  it('prices and simulates an EVM transfer without sending it or holding its nonce', async () => {
    const before = await provider.getBalance(evm.address)
    const r = await t.client.call('tx.simulate', { wallet: 'sim-evm', network: 'evm-local', to: '0x000000000000000000000000000000000000dEaD', amount: '0.25' })
    expect(r).toMatchObject({ kind: 'native-transfer', ok: true, error: null, network: 'eip155:31337', from: evm.address })
    expect(r.fee.symbol).toBe('ETH')
    expect(Number(r.fee.max)).toBeGreaterThan(0)
    expect(await provider.getBalance(evm.address)).toBe(before)
    expect(await provider.getTransactionCount(evm.address, 'pending')).toBe(0)
    // The nonce handed out for the dry run was given back: the next one is still 0.
    const db = openDatabase(t.daemon.paths.db)
    try {
      expect(sqliteNonceStore(db).load(31337, evm.address) ?? 0n).toBe(0n)
    } finally {
      db.close()
    }
  })

  it('simulates token transfers, approvals and contract calls, and reports a revert with its reason', async () => {
    // The wallet holds none of this token yet: the node's estimate reverts with the token's own reason.
    const empty = await catchAsync(t.client.call('tx.simulate', { wallet: 'sim-evm', network: 'evm-local', to: reverter, amount: '1', token }))
    expect(empty.code).toBe('CHAIN_REVERTED')
    expect(empty.details.reason).toBe('balance too low')
    const dev = new EthersWallet(DEV_KEY, provider)
    const { Contract } = await import('ethers')
    const erc20 = new Contract(token, ['function transfer(address,uint256) returns (bool)', 'function balanceOf(address) view returns (uint256)'], dev)
    const sent = (await erc20.getFunction('transfer')(evm.address, 2_000_000n)) as { hash: string }
    await mined(provider, sent.hash) // ethers' wait() can miss an automined block
    const tt = await t.client.call('tx.simulate', { wallet: 'sim-evm', network: 'evm-local', to: reverter, amount: '1.5', token })
    expect(tt).toMatchObject({ kind: 'token-transfer', ok: true })
    expect(await erc20.getFunction('balanceOf')(evm.address)).toBe(2_000_000n)
    const approve = await t.client.call('tx.simulate', { wallet: 'sim-evm', network: 'evm-local', token, spender: reverter, amount: '5' })
    expect(approve).toMatchObject({ kind: 'token-approve', ok: true })
    const call = await t.client.call('tx.simulate', { wallet: 'sim-evm', network: 'evm-local', to: reverter, function: 'bump(uint256)', args: ['3'] })
    expect(call).toMatchObject({ kind: 'contract-call', ok: true })
    const failing = await catchAsync(t.client.call('tx.simulate', { wallet: 'sim-evm', network: 'evm-local', to: reverter, function: 'fail()' }))
    expect(failing.code).toBe('CHAIN_REVERTED')
    expect(failing.details.reason).toBe('nope')
  })

  it('simulates SPL and Token-2022 transfers, including to a recipient without a token account', async () => {
    const conn = new Connection(localChain().solanaRpcUrl, { commitment: 'confirmed', wsEndpoint: localChain().solanaWsUrl })
    const payer = Keypair.generate()
    await conn.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL)
    const owner = new PublicKey(sol.address)
    for (const program of [TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID]) {
      const mint = await createMint(conn, payer, payer.publicKey, null, 6, Keypair.generate(), { commitment: 'confirmed' }, program)
      const ata = await getOrCreateAssociatedTokenAccount(conn, payer, mint, owner, false, 'confirmed', { commitment: 'confirmed' }, program)
      await mintTo(conn, payer, mint, ata.address, payer, 5_000_000n, [], { commitment: 'confirmed' }, program)
      const r = await t.client.call('tx.simulate', { wallet: 'sim-sol', network: 'solana-local', to: Keypair.generate().publicKey.toBase58(), amount: '1.5', token: mint.toBase58() })
      expect(r).toMatchObject({ kind: 'token-transfer', ok: true })
      // The recipient has no token account yet: its rent is part of the fee the sender would pay.
      expect(Number(r.fee.details.rentLamports)).toBeGreaterThan(0)
      expect((await conn.getTokenAccountBalance(ata.address)).value.amount).toBe('5000000')
      const tooMuch = await catchAsync(t.client.call('tx.simulate', { wallet: 'sim-sol', network: 'solana-local', to: payer.publicKey.toBase58(), amount: '0.0000001', token: mint.toBase58() }))
      expect(tooMuch.code).toBe('INPUT_INVALID_AMOUNT')
    }
  })

  it('simulates a Solana transfer', async () => {
    const r = await t.client.call('tx.simulate', { wallet: 'sim-sol', network: 'solana-local', to: '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin', amount: '0.1' })
    expect(r).toMatchObject({ kind: 'native-transfer', ok: true, network: 'solana:waiaaslocal000000000000000' })
    expect(r.fee.symbol).toBe('SOL')
    expect(Number(r.fee.max)).toBeGreaterThan(0)
  })

  it('refuses bad input with stable codes', async () => {
    const base = { wallet: 'sim-evm', network: 'evm-local' }
    const cases: [Record<string, unknown>, string][] = [
      [{ to: '0x1234', amount: '1' }, 'INPUT_INVALID_ADDRESS'],
      [{ to: evm.address, amount: '-1' }, 'INPUT_INVALID_AMOUNT'],
      [{ to: evm.address, amount: '1e18' }, 'INPUT_INVALID_AMOUNT'],
      [{ to: evm.address, amount: (2n ** 256n).toString() }, 'INPUT_INVALID_AMOUNT'],
      [{ to: evm.address, amount: '0.0000001', token }, 'INPUT_INVALID_AMOUNT'], // 7 decimals on a 6-decimal token
      [{ to: evm.address, amount: '100' }, 'CHAIN_INSUFFICIENT_FUNDS'],
      [{ to: evm.address }, 'INPUT_INVALID'],
      [{ to: reverter, data: 'nothex' }, 'INPUT_INVALID'],
    ]
    for (const [extra, code] of cases) {
      const e = await catchAsync(t.client.call('tx.simulate', { ...base, ...extra } as never))
      expect(e.code, JSON.stringify(extra)).toBe(code)
    }
    expect((await catchAsync(t.client.call('tx.simulate', { wallet: 'sim-sol', network: 'evm-local', to: evm.address, amount: '1' }))).code).toBe('NETWORK_MISMATCH')
  })
})

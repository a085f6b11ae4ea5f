/**
 * The EVM adapter against a real anvil: every transaction type lands and moves balances by exactly the amount
 * (plus the fee for the sender), confirmation depth, failed receipts, simulation, signatures, and replacement
 * (speed-up and cancel) on a second anvil that mines only on demand.
 */
import { Contract, Interface, JsonRpcProvider, Wallet, parseEther, verifyMessage, verifyTypedData } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAnvil, type AnvilHandle } from '../../src/devnet/anvil.js'
import {
  MemoryNonceStore,
  NonceManager,
  createEvmAdapter,
  createProvider,
  encodeFunctionCall,
  signPersonalMessage,
  signTypedData,
  type EvmAdapter,
} from '../../src/daemon/chains/evm/index.js'
import type { PreparedTx, TxIntent, TxStatus } from '../../src/daemon/chains/types.js'
import { catchAsync, catchErr } from '../helpers/errors.js'
import { compile, deploy, mined } from '../helpers/solc.js'

const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const keyOf = (w: { privateKey: string }): Buffer => Buffer.from(w.privateKey.slice(2), 'hex')

let anvil: AnvilHandle
let provider: JsonRpcProvider
let dev: Wallet
let adapter: EvmAdapter
let token: string
let reverter: string

function makeAdapter(url: string, chainId: number, confirmations = 1): EvmAdapter {
  return createEvmAdapter({ network: 'evm-local', chainId, rpcUrl: url, confirmations, nonces: new NonceManager(new MemoryNonceStore()) })
}

async function fresh(eth = '10', tokens = 0n): Promise<{ address: string; key: Buffer }> {
  const w = Wallet.createRandom()
  await mined(provider, (await dev.sendTransaction({ to: w.address, value: parseEther(eth) })).hash)
  if (tokens > 0n) {
    const t = new Contract(token, ['function transfer(address,uint256)'], dev)
    await mined(provider, ((await t.getFunction('transfer')(w.address, tokens)) as { hash: string }).hash)
  }
  return { address: w.address, key: keyOf(w) }
}

async function waitFinal(a: EvmAdapter, hash: string): Promise<TxStatus> {
  for (let i = 0; i < 200; i++) {
    const s = await a.status(hash)
    if (s.state === 'confirmed' || s.state === 'failed') return s
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`${hash} did not confirm`)
}

async function send(a: EvmAdapter, from: { address: string; key: Buffer }, intent: TxIntent): Promise<{ prepared: PreparedTx; hash: string; status: TxStatus }> {
  const prepared = await a.prepare(from.address, intent)
  const signed = await a.sign(prepared, from.key)
  await a.broadcast(signed)
  return { prepared, hash: signed.hash, status: await waitFinal(a, signed.hash) }
}

const feeOf = (s: TxStatus): bigint => (s.state === 'confirmed' || s.state === 'failed' ? s.fee : -1n)
const native = async (addr: string): Promise<bigint> => (await adapter.getBalance(addr)).amount
const tokenBal = async (addr: string): Promise<bigint> => (await adapter.getBalance(addr, token)).amount

beforeAll(async () => {
  anvil = await startAnvil()
  provider = createProvider({ network: 'evm-local', chainId: anvil.chainId, rpcUrl: anvil.url })
  dev = new Wallet(DEV_KEY, provider)
  token = await deploy(dev, 'TestToken.sol', 'TestToken', [1_000_000_000_000n])
  reverter = await deploy(dev, 'Reverter.sol', 'Reverter')
  adapter = makeAdapter(anvil.url, anvil.chainId)
})

afterAll(async () => {
  adapter?.close()
  provider?.destroy()
  await anvil?.stop()
})

describe('transactions land and move balances by exactly the amount', () => {
  it('native transfer: recipient +amount, sender -(amount + gasUsed × effectiveGasPrice)', async () => {
    const from = await fresh()
    const to = Wallet.createRandom().address
    const before = await native(from.address)
    const { hash, status } = await send(adapter, from, { kind: 'native-transfer', to, amount: 12_345_678_900n })
    expect(status.state).toBe('confirmed')
    const receipt = await provider.getTransactionReceipt(hash)
    expect(feeOf(status)).toBe((receipt?.gasUsed ?? 0n) * (receipt?.gasPrice ?? 0n))
    expect(await native(to)).toBe(12_345_678_900n)
    expect(await native(from.address)).toBe(before - 12_345_678_900n - feeOf(status))
  })

  it('ERC-20 transfer (6 decimals): token balances move by the amount, the sender pays only gas in ETH', async () => {
    const from = await fresh('1', 5_000_000n)
    const to = Wallet.createRandom().address
    const eth = await native(from.address)
    const { status } = await send(adapter, from, { kind: 'token-transfer', token, to, amount: 1_234_567n })
    expect(status.state).toBe('confirmed')
    expect(await tokenBal(to)).toBe(1_234_567n)
    expect(await tokenBal(from.address)).toBe(5_000_000n - 1_234_567n)
    expect(await native(from.address)).toBe(eth - feeOf(status))
    expect(await adapter.getBalance(to, token)).toEqual({ token, symbol: 'TUSD', decimals: 6, amount: 1_234_567n })
  })

  it('ERC-20 approve sets the allowance', async () => {
    const from = await fresh('1')
    const spender = Wallet.createRandom().address
    const eth = await native(from.address)
    const { status } = await send(adapter, from, { kind: 'token-approve', token, spender, amount: 777n })
    const t = new Contract(token, ['function allowance(address,address) view returns (uint256)'], provider)
    expect(await t.getFunction('allowance')(from.address, spender)).toBe(777n)
    expect(await native(from.address)).toBe(eth - feeOf(status))
  })

  it('contract call from a function signature: state changes and the value arrives', async () => {
    const from = await fresh('1')
    const counter = new Contract(reverter, compile('Reverter.sol', 'Reverter').abi, provider)
    const before = (await counter.getFunction('counter')()) as bigint
    const eth = await native(from.address)
    const data = encodeFunctionCall('bump(uint256)', ['5'])
    const { status } = await send(adapter, from, { kind: 'contract-call', to: reverter, data, value: 1000n })
    expect(status.state).toBe('confirmed')
    expect(await counter.getFunction('counter')()).toBe(before + 5n)
    expect(await provider.getBalance(reverter)).toBeGreaterThanOrEqual(1000n)
    expect(await native(from.address)).toBe(eth - 1000n - feeOf(status))
  })

  it('a transaction that reverts on chain is reported failed with the fee paid', async () => {
    const from = await fresh('1')
    const ok = await adapter.prepare(from.address, { kind: 'contract-call', to: reverter, data: encodeFunctionCall('bump(uint256)', [1]), value: 0n })
    // Same nonce and gas, calldata swapped for fail(): passes no estimation, so it lands and reverts.
    const bad: PreparedTx = { ...ok, unsigned: { ...ok.unsigned, data: encodeFunctionCall('fail()', []) } }
    const sim = await adapter.simulate(bad)
    expect(sim.ok).toBe(false)
    expect(sim.error).toEqual({ code: 'CHAIN_REVERTED', reason: 'nope' })
    const signed = await adapter.sign(bad, from.key)
    await adapter.broadcast(signed)
    const s = await waitFinal(adapter, signed.hash)
    expect(s).toMatchObject({ state: 'failed', reason: 'nope' })
    expect(feeOf(s)).toBeGreaterThan(0n)
    const receipt = await provider.getTransactionReceipt(signed.hash)
    expect(feeOf(s)).toBe((receipt?.gasUsed ?? 0n) * (receipt?.gasPrice ?? 0n))
  })
})

describe('status, simulation, idempotent broadcast', () => {
  it('confirmed only at the network confirmation depth', async () => {
    const deep = makeAdapter(anvil.url, anvil.chainId, 3)
    const from = await fresh('1')
    const p = await deep.prepare(from.address, { kind: 'native-transfer', to: from.address, amount: 1n })
    const signed = await deep.sign(p, from.key)
    await deep.broadcast(signed)
    await mined(provider, signed.hash)
    expect(await deep.status(signed.hash)).toEqual({ state: 'pending' })
    await provider.send('anvil_mine', ['0x1'])
    expect((await deep.status(signed.hash)).state).toBe('pending')
    await provider.send('anvil_mine', ['0x1'])
    const s = await deep.status(signed.hash)
    expect(s).toMatchObject({ state: 'confirmed', confirmations: 3 })
    deep.close()
  })

  it('simulate reports fee and success without signing; unknown hashes are unknown', async () => {
    const from = await fresh('1')
    const p = await adapter.prepare(from.address, { kind: 'native-transfer', to: Wallet.createRandom().address, amount: 1n })
    const sim = await adapter.simulate(p)
    expect(sim).toMatchObject({ ok: true, logs: [] })
    expect(sim.fee.details.gasLimit).toBe('21000')
    expect(await adapter.status(`0x${'ab'.repeat(32)}`)).toEqual({ state: 'unknown' })
    await adapter.releaseNonce(p)
  })

  it('re-broadcasting the same bytes after they landed is not an error', async () => {
    const from = await fresh('1')
    const p = await adapter.prepare(from.address, { kind: 'native-transfer', to: Wallet.createRandom().address, amount: 1n })
    const signed = await adapter.sign(p, from.key)
    await adapter.broadcast(signed)
    await waitFinal(adapter, signed.hash)
    await adapter.broadcast(signed)
  })

  it('sign refuses a key that is not the sender', async () => {
    const from = await fresh('1')
    const p = await adapter.prepare(from.address, { kind: 'native-transfer', to: from.address, amount: 1n })
    const e = await catchAsync(adapter.sign(p, keyOf(Wallet.createRandom())))
    expect(e.code).toBe('INPUT_INVALID')
    expect(e.details.field).toBe('key')
    await adapter.releaseNonce(p)
  })
})

describe('message signing interop', () => {
  const w = Wallet.createRandom()
  it('personal_sign verifies with ethers.verifyMessage', async () => {
    expect(verifyMessage('hello waiaas', signPersonalMessage(keyOf(w), 'hello waiaas'))).toBe(w.address)
    expect(verifyMessage(new Uint8Array([1, 2, 3]), await adapter.signMessage(new Uint8Array([1, 2, 3]), keyOf(w)))).toBe(w.address)
  })

  it('EIP-712 typed data (eth_signTypedData_v4 JSON) verifies with ethers.verifyTypedData', () => {
    const typed = {
      types: {
        EIP712Domain: [
          { name: 'name', type: 'string' },
          { name: 'version', type: 'string' },
          { name: 'chainId', type: 'uint256' },
          { name: 'verifyingContract', type: 'address' },
        ],
        Person: [
          { name: 'name', type: 'string' },
          { name: 'wallet', type: 'address' },
        ],
        Mail: [
          { name: 'from', type: 'Person' },
          { name: 'to', type: 'Person[]' },
          { name: 'contents', type: 'string' },
        ],
        Unused: [{ name: 'x', type: 'uint8' }],
      },
      primaryType: 'Mail',
      domain: { name: 'Ether Mail', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' },
      message: {
        from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
        to: [{ name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' }],
        contents: 'Hello, Bob!',
      },
    }
    const sig = signTypedData(keyOf(w), JSON.stringify(typed))
    const { EIP712Domain: _d, Unused: _u, ...types } = typed.types
    expect(verifyTypedData(typed.domain, types, typed.message, sig)).toBe(w.address)
    expect(catchErr(() => signTypedData(keyOf(w), '{nope')).details.field).toBe('typedData')
  })

  it('encodeFunctionCall matches the ABI encoder and names the bad input', () => {
    const to = Wallet.createRandom().address
    expect(encodeFunctionCall('transfer(address,uint256)', [to, '1000'])).toBe(new Interface(['function transfer(address,uint256)']).encodeFunctionData('transfer', [to, 1000n]))
    expect(catchErr(() => encodeFunctionCall('transfer', [])).details.field).toBe('signature')
    expect(catchErr(() => encodeFunctionCall('transfer(address,uint256)', ['0x12', 1])).details.field).toBe('args')
  })
})

describe('replacement on a node that mines only on demand', () => {
  let slow: AnvilHandle
  let a: EvmAdapter
  let p2: JsonRpcProvider
  const me = { address: new Wallet(DEV_KEY).address, key: keyOf(new Wallet(DEV_KEY)) }

  beforeAll(async () => {
    slow = await startAnvil({ extraArgs: ['--no-mining'] })
    a = makeAdapter(slow.url, slow.chainId)
    p2 = createProvider({ network: 'evm-local', chainId: slow.chainId, rpcUrl: slow.url })
  })
  afterAll(async () => {
    a?.close()
    p2?.destroy()
    await slow?.stop()
  })

  it('speed-up replaces the pending transaction; only the replacement lands', async () => {
    const to = Wallet.createRandom().address
    const p = await a.prepare(me.address, { kind: 'native-transfer', to, amount: parseEther('1') })
    const old = await a.sign(p, me.key)
    await a.broadcast(old)
    await a.broadcast(old) // already known: still fine
    expect(await a.status(old.hash)).toEqual({ state: 'pending' })
    const e = await catchAsync(a.speedUp(p, old, 5))
    expect(e.details.field).toBe('bumpPercent')
    const fast = await a.speedUp(p, old, 10)
    expect(BigInt(fast.unsigned.maxFeePerGas as string)).toBeGreaterThan((BigInt(p.unsigned.maxFeePerGas as string) * 110n) / 100n)
    expect(BigInt(fast.unsigned.maxPriorityFeePerGas as string)).toBeGreaterThan((BigInt(p.unsigned.maxPriorityFeePerGas as string) * 110n) / 100n)
    const signedFast = await a.sign(fast, me.key)
    await a.broadcast(signedFast)
    await p2.send('evm_mine', [])
    const s = await waitFinal(a, signedFast.hash)
    expect(s.state).toBe('confirmed')
    expect(await a.status(old.hash)).toEqual({ state: 'unknown' })
    expect(await p2.getBalance(to)).toBe(parseEther('1'))
  })

  it('cancel voids the pending transaction with a 0-value self-transfer', async () => {
    const to = Wallet.createRandom().address
    const p = await a.prepare(me.address, { kind: 'native-transfer', to, amount: parseEther('2') })
    const old = await a.sign(p, me.key)
    await a.broadcast(old)
    const c = await a.cancel(p, old, 25)
    expect(c.intent).toEqual({ kind: 'native-transfer', to: me.address, amount: 0n })
    const signedCancel = await a.sign(c, me.key)
    await a.broadcast(signedCancel)
    await p2.send('evm_mine', [])
    expect((await waitFinal(a, signedCancel.hash)).state).toBe('confirmed')
    expect(await a.status(old.hash)).toEqual({ state: 'unknown' })
    expect(await p2.getBalance(to)).toBe(0n)
    expect(await a.pendingNonce(me.address)).toBe(BigInt(p.unsigned.nonce as string) + 1n)
  })
})

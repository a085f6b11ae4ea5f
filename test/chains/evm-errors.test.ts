/**
 * Failure paths of the EVM adapter, each asserted by its stable code and details: insufficient funds (at prepare
 * and from the node at broadcast), reverts with reasons, an unreachable RPC after bounded retries, HTTP 429,
 * bad addresses and amounts, the fee cap — and that no RPC credential leaks into an error.
 */
import http from 'node:http'
import { Wallet, parseEther, toQuantity } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startAnvil, type AnvilHandle } from '../../src/devnet/anvil.js'
import { MemoryNonceStore, NonceManager, createEvmAdapter, encodeFunctionCall, redactUrls, toChainError, type EvmAdapter } from '../../src/daemon/chains/evm/index.js'
import { catchAsync, catchErr } from '../helpers/errors.js'
import { deploy, mined } from '../helpers/solc.js'

const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

let anvil: AnvilHandle
let dev: Wallet
let adapter: EvmAdapter
let token: string
let reverter: string
const opened: EvmAdapter[] = []

function make(rpcUrl: string, extra: { feeCapWei?: bigint; nonces?: NonceManager; timeoutMs?: number; retryDelaysMs?: number[] } = {}): EvmAdapter {
  const a = createEvmAdapter({ network: 'evm-local', chainId: 31337, rpcUrl, confirmations: 1, nonces: new NonceManager(new MemoryNonceStore()), ...extra })
  opened.push(a)
  return a
}

async function fresh(eth: string): Promise<{ address: string; key: Buffer }> {
  const w = Wallet.createRandom()
  if (eth !== '0') await mined(adapter.rpc.provider, (await dev.sendTransaction({ to: w.address, value: parseEther(eth) })).hash)
  return { address: w.address, key: Buffer.from(w.privateKey.slice(2), 'hex') }
}

beforeAll(async () => {
  anvil = await startAnvil()
  adapter = make(anvil.url)
  dev = new Wallet(DEV_KEY, adapter.rpc.provider)
  token = await deploy(dev, 'TestToken.sol', 'TestToken', [1_000_000_000n])
  reverter = await deploy(dev, 'Reverter.sol', 'Reverter')
})

afterAll(async () => {
  for (const a of opened) a.close()
  await anvil?.stop()
})

describe('insufficient funds', () => {
  it('an empty wallet cannot prepare a transfer', async () => {
    const w = await fresh('0')
    const e = await catchAsync(adapter.prepare(w.address, { kind: 'native-transfer', to: w.address, amount: parseEther('1') }))
    expect(e.code).toBe('CHAIN_INSUFFICIENT_FUNDS')
  })

  it('amount below the balance but amount + max fee above it', async () => {
    const w = await fresh('1')
    const e = await catchAsync(adapter.prepare(w.address, { kind: 'native-transfer', to: w.address, amount: parseEther('1') - 1000n }))
    expect(e.code).toBe('CHAIN_INSUFFICIENT_FUNDS')
    expect(BigInt(e.details.needed as string)).toBeGreaterThan(BigInt(e.details.balance as string))
  })

  it('the node refusing at broadcast maps to the same code, and the nonce was not burnt by prepare failures', async () => {
    const w = await fresh('1')
    const p = await adapter.prepare(w.address, { kind: 'native-transfer', to: w.address, amount: parseEther('0.5') })
    expect(p.unsigned.nonce).toBe('0')
    const s = await adapter.sign(p, w.key)
    await adapter.rpc.provider.send('anvil_setBalance', [w.address, toQuantity(1000n)])
    const e = await catchAsync(adapter.broadcast(s))
    expect(e.code).toBe('CHAIN_INSUFFICIENT_FUNDS')
    expect(e.cause).toBeDefined()
  })
})

describe('reverts', () => {
  it('a reverting contract call fails at estimation with the decoded reason', async () => {
    const w = await fresh('1')
    const e = await catchAsync(adapter.prepare(w.address, { kind: 'contract-call', to: reverter, data: encodeFunctionCall('fail()', []), value: 0n }))
    expect(e.code).toBe('CHAIN_REVERTED')
    expect(e.details.reason).toBe('nope')
  })

  it('a custom error is CHAIN_REVERTED with the revert data', async () => {
    const w = await fresh('1')
    const e = await catchAsync(adapter.prepare(w.address, { kind: 'contract-call', to: reverter, data: encodeFunctionCall('failCustom()', []), value: 0n }))
    expect(e.code).toBe('CHAIN_REVERTED')
    expect(String(e.details.data)).toMatch(/^0x[0-9a-f]{8}/)
  })

  it('a token transfer above the token balance is the token contract\'s revert', async () => {
    const w = await fresh('1')
    const e = await catchAsync(adapter.prepare(w.address, { kind: 'token-transfer', token, to: w.address, amount: 1n }))
    expect(e.code).toBe('CHAIN_REVERTED')
    expect(e.details.reason).toBe('balance too low')
  })
})

describe('unreachable and rate-limited RPC', () => {
  it('a closed port is CHAIN_RPC_UNREACHABLE after bounded retries (reads)', async () => {
    const port = await freePort()
    const a = make(`http://127.0.0.1:${port}`)
    const t0 = Date.now()
    const e = await catchAsync(a.getBalance(dev.address))
    const elapsed = Date.now() - t0
    expect(e.code).toBe('CHAIN_RPC_UNREACHABLE')
    expect(e.details.attempts).toBe(4)
    expect(elapsed).toBeGreaterThanOrEqual(1300)
    expect(elapsed).toBeLessThan(10_000)
    const quick = make(`http://127.0.0.1:${port}`, { retryDelaysMs: [10] })
    expect((await catchAsync(quick.status(`0x${'11'.repeat(32)}`))).code).toBe('CHAIN_RPC_UNREACHABLE')
    expect((await catchAsync(quick.prepare(dev.address, { kind: 'native-transfer', to: dev.address, amount: 1n }))).code).toBe('CHAIN_RPC_UNREACHABLE')
  })

  it('never leaks RPC URL credentials, and credentials in the URL still work', async () => {
    const port = await freePort()
    const dead = make(`http://alice:s3cr3t-token@127.0.0.1:${port}/v3/path-k3y?apikey=k3y`, { retryDelaysMs: [10] })
    const e = await catchAsync(dead.getBalance(dev.address))
    expect(e.code).toBe('CHAIN_RPC_UNREACHABLE')
    const shown = JSON.stringify({ message: e.message, details: e.details, payload: e.toPayload() })
    expect(shown).not.toMatch(/s3cr3t|alice|k3y/)
    // A recording proxy in front of anvil: the credentials travel as Basic auth, not in the request line.
    const seen: { auth?: string | undefined; url?: string | undefined }[] = []
    const proxy = http.createServer((req, res) => {
      seen.push({ auth: req.headers.authorization, url: req.url })
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        void fetch(anvil.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) })
          .then(async (r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()))
      })
    })
    const proxyPort = await listen(proxy)
    try {
      const live = make(`http://bob:pw@127.0.0.1:${proxyPort}/rpc`)
      expect((await live.getBalance(dev.address)).amount).toBeGreaterThan(0n)
      expect(seen[0]).toEqual({ auth: `Basic ${Buffer.from('bob:pw').toString('base64')}`, url: '/rpc' })
    } finally {
      proxy.closeAllConnections()
      proxy.close()
    }
  })

  it('URL redaction keeps only scheme, host and port; unknown node errors are CHAIN_ERROR with the cause', () => {
    expect(redactUrls('POST https://u:p@mainnet.infura.io/v3/abc?key=1 failed')).toBe('POST https://mainnet.infura.io/*** failed')
    expect(redactUrls('at http://127.0.0.1:8545 and http://127.0.0.1:8545/')).toBe('at http://127.0.0.1:8545 and http://127.0.0.1:8545/')
    const cause = Object.assign(new Error('weird'), { code: 'UNKNOWN_ERROR', error: { code: -32000, message: 'something odd at https://a:b@x.io/k' } })
    const e = toChainError(cause, { op: 'broadcast', network: 'evm-local' })
    expect([e.code, e.details.reason, e.cause]).toEqual(['CHAIN_ERROR', 'something odd at https://x.io/***', cause])
  })

  it('HTTP 429 is CHAIN_RATE_LIMITED, without ethers\' own 12 silent retries', async () => {
    let hits = 0
    const srv = http.createServer((_req, res) => {
      hits++
      res.writeHead(429, { 'content-type': 'text/plain' })
      res.end('slow down')
    })
    const port = await listen(srv)
    try {
      const e = await catchAsync(make(`http://127.0.0.1:${port}`).getBalance(dev.address))
      expect(e.code).toBe('CHAIN_RATE_LIMITED')
      expect(hits).toBe(1)
    } finally {
      srv.closeAllConnections()
      srv.close()
    }
  })

  it('an endpoint that accepts but never answers times out into CHAIN_RPC_UNREACHABLE', async () => {
    const srv = http.createServer(() => undefined)
    const port = await listen(srv)
    try {
      const a = make(`http://127.0.0.1:${port}`, { timeoutMs: 200, retryDelaysMs: [50] })
      const e = await catchAsync(a.status(`0x${'22'.repeat(32)}`))
      expect([e.code, e.details.attempts]).toEqual(['CHAIN_RPC_UNREACHABLE', 2])
    } finally {
      srv.closeAllConnections()
      srv.close()
    }
  })
})

async function listen(srv: http.Server): Promise<number> {
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const addr = srv.address()
  return typeof addr === 'object' && addr !== null ? addr.port : 0
}

describe('bad input', () => {
  it('bad addresses are INPUT_INVALID_ADDRESS naming the field', async () => {
    for (const bad of ['0x123', 'hello', '0xZZ3a3d9F938E13CD947Ec05AbC7FE734Df8DD826', '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826'.replace('a', 'A')]) {
      const e = catchErr(() => adapter.normalizeAddress(bad, 'to'))
      expect(e.code).toBe('INPUT_INVALID_ADDRESS')
      expect(e.details.field).toBe('to')
    }
    expect(adapter.normalizeAddress('0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826')).toBe('0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826')
    const e = await catchAsync(adapter.prepare(dev.address, { kind: 'native-transfer', to: '0xnope', amount: 1n }))
    expect([e.code, e.details.field]).toEqual(['INPUT_INVALID_ADDRESS', 'to'])
    const t = await catchAsync(adapter.getBalance(dev.address, 'nope'))
    expect([t.code, t.details.field]).toEqual(['INPUT_INVALID_ADDRESS', 'token'])
    const notToken = await catchAsync(adapter.tokenInfo(Wallet.createRandom().address))
    expect([notToken.code, notToken.details.field]).toEqual(['INPUT_INVALID_ADDRESS', 'token'])
  })

  it('amounts outside 0..2^256-1 are INPUT_INVALID_AMOUNT', async () => {
    for (const amount of [-1n, 1n << 256n]) {
      const e = await catchAsync(adapter.prepare(dev.address, { kind: 'native-transfer', to: dev.address, amount }))
      expect([e.code, e.details.field]).toEqual(['INPUT_INVALID_AMOUNT', 'amount'])
    }
  })

  it('a fee above the cap is CHAIN_FEE_TOO_HIGH and takes no nonce', async () => {
    const w = await fresh('1')
    const nonces = new NonceManager(new MemoryNonceStore())
    const capped = make(anvil.url, { feeCapWei: 1n, nonces })
    const e = await catchAsync(capped.prepare(w.address, { kind: 'native-transfer', to: w.address, amount: 1n }))
    expect(e.code).toBe('CHAIN_FEE_TOO_HIGH')
    expect(e.details.feeCapWei).toBe('1')
    expect(nonces.peek(31337, w.address)).toBeUndefined()
    const p = await make(anvil.url, { nonces }).prepare(w.address, { kind: 'native-transfer', to: w.address, amount: 1n })
    expect(p.unsigned.nonce).toBe('0')
  })
})

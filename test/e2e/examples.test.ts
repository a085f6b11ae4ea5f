/**
 * The examples a user copies, run as a user runs them (`node examples/pay.mjs …`, `python3 examples/pay.py …`) with
 * only a session token in their environment, against a daemon on the local EVM chain: each pays a new address, and
 * the chain shows that address holding exactly the amount; a payment the policy denies exits 2 and moves nothing.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { JsonRpcProvider, parseEther, Wallet as EthersWallet } from 'ethers'
import { beforeAll, describe, expect, it } from 'vitest'
import { localChain } from '../helpers/chains.js'
import { cliEnv } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DEAD = '0x000000000000000000000000000000000000dEaD'
const t = useDaemon({ env: { pipelineTickMs: 50 } })
const op = { password: PASSWORD }
let provider: JsonRpcProvider
let token = ''

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs one example with the session token as its only credential. */
function example(cmd: string, file: string, args: string[]): Promise<Run> {
  const env = cliEnv(t.daemon.paths.dataDir, { WAIAAS_SESSION_TOKEN: token, PYTHONPATH: path.join(ROOT, 'python') })
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [path.join(ROOT, 'examples', file), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill(), 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

beforeAll(async () => {
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
  provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  const w = await t.client.call('wallet.create', { chain: 'evm', name: 'examples' }, op)
  await provider.send('anvil_setBalance', [w.address, '0xde0b6b3a7640000']) // 1 ETH
  await t.client.call('policy.add', { wallet: 'examples', type: 'SPENDING_LIMIT', rules: { instant_max: '0.01', daily_limit: '0.1' } }, op)
  await t.client.call('policy.add', { wallet: 'examples', type: 'RECIPIENT_DENYLIST', rules: { recipients: [DEAD] } }, op)
  token = (await t.client.call('session.create', { wallets: ['examples'], permissions: ['read', 'send'] }, op)).token
  return () => provider.destroy()
})

const EXAMPLES = [
  { name: 'TypeScript (examples/pay.mjs, importing waiaas/sdk)', cmd: process.execPath, file: 'pay.mjs' },
  { name: 'Python (examples/pay.py, the stdlib SDK)', cmd: 'python3', file: 'pay.py' },
]

describe('examples/', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.name} pays a new address on the local chain`, async () => {
      const to = EthersWallet.createRandom().address
      const r = await example(ex.cmd, ex.file, ['examples', 'evm-local', to, '0.001'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/^tier INSTANT state \w+\nconfirmed 0x[0-9a-f]{64}\n$/)
      const hash = r.stdout.trim().split(' ').at(-1)!
      const receipt = await provider.getTransactionReceipt(hash)
      expect(receipt?.to).toBe(to)
      expect(await provider.getBalance(to)).toBe(parseEther('0.001'))
    })
  }

  it('the TypeScript example exits 2 with the rule when the policy denies, and nothing moves', async () => {
    const before = await provider.getBalance(DEAD)
    const r = await example(process.execPath, 'pay.mjs', ['examples', 'evm-local', DEAD, '0.001'])
    expect(r.code).toBe(2)
    expect(r.stderr.split(' ')[0]).toBe('POLICY_DENIED')
    expect(r.stderr).toContain('"type":"RECIPIENT_DENYLIST"')
    expect(await provider.getBalance(DEAD)).toBe(before)
  })
})

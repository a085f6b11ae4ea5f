/**
 * `waiaas quickset` through bin/run.js: the local playground end to end (a new data directory → wallets, starter
 * policies that apply, an agent session whose token works and is never printed, funding and a first confirmed
 * transfer on each chain), the mainnet set without any network, and the usage errors.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { connectExisting } from '../../src/lib/launcher.js'
import { resolvePaths } from '../../src/lib/paths.js'
import { BIN, cliEnv, runCli, stopDaemon, tempHome } from '../helpers/cli.js'

const PASSWORD = 'correct horse battery staple'
const home = tempHome('waiaas-qs-')
const env = cliEnv(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: home.file('pw.txt', `${PASSWORD}\n`) })
const cli = (...args: string[]) => runCli([...args, '--json'], { env, timeoutMs: 120_000 })

const main = tempHome('waiaas-qm-')
// The seed article's two commands: `init --auto-provision`, then `quickset --mode mainnet` with no password given.
const mainEnv = cliEnv(main.dataDir)

afterAll(async () => {
  await runCli(['devnet', 'stop', '--json'], { env })
  await stopDaemon(home.dataDir)
  await stopDaemon(main.dataDir)
  home.cleanup()
  main.cleanup()
})

async function rpc(url: string, method: string, params: unknown[]): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })
  const body = (await res.json()) as { result?: unknown; error?: unknown }
  if (body.error !== undefined) throw new Error(`${method}: ${JSON.stringify(body.error)}`)
  return body.result
}

const FRESH_EVM = '0x00000000000000000000000000000000000b0b01'
const FRESH_SOL = 'GQ4jNZ5bL7RkHUGbSk8Y4yiW7tzHX3Bdt3dnNBhRDUmi'

describe('quickset', () => {
  it('refuses to guess the mode without a terminal, naming the flags', async () => {
    const r = await runCli(['quickset', '--json'], { env })
    expect(r.code).toBe(2)
    expect(r.json?.error?.code).toBe('USAGE')
    for (const flag of ['--local', '--testnet', '--mainnet', '--mode']) expect(r.json?.error?.message).toContain(flag)

    const human = await runCli(['quickset'], { env })
    expect(human.code).toBe(2)
    expect(human.stdout).toBe('')
    expect(human.stderr).toContain('--local')

    const both = await runCli(['quickset', '--local', '--mainnet', '--json'], { env })
    expect(both.code).toBe(2)
    expect(both.json?.error?.code).toBe('USAGE')
    // Nothing was started or created.
    expect(fs.existsSync(path.join(home.dataDir, 'waiaas.db'))).toBe(false)
  })

  it('--local: from an empty data directory to a working agent, funded wallets and a first transfer', async () => {
    const r = await cli('quickset', '--local')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const d = r.json?.data
    expect(d.mode).toBe('local')
    expect(d.initialized).toBe(true)
    expect(d.wallets.map((w: any) => [w.name, w.chain])).toEqual([['agent-evm', 'evm'], ['agent-solana', 'solana']])
    const [evm, sol] = d.wallets

    // The token: in a 0600 file in the data directory, never on stdout or stderr.
    const tokenFile = path.join(home.dataDir, 'quickset-agent.token')
    expect(d.tokenFile).toBe(tokenFile)
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600)
    const token = fs.readFileSync(tokenFile, 'utf8').trim()
    expect(token.length).toBeGreaterThan(20)
    expect(r.stdout).not.toContain(token)
    expect(r.stdout).not.toContain(PASSWORD)
    expect(d).not.toHaveProperty('token')
    expect(d.session).not.toHaveProperty('token')

    // The MCP config runs this CLI's `mcp` with the token file, on this data directory.
    expect(d.mcpConfig).toEqual({
      mcpServers: { waiaas: { command: process.execPath, args: [BIN, 'mcp', '--token-file', tokenFile], env: { WAIAAS_DATA_DIR: home.dataDir } } },
    })

    // The token is a live session for exactly the two wallets, 7 days with 4 renewals.
    const client = await connectExisting(resolvePaths(home.dataDir))
    try {
      const who = await client.call('session.whoami', {}, { token })
      expect(who.id).toBe(d.session.id)
      expect(who.status).toBe('active')
      expect(who.wallets.map((w) => w.name).sort()).toEqual(['agent-evm', 'agent-solana'])
      expect(who.ttlSeconds).toBe(7 * 86_400)
      expect(who.maxRenewals).toBe(4)
      const bad = await client.call('session.whoami', {}, { token: `${token}x` }).catch((e: { code: string }) => e.code)
      expect(bad).toBe('SESSION_INVALID')
    } finally {
      client.close()
    }

    // The starter policies exist, scoped to the new wallets.
    const listed = (await cli('policy', 'list', '--wallet', 'agent-evm')).json?.data.policies as any[]
    expect(listed.map((p) => p.type).sort()).toEqual(['ALLOWED_NETWORKS', 'APPROVE_AMOUNT_LIMIT', 'SPENDING_LIMIT'])
    for (const p of listed) expect(p.walletId).toBe(evm.id)
    const spend = listed.find((p) => p.type === 'SPENDING_LIMIT')
    expect(spend.network).toBe('eip155:31337')
    expect(spend.rules).toMatchObject({ instant_max: '0.01', notify_max: '0.1', delay_max: '1', delay_seconds: 300, daily_limit: '0.5' })
    expect(listed.find((p) => p.type === 'ALLOWED_NETWORKS').rules.networks).toEqual(['eip155:31337'])
    expect(d.policies.map((p: any) => p.id).sort()).toEqual(
      [...listed, ...((await cli('policy', 'list', '--wallet', 'agent-solana')).json?.data.policies as any[])].map((p) => p.id).sort(),
    )

    // The first transfers: INSTANT, confirmed, and the fresh recipients hold exactly what was sent.
    expect(d.firstTransfers).toHaveLength(2)
    const [te, ts] = d.firstTransfers
    expect(te).toMatchObject({ walletName: 'agent-evm', network: 'eip155:31337', amount: '0.001', tier: 'INSTANT', state: 'confirmed' })
    expect(ts).toMatchObject({ walletName: 'agent-solana', amount: '0.01', tier: 'INSTANT', state: 'confirmed' })
    expect(BigInt(await rpc(d.devnet.evm.url, 'eth_getBalance', [te.to, 'latest']))).toBe(10n ** 15n)
    expect((await rpc(d.devnet.solana.url, 'getBalance', [ts.to])).value).toBe(10_000_000)
    const evmBal = (await cli('balance', '--wallet', 'agent-evm', '--network', 'evm-local')).json?.data.balances[0].amount as string
    expect(Number(evmBal)).toBeLessThan(9.999) // 10 funded, 0.001 sent, plus the fee
    expect(Number(evmBal)).toBeGreaterThan(9.99)

    // The tiers behave as the starter set says (the 0.001 already sent counts against the 0.5 daily cap). The fee
    // counts with the value, so 0.009 (not 0.01) plus its fee is within the 0.01 instant tier.
    const test = async (wallet: string, network: string, to: string, amount: string) =>
      (await cli('policy', 'test', '--wallet', wallet, '--network', network, '--to', to, '--amount', amount)).json?.data
    expect((await test('agent-evm', 'evm-local', FRESH_EVM, '0.009')).tier).toBe('INSTANT')
    expect((await test('agent-evm', 'evm-local', FRESH_EVM, '0.01')).tier).toBe('NOTIFY')
    expect((await test('agent-evm', 'evm-local', FRESH_EVM, '0.05')).tier).toBe('NOTIFY')
    const delayed = await test('agent-evm', 'evm-local', FRESH_EVM, '0.3')
    expect(delayed).toMatchObject({ tier: 'DELAY', delaySeconds: 300 })
    const overDaily = await test('agent-evm', 'evm-local', FRESH_EVM, '0.6')
    expect(overDaily.tier).toBe('APPROVAL')
    expect(overDaily.decisive.rule.field).toBe('daily_limit')
    const big = await test('agent-evm', 'evm-local', FRESH_EVM, '2')
    expect(big.tier).toBe('APPROVAL')
    expect(big.verdicts.map((v: any) => v.rule?.field)).toContain('delay_max')
    expect((await test('agent-solana', 'solana-local', FRESH_SOL, '0.5')).tier).toBe('NOTIFY')
    expect((await test('agent-solana', 'solana-local', FRESH_SOL, '20')).tier).toBe('APPROVAL')

    // Unlimited approvals are blocked by the starter APPROVE_AMOUNT_LIMIT.
    const maxUint = (2n ** 256n - 1n).toString()
    const approve = (await cli('policy', 'test', '--wallet', 'agent-evm', '--network', 'evm-local', '--to', d.funded[0].funded[1].asset,
      '--function', 'approve(address,uint256)', '--args', JSON.stringify([FRESH_EVM, maxUint]))).json?.data
    expect(approve.tier).toBe('DENY')
    expect(approve.verdicts.map((v: any) => `${v.rule?.type}.${v.rule?.field}`)).toContain('APPROVE_AMOUNT_LIMIT.allow_unlimited')

    // A second run changes nothing and says why.
    const again = await cli('quickset', '--local')
    expect(again.code).toBe(8)
    expect(again.json?.error).toMatchObject({ code: 'WALLET_NAME_TAKEN', details: { name: 'agent-evm' } })
    expect((await cli('wallet', 'list')).json?.data.wallets).toHaveLength(2)
    expect(sol.address).toBe(ts.from)
  }, 180_000)

  it('--mode mainnet after init --auto-provision: wallets, USD starter policies and a session, with no devnet and no network', async () => {
    expect((await runCli(['init', '--auto-provision', '--json'], { env: mainEnv })).code).toBe(0)
    const r = await runCli(['quickset', '--mode', 'mainnet', '--prefix', 'main', '--json'], { env: mainEnv, timeoutMs: 120_000 })
    expect(r.code).toBe(0)
    const d = r.json?.data
    expect(d).toMatchObject({ mode: 'mainnet', initialized: false, devnet: null, funded: [], firstTransfers: [] })
    expect(d.wallets.map((w: any) => w.name)).toEqual(['main-evm', 'main-solana'])
    const tokenFile = path.join(main.dataDir, 'quickset-main.token')
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600)
    expect(r.stdout).not.toContain(fs.readFileSync(tokenFile, 'utf8').trim())
    expect(d.session).toMatchObject({ name: 'main', status: 'active' })

    const policies = (await runCli(['policy', 'list', '--json'], { env: mainEnv })).json?.data.policies as any[]
    expect(policies).toHaveLength(6)
    const spending = policies.filter((p) => p.type === 'SPENDING_LIMIT')
    expect(spending).toHaveLength(2)
    for (const p of spending) {
      expect(p).toMatchObject({ scope: 'wallet', network: null })
      expect(p.rules).toMatchObject({ instant_max_usd: '10', notify_max_usd: '100', delay_max_usd: '1000', delay_seconds: 300, daily_limit_usd: '500' })
    }
    const nets = policies.filter((p) => p.type === 'ALLOWED_NETWORKS').map((p) => [p.walletName, p.rules.networks])
    expect(nets).toEqual(expect.arrayContaining([['main-evm', ['eip155:8453', 'eip155:1']], ['main-solana', [expect.stringMatching(/^solana:5eykt4/)]]]))

    expect((await runCli(['devnet', 'status', '--json'], { env: mainEnv })).json?.data.running).toBe(false)
  }, 120_000)
})

/**
 * `waiaas quickset` through bin/run.js: the README's first command on a fresh machine (a new HOME, no terminal, no
 * earlier `init`, no master password given: it generates one into recovery.key and says where) → wallets, starter
 * policies that apply, an agent session whose token works and is never printed, funding and a first confirmed transfer
 * on each chain; with a password given it generates none; the mainnet set without any network; and the usage errors.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { connectExisting } from '../../src/cli/launcher.js'
import { resolvePaths } from '../../src/lib/paths.js'
import { quicksetSteps } from '../../src/cli/quickset.js'
import { BIN, cliEnv, runCli, stopDaemon, tempHome } from '../helpers/cli.js'

const PASSWORD = 'correct horse battery staple'
const home = tempHome('waiaas-qs-')
// A fresh machine as the README's set-up line meets it: HOME is new, so the data directory is the default
// ~/.waiaas; no WAIAAS_* variable at all (cliEnv drops inherited ones); stdin is not a terminal.
const dataDir = path.join(home.root, '.waiaas')
const env: NodeJS.ProcessEnv = { ...cliEnv(dataDir), HOME: home.root }
delete env.WAIAAS_DATA_DIR
const cli = (...args: string[]) => runCli([...args, '--json'], { env, timeoutMs: 120_000 })

const main = tempHome('waiaas-qm-')
// The seed article's two commands: `init --auto-provision`, then `quickset --mode mainnet` with no password given.
const mainEnv = cliEnv(main.dataDir)

const given = tempHome('waiaas-qg-')
const givenEnv = cliEnv(given.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: given.file('pw.txt', `${PASSWORD}\n`) })

afterAll(async () => {
  await runCli(['devnet', 'stop', '--json'], { env })
  await stopDaemon(dataDir)
  await stopDaemon(main.dataDir)
  await stopDaemon(given.dataDir)
  home.cleanup()
  main.cleanup()
  given.cleanup()
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
    expect(fs.existsSync(path.join(dataDir, 'waiaas.db'))).toBe(false)
  })

  it("the README's first command: --local on a fresh machine with no terminal and no password → a generated master password, a working agent, funded wallets and a first transfer", async () => {
    // The README's set-up line is install + build + this command (here with --json to read what it did).
    const setUp = /## Set up\n\n```sh\n(.*)\n/.exec(fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8'))?.[1] ?? ''
    expect(setUp).toMatch(/^npm ci && npm run build && \.\/bin\/run\.js quickset --local\s/)
    const r = await cli('quickset', '--local')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const d = r.json?.data
    expect(d.mode).toBe('local')
    expect(d.dataDir).toBe(dataDir)
    expect(d.initialized).toBe(true)

    // The master password was generated into recovery.key (0600, in a 0700 directory), and quickset says where.
    const recoveryKey = path.join(dataDir, 'recovery.key')
    expect(d.recoveryKeyFile).toBe(recoveryKey)
    expect(fs.statSync(recoveryKey).mode & 0o777).toBe(0o600)
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700)
    const generated = fs.readFileSync(recoveryKey, 'utf8').trim()
    expect(generated.length).toBeGreaterThanOrEqual(20)
    expect(r.stdout).not.toContain(generated)
    expect(d.warnings).toHaveLength(1)
    expect(d.warnings[0]).toContain(recoveryKey)
    expect(quicksetSteps(d).filter((l) => l.includes(recoveryKey))).toHaveLength(1)
    expect(d.wallets.map((w: any) => [w.name, w.chain])).toEqual([['agent-evm', 'evm'], ['agent-solana', 'solana']])
    const [evm, sol] = d.wallets

    // The token: in a 0600 file in the data directory, never on stdout or stderr.
    const tokenFile = path.join(dataDir, 'quickset-agent.token')
    expect(d.tokenFile).toBe(tokenFile)
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600)
    const token = fs.readFileSync(tokenFile, 'utf8').trim()
    expect(token.length).toBeGreaterThan(20)
    expect(r.stdout).not.toContain(token)
    expect(d).not.toHaveProperty('token')
    expect(d.session).not.toHaveProperty('token')

    // The MCP config runs this CLI's `mcp` with the token file, on this data directory.
    expect(d.mcpConfig).toEqual({
      mcpServers: { waiaas: { command: process.execPath, args: [BIN, 'mcp', '--token-file', tokenFile], env: { WAIAAS_DATA_DIR: dataDir } } },
    })

    // The token is a live session for exactly the two wallets, 7 days with 4 renewals.
    const client = await connectExisting(resolvePaths(dataDir))
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
    // Read from the local chains themselves: both wallets hold what was funded less what they sent and paid.
    const evmWei = BigInt(await rpc(d.devnet.evm.url, 'eth_getBalance', [evm.address, 'latest']))
    expect(evmWei < 10n ** 19n - 10n ** 15n && evmWei > 10n ** 19n - 10n ** 15n - 10n ** 16n).toBe(true)
    const solLamports = BigInt((await rpc(d.devnet.solana.url, 'getBalance', [sol.address])).value)
    expect(solLamports < 10n ** 10n - 10n ** 7n && solLamports > 10n ** 10n - 10n ** 7n - 10n ** 7n).toBe(true)

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

  it('with a master password given (WAIAAS_MASTER_PASSWORD_FILE) on a fresh directory it uses that one and generates none', async () => {
    const r = await runCli(['quickset', '--testnet', '--json'], { env: givenEnv, timeoutMs: 120_000 })
    expect(r.code).toBe(0)
    expect(r.json?.data).toMatchObject({ initialized: true, recoveryKeyFile: null, warnings: [] })
    expect(fs.existsSync(path.join(given.dataDir, 'recovery.key'))).toBe(false)
    // The given password is the operator's: an operator read with it works, one with another password does not.
    expect((await runCli(['wallet', 'list', '--json'], { env: givenEnv })).json?.data.wallets).toHaveLength(2)
    const wrong = await runCli(['session', 'list', '--json'], { env: cliEnv(given.dataDir, { WAIAAS_MASTER_PASSWORD: 'not the password at all' }) })
    expect(wrong.json?.error?.code).toBe('AUTH_BAD_PASSWORD')
  }, 120_000)
})

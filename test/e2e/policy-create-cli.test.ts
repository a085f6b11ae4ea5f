/**
 * `waiaas policy create TYPE` through bin/run.js as the seed article's user types it: its line runs literally and
 * makes a global USD SPENDING_LIMIT (saying so first), --json shows the scope, --native switches units, the seed's
 * type names work on the CLI, help is per type, a flag of another type is refused with nothing stored. Durations:
 * `session create --ttl 2w` and `--timeout 1d` are accepted, `--timeout 2d` refused by its documented bound.
 */
import { writeFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { fails, ok, runner, type Runner } from '../helpers/e2e.js'

/** An in-process daemon (set up through its socket); every command under test runs through bin/run.js against it. */
const t = useDaemon()
let cli: Runner
let human: (...args: string[]) => ReturnType<typeof runCli>
const A1 = '0x' + '11'.repeat(20)
const A2 = '0x' + '22'.repeat(20)
const A3 = '0x' + '33'.repeat(20)

beforeAll(async () => {
  const dataDir = t.daemon.paths.dataDir
  const pw = `${dataDir}.pw`
  writeFileSync(pw, `${PASSWORD}\n`, { mode: 0o600 })
  cli = runner(dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw })
  human = (...args) => runCli(args, { env: cliEnv(dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw }) })
  await t.client.call('wallet.create', { chain: 'evm', name: 'w' }, { password: PASSWORD })
})

describe('policy create', () => {
  it("runs the seed article's line as written: a global USD SPENDING_LIMIT, the scope said on stderr", async () => {
    const r = await human('policy', 'create', 'SPENDING_LIMIT', '--instant-max', '10', '--daily-limit', '500')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/^Warning: No --wallet given: the policy is global/m)
    expect(r.stdout).toMatch(/scope:\s+global/)
    expect(r.stdout).toContain('"instant_max_usd": "10"')
  })

  it('--json: the envelope shows the scope and the warning; --native and durations set native fields', async () => {
    const global = await cli.run(['policy', 'create', 'MAX_PENDING', '--max', '3'])
    expect(global.stderr).toBe('')
    expect(ok(global)).toMatchObject({ scope: 'global', policy: { type: 'MAX_PENDING', rules: { max: 3, tier: 'DENY' } }, warnings: [expect.stringContaining('global')] })
    const scoped = ok(await cli.run(['policy', 'create', 'SPENDING_LIMIT', '--wallet', 'w', '--network', 'evm-local', '--native', '--instant-max', '0.5', '--delay-max', '2', '--delay-seconds', '5m']))
    expect(scoped).toMatchObject({ scope: 'wallet-network', warnings: [] })
    expect(scoped.policy.rules).toEqual({ instant_max: '0.5', delay_max: '2', delay_seconds: 300, on_exceed: 'APPROVAL', price_unavailable: 'APPROVAL' })
  })

  it('refuses a flag of another type before the call, and points a rules error of the daemon at its flag', async () => {
    const other = fails(await cli.run(['policy', 'create', 'RECIPIENT_ALLOWLIST', '--wallet', 'w', '--recipients', A1, '--tier', 'DENY']), 'INPUT_INVALID', 2)
    expect(other.details).toMatchObject({ flag: '--tier', type: 'RECIPIENT_ALLOWLIST', flags: ['--recipients'] })
    const daemonSide = fails(await cli.run(['policy', 'create', 'SPENDING_LIMIT', '--global', '--instant-max', '10', '--notify-max', '5']), 'POLICY_INVALID', 2)
    expect(daemonSide.details).toMatchObject({ field: 'rules.notify_max_usd', flag: '--notify-max' })
  })

  it("takes the seed article's type names on the CLI (create, add, list --type) and stores ours", async () => {
    const h = await human('policy', 'create', 'WHITELIST', '--wallet', 'w', '--recipients', `${A1},${A2}`, '--recipients', A3)
    expect(h.code, h.stderr).toBe(0)
    expect(h.stderr).toContain('WHITELIST is called RECIPIENT_ALLOWLIST here')
    const added = ok(await cli.run(['policy', 'add', '--wallet', 'w', '--type', 'CONTRACT_WHITELIST', '--rules', JSON.stringify({ contracts: [A1] })]))
    expect(added.policy.type).toBe('CONTRACT_ALLOWLIST')
    const listed = ok(await cli.run(['policy', 'list', '--type', 'whitelist'])).policies
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ type: 'RECIPIENT_ALLOWLIST', rules: { recipients: [A1, A2, A3] } })
  })

  it('stored exactly what was accepted, under our names (nothing of the refused runs)', async () => {
    const { policies } = ok(await cli.run(['policy', 'list']))
    const seen = policies.map((p: { type: string; scope: string }) => `${p.type} ${p.scope}`).sort()
    expect(seen).toEqual(['CONTRACT_ALLOWLIST wallet', 'MAX_PENDING global', 'RECIPIENT_ALLOWLIST wallet', 'SPENDING_LIMIT global', 'SPENDING_LIMIT wallet-network'])
    const seed = policies.find((p: { type: string; scope: string }) => p.type === 'SPENDING_LIMIT' && p.scope === 'global')
    expect(seed.rules).toEqual({ instant_max_usd: '10', daily_limit_usd: '500', on_exceed: 'APPROVAL', price_unavailable: 'APPROVAL' })
  })

  it('shows help per type: only its rule flags', async () => {
    const [spending, whitelist] = await Promise.all([human('policy', 'create', 'SPENDING_LIMIT', '--help'), human('policy', 'create', 'whitelist', '--help')])
    expect(spending.code).toBe(0)
    for (const f of ['--instant-max', '--daily-limit', '--native', '--delay-seconds', 'instant_max_usd']) expect(spending.stdout).toContain(f)
    expect(spending.stdout).not.toContain('--recipients')
    expect(whitelist.stdout).toContain('--recipients')
    expect(whitelist.stdout).not.toMatch(/--instant-max|--native/)
  })
})

describe('durations on the CLI', () => {
  it('session create --ttl 2w is accepted', async () => {
    expect(ok(await cli.run(['session', 'create', '--wallet', 'w', '--ttl', '2w'])).session.ttlSeconds).toBe(14 * 86_400)
  })

  it('send --wait --timeout 1d passes the flag (the run fails later, on the unknown wallet); 2d is past the 1d bound', async () => {
    const send = (timeout: string) => ['send', '--wallet', 'nobody', '--network', 'evm-local', '--to', A1, '--amount', '1', '--wait', '--timeout', timeout]
    const [day, twoDays] = await Promise.all([cli.run(send('1d')), cli.run(send('2d'))])
    fails(day, 'WALLET_NOT_FOUND', 7)
    const e = fails(twoDays, 'INPUT_INVALID', 2)
    expect(e.details).toMatchObject({ field: '--timeout', issue: 'too-large', max: '1d' })
    expect(e.hint).toContain('from 0ms to 1d')
  })
})

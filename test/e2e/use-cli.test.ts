/**
 * `waiaas use` through bin/run.js: the default wallet and network (checked against the daemon) fill --wallet and
 * --network for balance and send, `status` shows them, `use --clear` forgets them, a secret is never stored, and the
 * preferred output `json` makes a plain run print its envelope (`--no-json` undoes it once). The preferences live in
 * WAIAAS_CONFIG_DIR (the test's), never in the user's config directory.
 */
import fs from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { fails, ok, runner, type Runner } from '../helpers/e2e.js'
import { localChain } from '../helpers/chains.js'

/** An in-process daemon (set up through its socket); every command under test runs through bin/run.js against it. */
const t = useDaemon()
let cli: Runner
let human: (...args: string[]) => ReturnType<typeof runCli>
let dataDir = ''
let prefsFile = ''
const A1 = '0x' + '11'.repeat(20)
let b = ''

beforeAll(async () => {
  dataDir = t.daemon.paths.dataDir
  prefsFile = `${dataDir}.prefs/config.json`
  const pw = `${dataDir}.pw`
  fs.writeFileSync(pw, `${PASSWORD}\n`, { mode: 0o600 })
  cli = runner(dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw })
  human = (...args) => runCli(args, { env: cliEnv(dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw }) })
  const op = { password: PASSWORD }
  await t.client.call('wallet.create', { chain: 'evm', name: 'a' }, op)
  b = (await t.client.call('wallet.create', { chain: 'evm', name: 'b' }, op)).id
  await t.client.call('network.set', { network: 'evm-local', rpcUrl: localChain().evmRpcUrl }, op)
})

describe('waiaas use', () => {
  it('sets the default wallet and network after checking them; status shows them', async () => {
    const set = await human('use', 'b', '--network', 'evm-local')
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toMatch(/default wallet:\s+b \(/)
    expect(JSON.parse(fs.readFileSync(prefsFile, 'utf8'))).toEqual({ defaults: { dataDir, wallet: { id: b, name: 'b' }, network: 'eip155:31337' } })
    const [text, json] = await Promise.all([human('status'), cli.run(['status'])])
    expect(text.stdout).toMatch(/default wallet:\s+b \(/)
    expect(text.stdout).toMatch(/default network:\s+eip155:31337/)
    expect(ok(json).preferences).toMatchObject({ wallet: { id: b, name: 'b' }, network: 'eip155:31337', output: 'human', file: prefsFile })
  })

  it('balance and send without --wallet and --network use them', async () => {
    const [balance, send] = await Promise.all([cli.run(['balance']), cli.run(['send', '--to', A1, '--amount', '0.001'])])
    expect(ok(balance)).toMatchObject({ wallet: { id: b, name: 'b' }, network: 'eip155:31337' })
    // No policy: default deny. The request it made is b's, on the default network.
    const denied = fails(send, 'POLICY_DENIED', 4)
    const shown = ok(await cli.run(['tx', 'show', denied.details.id]))
    expect(shown).toMatchObject({ walletId: b, network: 'eip155:31337' })
  })

  it('never stores a secret or an unknown wallet, and never prints the secret', async () => {
    const before = fs.readFileSync(prefsFile, 'utf8')
    const key = '0x' + '5a'.repeat(32)
    const [secret, unknown] = await Promise.all([cli.run(['use', key]), cli.run(['use', 'nobody'])])
    expect(fails(secret, 'INPUT_INVALID', 2).details).toEqual({ field: 'WALLET', issue: 'looks-like-secret' })
    expect(secret.stdout + secret.stderr).not.toContain(key)
    fails(unknown, 'WALLET_NOT_FOUND', 7)
    expect(fs.readFileSync(prefsFile, 'utf8')).toBe(before)
  })

  it('output json: a plain run prints the envelope, --no-json human text', async () => {
    expect(ok(await cli.run(['use', '--output', 'json'])).output).toBe('json')
    const [plain, once] = await Promise.all([human('use'), human('use', '--no-json')])
    expect(JSON.parse(plain.stdout)).toMatchObject({ ok: true, data: { output: 'json', wallet: { name: 'b' } } })
    expect(once.stdout).toMatch(/^default wallet:\s+b/m)
  })

  it('use --clear forgets the defaults: send needs --wallet again (in JSON, as preferred)', async () => {
    expect(ok(await cli.run(['use', '--clear']))).toMatchObject({ wallet: null, network: null, output: 'json' })
    const r = await human('send', '--to', A1, '--amount', '0.001')
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'USAGE', details: { flag: '--wallet' } } })
  })
})

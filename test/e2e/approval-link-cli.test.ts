/**
 * `waiaas tx approval-link` as a user runs it (the built bin/run.js): refused with a hint while the REST plugin is off,
 * refused without the master password, and once the plugin serves, it prints only the one-time URL on stdout (the
 * note goes to stderr) or the {url, expiresAt} envelope with --json; the URL opens the approval page. With
 * rest.publicUrl set (an owner behind a proxy), links are given under that base and open the same page.
 */
import { JsonRpcProvider, Wallet as EthersWallet } from 'ethers'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { fails, MASTER_PASSWORD, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'
import { localChain } from '../helpers/chains.js'

const home = tempHome('waiaas-link-')
const pw = home.file('pw.txt', `${MASTER_PASSWORD}\n`)
const cli = runner(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw })
const anon = runner(home.dataDir)
const owner = EthersWallet.createRandom()
let id = ''

beforeAll(async () => {
  ok(await cli.run(['init']))
  ok(await cli.run(['network', 'set', 'evm-local', '--rpc-url', localChain().evmRpcUrl]))
  const w = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'linked']))
  const provider = new JsonRpcProvider(localChain().evmRpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, batchMaxCount: 1 })
  await provider.send('anvil_setBalance', [w.address, '0x56bc75e2d63100000'])
  ok(await cli.run(['policy', 'add', '--wallet', 'linked', '--type', 'SPENDING_LIMIT', '--rules', '{"instant_max":"0.01"}']))
  ok(await cli.run(['wallet', 'owner', 'linked', owner.address]))
  const r = ok(await cli.run(['send', '--wallet', 'linked', '--network', 'evm-local', '--to', EthersWallet.createRandom().address, '--amount', '0.5']))
  expect(r.state).toBe('awaiting_approval')
  id = r.id
}, 120_000)

afterAll(async () => {
  await stopDaemonSurely(home.dataDir)
  home.cleanup()
})

describe('waiaas tx approval-link', () => {
  it('says to enable the REST plugin while it is off', async () => {
    const e = fails(await cli.run(['tx', 'approval-link', id]), 'APPROVAL_LINK_UNAVAILABLE', 1)
    expect(e.hint).toContain('waiaas plugin enable rest')
  })

  it('needs the master password', async () => {
    ok(await cli.run(['plugin', 'enable', 'rest', '--port', '0']))
    fails(await anon.run(['tx', 'approval-link', id]), 'USAGE', 2)
  })

  it('prints only the URL on stdout, or the envelope with --json; the URL opens the page', async () => {
    const human = await runCli(['tx', 'approval-link', id], { env: cliEnv(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw }) })
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/approve\/[A-Za-z0-9_-]{43}\n$/)
    expect(human.stderr).toContain('valid until')
    const link = ok<{ url: string; expiresAt: string }>(await cli.run(['tx', 'approval-link', id]))
    expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/approve\/[A-Za-z0-9_-]{43}$/)
    expect(link.url).not.toBe(human.stdout.trim())
    expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now())
    for (const url of [link.url, human.stdout.trim()]) {
      const res = await request(url)
      const html = await res.body.text()
      expect(res.statusCode).toBe(200)
      expect(html).toContain(id)
    }
  })

  it('gives links under rest.publicUrl when set (a reverse proxy in front of the plugin)', async () => {
    ok(await cli.run(['daemon', 'stop']))
    ok(await cli.run(['config', 'set', 'rest.publicUrl', 'https://wallet.example.org/waiaas/']))
    const link = ok<{ url: string }>(await cli.run(['tx', 'approval-link', id]))
    expect(link.url).toMatch(/^https:\/\/wallet\.example\.org\/waiaas\/approve\/[A-Za-z0-9_-]{43}$/)
    // The proxy would forward /waiaas/approve/<token> to the plugin's /approve/<token>: the token opens the page there.
    const plugins = ok<{ plugins: { name: string; listening: string | null }[] }>(await cli.run(['plugin', 'list']))
    const rest = plugins.plugins.find((p) => p.name === 'rest')?.listening?.replace(/\/v1$/, '')
    expect(rest).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await request(`${rest}/approve/${link.url.split('/approve/')[1]}`)
    expect(res.statusCode).toBe(200)
    expect(await res.body.text()).toContain(id)
  })
})

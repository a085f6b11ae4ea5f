/**
 * `waiaas incoming …` through bin/run.js on the local playground: the devnet's networks are watched while it runs,
 * a funding transfer from the devnet shows up once in `incoming list`, a low-balance threshold raises one alert, and
 * bad flags are usage errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { fails, MASTER_PASSWORD, ok, runner, stopDaemonSurely, waitFor } from '../helpers/e2e.js'

const home = tempHome('waiaas-inc-')
const pw = home.file('pw.txt', `${MASTER_PASSWORD}\n`)
const fast = { WAIAAS_MONITOR_INTERVAL_MS: '100' }
const cli = runner(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw, ...fast })
const anon = runner(home.dataDir, fast)
const human = (...args: string[]) => runCli(args, { env: cliEnv(home.dataDir, fast) })
const EVM = 'eip155:31337'

const evmScans = async (): Promise<number> => {
  const s = ok(await anon.run(['incoming', 'status'])) as { watching: { network: string; scans: number }[] }
  return s.watching.find((w) => w.network === EVM)?.scans ?? 0
}

beforeAll(async () => {
  ok(await cli.run(['init']))
  ok(await cli.run(['devnet', 'start'], { timeoutMs: 90_000 }))
  ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'w']))
}, 120_000)

afterAll(async () => {
  await runCli(['devnet', 'stop', '--json'], { env: cliEnv(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw }) }).catch(() => undefined)
  await stopDaemonSurely(home.dataDir)
  home.cleanup()
})

describe('waiaas incoming', () => {
  it("watches the devnet's networks while it runs, and reports a token transfer to the wallet once", async () => {
    const s = ok(await anon.run(['incoming', 'status']))
    expect(s.watching.map((w: { network: string; source: string }) => [w.network, w.source]).sort()).toEqual([[EVM, 'devnet'], ['solana:waiaaslocal000000000000000', 'devnet']])
    // The wallet is first scanned from the head; wait for that before funding it.
    const start = await evmScans()
    await waitFor('two scans of evm-local', async () => (await evmScans()) >= start + 2, 20_000)
    const funded = ok(await cli.run(['devnet', 'fund', 'w', '--amount', '1', '--token-amount', '5']))
    const tokenTx = funded.funded.find((f: { asset: string }) => f.asset !== 'ETH')
    let list: { transfers: Record<string, unknown>[] } = { transfers: [] }
    await waitFor('the funding transfer', async () => (list = ok(await anon.run(['incoming', 'list', '--wallet', 'w']))).transfers.length >= 1, 20_000)
    const after = await evmScans()
    await waitFor('more scans', async () => (await evmScans()) >= after + 2, 20_000)
    list = ok(await anon.run(['incoming', 'list', '--wallet', 'w', '--since', '1h']))
    expect(list.transfers).toHaveLength(1)
    expect(list.transfers[0]).toMatchObject({ walletName: 'w', network: EVM, asset: tokenTx.asset, amount: '5', raw: '5000000', decimals: 6, tx: tokenTx.tx })
    const h = await human('incoming', 'list')
    expect(h.code).toBe(0)
    expect(h.stdout).toMatch(/WALLET\s+NETWORK\s+AMOUNT/)
    expect(h.stdout).toContain(`5 ${String(list.transfers[0]?.symbol)}`)
    expect(ok(await anon.run(['incoming', 'list', '--since', '2099-01-01T00:00:00Z'])).transfers).toEqual([])
  })

  it('a low-balance threshold raises one alert; unwatching a devnet network keeps it watched while the devnet runs', async () => {
    const set = ok(await cli.run(['incoming', 'low-balance', 'w', '--network', 'evm-local', '--below', '100']))
    expect(set).toMatchObject({ walletName: 'w', network: EVM, threshold: '100', symbol: 'ETH', watched: true })
    await waitFor('a balance.low event', async () => ok(await anon.run(['audit', 'list', '--action', 'balance.low'])).entries.length === 1, 20_000)
    const status = ok(await anon.run(['incoming', 'status']))
    expect(status.lowBalance).toMatchObject([{ walletName: 'w', low: true, threshold: '100' }])
    expect(ok(await cli.run(['incoming', 'unwatch', 'evm-local']))).toMatchObject({ network: EVM, watched: true, changed: false })
    expect(ok(await cli.run(['incoming', 'low-balance', 'w', '--network', 'evm-local', '--clear']))).toMatchObject({ threshold: null })
  })

  it('refuses bad flags and needs the master password to change what is watched', async () => {
    expect(fails(await anon.run(['incoming', 'list', '--since', 'yesterday']), 'INPUT_INVALID', 2).details).toMatchObject({ field: '--since', issue: 'not-a-duration' })
    fails(await cli.run(['incoming', 'low-balance', 'w', '--network', 'evm-local']), 'USAGE', 2)
    fails(await cli.run(['incoming', 'low-balance', 'w', '--network', 'solana-local', '--below', '1']), 'NETWORK_MISMATCH', 2)
    fails(await cli.run(['incoming', 'watch', 'no-such-net']), 'NETWORK_UNKNOWN', 7)
    expect((await anon.run(['incoming', 'watch', 'evm-local'])).json?.ok).toBe(false)
  })
})

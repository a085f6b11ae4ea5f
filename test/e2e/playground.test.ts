/**
 * The local playground through bin/run.js, as a user would drive it: devnet start → wallets → fund → balance →
 * simulate → devnet stop, checking --json envelopes and exit codes.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, stopDaemon, tempHome } from '../helpers/cli.js'

const home = tempHome()
const pw = home.file('pw.txt', 'correct horse battery staple\n')
const env = cliEnv(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw })
const cli = (...args: string[]) => runCli([...args, '--json'], { env })

afterAll(async () => {
  await runCli(['devnet', 'stop', '--json'], { env })
  await stopDaemon(home.dataDir)
  home.cleanup()
})

describe('local playground through the CLI', () => {
  it('starts, funds, reads balances, simulates and stops', async () => {
    expect((await cli('init')).code).toBe(0)
    const started = await cli('devnet', 'start')
    expect(started.code).toBe(0)
    expect(started.json?.data.running).toBe(true)

    const evm = (await cli('wallet', 'create', '--chain', 'evm', '--name', 'play')).json?.data
    // With one wallet, balance needs no --wallet.
    const only = await cli('balance')
    expect(only.code).toBe(0)
    expect(only.json?.data.balances[0]).toMatchObject({ symbol: 'ETH', amount: '0' })

    await cli('wallet', 'create', '--chain', 'solana', '--name', 'play-sol')
    expect((await cli('balance')).json?.error?.code).toBe('INPUT_INVALID') // two wallets: name one
    const funded = await cli('devnet', 'fund', 'play', '--amount', '2', '--token-amount', '100')
    expect(funded.code, JSON.stringify(funded.json?.error)).toBe(0)
    const token = funded.json?.data.funded[1].asset as string
    await cli('devnet', 'fund', 'play-sol', '--amount', '1')

    const bal = await cli('balance', '--wallet', 'play', '--network', 'evm-local', '--token', token)
    expect(bal.json?.data.balances[0]).toMatchObject({ symbol: 'TUSD', decimals: 6, amount: '100' })
    const solBal = await cli('balance', '--wallet', 'play-sol')
    expect(solBal.json?.data.balances[0]).toMatchObject({ symbol: 'SOL', amount: '1' })
    expect(solBal.json?.data.balances).toHaveLength(2) // SOL and the devnet token

    const sim = await cli('tx', 'simulate', '--wallet', 'play', '--network', 'evm-local', '--to', '0x000000000000000000000000000000000000dEaD', '--amount', '25', '--token', token)
    expect(sim.code).toBe(0)
    expect(sim.json?.data).toMatchObject({ kind: 'token-transfer', ok: true })
    const bad = await cli('tx', 'simulate', '--wallet', 'play', '--network', 'evm-local', '--to', '0x000000000000000000000000000000000000dEaD', '--amount', '1e3')
    expect(bad.code).toBe(2)
    expect(bad.json?.error?.code).toBe('INPUT_INVALID_AMOUNT')
    const poor = await cli('tx', 'simulate', '--wallet', 'play', '--network', 'evm-local', '--to', evm.address, '--amount', '50')
    expect(poor.json?.error?.code).toBe('CHAIN_INSUFFICIENT_FUNDS')
    expect(poor.code).toBe(1)

    // Nothing was sent: the balances are as funded.
    expect((await cli('balance', '--wallet', 'play', '--network', 'evm-local')).json?.data.balances[0].amount).toBe('2')

    const stopped = await cli('devnet', 'stop')
    expect(stopped.json?.data.running).toBe(false)
    const after = await cli('balance', '--wallet', 'play')
    expect(after.code).toBe(2) // no devnet, no default network: name one
  })
})

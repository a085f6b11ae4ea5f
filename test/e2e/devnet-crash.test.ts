/**
 * A daemon that dies (kill -9) with the devnet running, through bin/run.js: the next daemon adopts the anvil it left
 * (same pid, same URL, exactly one anvil for this data directory) and restores the Solana chain from its snapshot,
 * so the funded balances are still there on both chains. A clean daemon stop and start keeps both chains too (anvil
 * dumps its state as it exits). A recorded pid that now belongs to another process is neither adopted nor killed.
 * `devnet stop` discards the chains: the next start is a new chain. Before, the orphaned anvil kept port 8545, the
 * next `devnet start` began a second, empty chain on another port, and the orphans piled up.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processAlive, processRunning } from '../../src/lib/process.js'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { MASTER_PASSWORD, ok, runner, stopDaemonSurely, waitFor } from '../helpers/e2e.js'

/** Pids of the live anvil processes that keep their state in this data directory. */
function anvilsOf(dataDir: string): number[] {
  const stateFile = path.join(dataDir, 'devnet', 'anvil-state.json')
  const out: number[] = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0')
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      if (argv.includes(stateFile) && path.basename(argv[0] ?? '') === 'anvil' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(Number(name))
    } catch {
      // gone while we looked
    }
  }
  return out
}

describe.skipIf(process.platform !== 'linux')('the devnet outlives a crashed daemon', () => {
  const home = tempHome('wdc-')
  const pw = home.file('pw.txt', MASTER_PASSWORD)
  const cli = runner(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw })
  let first: any
  let evmToken = ''
  let solToken = ''
  const strangers: number[] = []

  const balances = async (): Promise<{ eth: string; tusd: string; sol: string; solTokens: string }> => {
    const eth = ok(await cli.run(['balance', '--wallet', 'e', '--network', 'evm-local'])).balances[0].amount as string
    const tusd = ok(await cli.run(['balance', '--wallet', 'e', '--network', 'evm-local', '--token', evmToken])).balances[0].amount as string
    const s = ok(await cli.run(['balance', '--wallet', 's', '--network', 'solana-local'])).balances as { symbol: string; amount: string; token?: string | null }[]
    return { eth, tusd, sol: s.find((b) => b.symbol === 'SOL')?.amount ?? 'none', solTokens: s.filter((b) => b.symbol !== 'SOL').map((b) => b.amount).join(',') }
  }

  beforeAll(async () => {
    ok(await cli.run(['init']))
    first = ok(await cli.run(['devnet', 'start'], { timeoutMs: 90_000 }))
    expect(first.evm.state).toBe('new')
    expect(first.solana.state).toBe('new')
    ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'e']))
    ok(await cli.run(['wallet', 'create', '--chain', 'solana', '--name', 's']))
    evmToken = ok(await cli.run(['devnet', 'fund', 'e', '--amount', '3', '--token-amount', '100'])).funded[1].asset
    solToken = ok(await cli.run(['devnet', 'fund', 's', '--amount', '2', '--token-amount', '50'])).funded[1].asset
    expect(await balances()).toEqual({ eth: '3', tusd: '100', sol: '2', solTokens: '50' })
  }, 180_000)

  afterAll(async () => {
    await cli.run(['devnet', 'stop']).catch(() => undefined)
    await stopDaemonSurely(home.dataDir)
    for (const pid of [...anvilsOf(home.dataDir), ...strangers]) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone
      }
    }
    home.cleanup()
  })

  it('kill -9 of the daemon: the next daemon adopts the same anvil (one, same URL) and both chains keep their balances', async () => {
    const daemonPid = ok(await cli.run(['status'])).pid as number
    expect(anvilsOf(home.dataDir)).toEqual([first.evm.pid])
    process.kill(daemonPid, 'SIGKILL')
    await waitFor('the daemon to die', () => !processAlive(daemonPid))
    expect(processAlive(first.evm.pid)).toBe(true) // the orphan the old daemon left

    // Any command starts a new daemon, which resumes the devnet before it answers.
    const again = ok(await cli.run(['devnet', 'status'], { timeoutMs: 90_000 }))
    // (The Solana RPC's port was freed with the daemon, so it is the same one only if nobody took it meanwhile.)
    expect(again).toMatchObject({ running: true, evm: { pid: first.evm.pid, url: first.evm.url, state: 'resumed' }, solana: { state: 'resumed' } })
    expect(ok(await cli.run(['status'])).pid).not.toBe(daemonPid)
    expect(anvilsOf(home.dataDir)).toEqual([first.evm.pid])
    expect(again.evm.testToken).toBe(evmToken)
    expect(again.solana.testToken).toBe(solToken)
    expect(await balances()).toEqual({ eth: '3', tusd: '100', sol: '2', solTokens: '50' })

    // and it goes on: funding again uses the same test tokens and adds up
    const funded = ok(await cli.run(['devnet', 'fund', 'e', '--amount', '1', '--token-amount', '1']))
    expect(funded.funded[1].asset).toBe(evmToken)
    expect(ok(await cli.run(['devnet', 'fund', 's', '--amount', '1', '--token-amount', '1'])).funded[1].asset).toBe(solToken)
    expect(await balances()).toEqual({ eth: '4', tusd: '101', sol: '3', solTokens: '51' })
  })

  it('a clean daemon stop and start keeps both chains (a new anvil, on the state the old one wrote as it exited)', async () => {
    const before = ok(await cli.run(['devnet', 'status']))
    ok(await cli.run(['daemon', 'stop']))
    // the daemon's shutdown stopped its anvil (an orphan since the kill -9: it may linger as a zombie until init reaps it)
    expect(processRunning(before.evm.pid)).toBe(false)
    expect(anvilsOf(home.dataDir)).toEqual([])

    const again = ok(await cli.run(['devnet', 'status'], { timeoutMs: 90_000 }))
    // Both ports were freed with the daemon: the same ones again unless another program took them meanwhile.
    expect(again).toMatchObject({ running: true, evm: { state: 'resumed' }, solana: { state: 'resumed' } })
    expect(again.evm.pid).not.toBe(before.evm.pid)
    expect(anvilsOf(home.dataDir)).toEqual([again.evm.pid])
    expect(await balances()).toEqual({ eth: '4', tusd: '101', sol: '3', solTokens: '51' })
  })

  it('a recorded pid that another process holds now is neither adopted nor killed', async () => {
    const before = ok(await cli.run(['devnet', 'status']))
    const daemonPid = ok(await cli.run(['status'])).pid as number
    process.kill(daemonPid, 'SIGKILL')
    await waitFor('the daemon to die', () => !processAlive(daemonPid))
    // The anvil dies too (say the machine rebooted), and its pid is taken by something else.
    process.kill(before.evm.pid, 'SIGKILL')
    await waitFor('anvil to die', () => !processAlive(before.evm.pid))
    const stranger = spawn('sleep', ['300'], { stdio: 'ignore' })
    strangers.push(stranger.pid!)
    const recordFile = path.join(home.dataDir, 'devnet', 'devnet.json')
    const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'))
    record.evm.pid = stranger.pid
    fs.writeFileSync(recordFile, JSON.stringify(record))

    const again = ok(await cli.run(['devnet', 'status'], { timeoutMs: 90_000 }))
    expect(again.running).toBe(true)
    expect(again.evm.pid).not.toBe(stranger.pid)
    expect(processAlive(stranger.pid!)).toBe(true)
    expect(anvilsOf(home.dataDir)).toEqual([again.evm.pid])
    // anvil's own state file (written every few seconds) kept the chain; the Solana journal has every transaction
    expect(again.evm.state).toBe('resumed')
    expect(again.solana.state).toBe('resumed')
    expect(await balances()).toEqual({ eth: '4', tusd: '101', sol: '3', solTokens: '51' })
    ok(await cli.run(['devnet', 'stop']))
    expect(processAlive(stranger.pid!)).toBe(true)
  })

  it('devnet stop discards the chains: the next start is a new, empty chain', async () => {
    expect(anvilsOf(home.dataDir)).toEqual([])
    expect(fs.existsSync(path.join(home.dataDir, 'devnet', 'devnet.json'))).toBe(false)
    const fresh = ok(await cli.run(['devnet', 'start'], { timeoutMs: 90_000 }))
    expect(fresh).toMatchObject({ running: true, evm: { state: 'new', testToken: null }, solana: { state: 'new', testToken: null } })
    expect(ok(await cli.run(['balance', '--wallet', 'e', '--network', 'evm-local'])).balances[0].amount).toBe('0')
    const s = ok(await cli.run(['balance', '--wallet', 's', '--network', 'solana-local'])).balances as { symbol: string; amount: string }[]
    expect(s.find((b) => b.symbol === 'SOL')?.amount).toBe('0')
  })

  it('a state file anvil cannot read is set aside, and devnet status says plainly that evm-local was reset', async () => {
    ok(await cli.run(['devnet', 'fund', 'e', '--amount', '1']))
    ok(await cli.run(['daemon', 'stop']))
    const stateFile = path.join(home.dataDir, 'devnet', 'anvil-state.json')
    fs.writeFileSync(stateFile, '{"block":{"num')
    const again = ok(await cli.run(['devnet', 'status'], { timeoutMs: 90_000 }))
    expect(again).toMatchObject({ running: true, evm: { state: 'reset', testToken: null }, solana: { state: 'resumed' } })
    expect(fs.readFileSync(`${stateFile}.unreadable`, 'utf8')).toBe('{"block":{"num')
    expect(ok(await cli.run(['balance', '--wallet', 'e', '--network', 'evm-local'])).balances[0].amount).toBe('0')
    const human = await runCli(['devnet', 'status'], { env: cliEnv(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw }) })
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/evm-local.*RESET: its earlier state was lost; fund your wallets again with `waiaas devnet fund`/)
    expect(human.stdout).toMatch(/solana-local.*resumed/)
  })
})

describe.skipIf(process.platform !== 'linux')('the incoming monitor keeps its place on a resumed chain', () => {
  const home = tempHome('wdm-')
  const pw = home.file('pw.txt', MASTER_PASSWORD)
  // One scan when the daemon starts, then none for an hour: what the monitor reports after the crash, the daemon
  // that crashed never saw.
  const cli = runner(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw, WAIAAS_MONITOR_INTERVAL_MS: '3600000' })
  const scans = async (network: string): Promise<number> =>
    (ok(await cli.run(['incoming', 'status'])).watching as { network: string; scans: number }[]).find((w) => w.network === network)?.scans ?? 0

  afterAll(async () => {
    await cli.run(['devnet', 'stop']).catch(() => undefined)
    await stopDaemonSurely(home.dataDir)
    for (const pid of anvilsOf(home.dataDir)) process.kill(pid, 'SIGKILL')
    home.cleanup()
  })

  it('a transfer that landed just before the crash is reported once by the next daemon', async () => {
    ok(await cli.run(['init']))
    ok(await cli.run(['devnet', 'start'], { timeoutMs: 90_000 }))
    ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'w']))
    // Restart, so the monitor's one scan at start puts the wallet's cursor at the chain's head.
    ok(await cli.run(['daemon', 'stop']))
    ok(await cli.run(['devnet', 'status'], { timeoutMs: 90_000 }))
    await waitFor('the scan at start', async () => (await scans('eip155:31337')) >= 1, 30_000)
    const funded = ok(await cli.run(['devnet', 'fund', 'w', '--amount', '1', '--token-amount', '5']))
    const tokenTx = funded.funded.find((f: { asset: string }) => f.asset !== 'ETH')
    expect(ok(await cli.run(['incoming', 'list', '--wallet', 'w'])).transfers).toEqual([]) // not scanned yet

    const daemonPid = ok(await cli.run(['status'])).pid as number
    process.kill(daemonPid, 'SIGKILL')
    await waitFor('the daemon to die', () => !processAlive(daemonPid))
    expect(ok(await cli.run(['devnet', 'status'], { timeoutMs: 90_000 })).evm.state).toBe('resumed')
    await waitFor('the scan at start', async () => (await scans('eip155:31337')) >= 1, 30_000)
    const list = ok(await cli.run(['incoming', 'list', '--wallet', 'w'])).transfers as Record<string, unknown>[]
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ walletName: 'w', asset: tokenTx.asset, amount: '5', tx: tokenTx.tx })
  })
})

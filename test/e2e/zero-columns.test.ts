/**
 * A terminal that reports 0 columns (CI runners, `script`, `docker run -t`): `send --wait` ends, writes a bounded
 * amount and moves the funds. ora 9 divides by the column count, so a spinner there clears "Infinity" lines: the CLI
 * pinned a CPU and wrote 176 MB of escape codes in 40 s. The CLI runs under util-linux `script` in a pseudo-terminal
 * set to 0 columns with `stty`, with its output and its time bounded by the test.
 */
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, cliEnv, tempHome } from '../helpers/cli.js'
import { MASTER_PASSWORD, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'
import { localChain } from '../helpers/chains.js'

const OUTPUT_CAP = 1024 * 1024
const TIME_CAP_MS = 45_000

interface PtyRun {
  code: number | null
  output: string
  bytes: number
  /** Why the test stopped it, if it had to. */
  stopped: 'output' | 'time' | null
  ms: number
}

/** Runs `waiaas ...args` on a pseudo-terminal of 0 columns (stdin, stdout and stderr are the terminal). */
function runOnZeroColumns(args: string[], env: NodeJS.ProcessEnv, columns = 0): Promise<PtyRun> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ')
  // `echo PID:$$` then exec: the printed pid is the CLI's own, so the test can end it if it runs away.
  const shell = `stty cols ${columns} rows 24; echo "PID:$$"; exec ${quoted}`
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn('script', ['-qec', shell, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let bytes = 0
    let stopped: PtyRun['stopped'] = null
    let cliPid: number | undefined
    const stop = (why: 'output' | 'time'): void => {
      if (stopped !== null) return
      stopped = why
      if (cliPid !== undefined) {
        try {
          process.kill(cliPid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
      child.kill('SIGKILL')
    }
    const take = (d: Buffer): void => {
      bytes += d.length
      if (output.length < 64 * 1024) output += d.toString('utf8')
      cliPid ??= Number(/PID:(\d+)/.exec(output)?.[1]) || undefined
      if (bytes > OUTPUT_CAP) stop('output')
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    const timer = setTimeout(() => stop('time'), TIME_CAP_MS)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output, bytes, stopped, ms: Date.now() - started })
    })
  })
}

describe('a terminal of 0 columns', () => {
  const home = tempHome('wz-')
  const pw = home.file('pw.txt', MASTER_PASSWORD)
  const env = { WAIAAS_MASTER_PASSWORD_FILE: pw }
  const cli = runner(home.dataDir, env)
  let sink: string

  beforeAll(async () => {
    ok(await cli.run(['init']))
    ok(await cli.run(['network', 'set', 'evm-local', '--rpc-url', localChain().evmRpcUrl]))
    const pay = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'pay']))
    sink = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'sink'])).address
    const res = await fetch(localChain().evmRpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'anvil_setBalance', params: [pay.address, '0xde0b6b3a7640000'] }),
    })
    expect(((await res.json()) as { error?: unknown }).error).toBeUndefined()
    // A one-second delay tier: the request is queued when `send` returns, so --wait must wait (and would spin).
    ok(await cli.run(['policy', 'add', '--wallet', 'pay', '--type', 'SPENDING_LIMIT', '--rules', JSON.stringify({ instant_max: '0.0001', delay_max: '1', delay_seconds: 1 })]))
  }, 90_000)

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it('send --wait ends, writes a bounded amount, and the transfer lands', async () => {
    const r = await runOnZeroColumns(['send', '--wallet', 'pay', '--network', 'evm-local', '--to', sink, '--amount', '0.01', '--wait'], cliEnv(home.dataDir, env))
    const where = `stopped: ${r.stopped}, ${r.bytes} bytes in ${r.ms} ms\n${r.output.slice(0, 400)}`
    expect(r.stopped, where).toBeNull()
    expect(r.code, where).toBe(0)
    // a few hundred bytes of fields; the bug wrote megabytes a second
    expect(r.bytes, where).toBeLessThan(16 * 1024)
    expect(r.output, where).toMatch(/confirmed/)
    const balance = ok(await cli.run(['balance', '--wallet', 'sink', '--network', 'evm-local']))
    expect(balance.balances[0].amount).toBe('0.01')
  })

  it('a command that starts the daemon (the other spinner) ends too', async () => {
    ok(await cli.run(['daemon', 'stop']))
    const r = await runOnZeroColumns(['wallet', 'list'], cliEnv(home.dataDir, env))
    const where = `stopped: ${r.stopped}, ${r.bytes} bytes in ${r.ms} ms\n${r.output.slice(0, 400)}`
    expect(r.stopped, where).toBeNull()
    expect(r.code, where).toBe(0)
    expect(r.bytes, where).toBeLessThan(16 * 1024)
    expect(r.output, where).toContain('sink')
    expect(r.output, where).not.toContain('Starting the daemon')
  })

  it('a terminal of 80 columns still gets its spinner, and it ends', async () => {
    ok(await cli.run(['daemon', 'stop']))
    const r = await runOnZeroColumns(['wallet', 'list'], cliEnv(home.dataDir, env), 80)
    const where = `stopped: ${r.stopped}, ${r.bytes} bytes in ${r.ms} ms\n${r.output.slice(0, 400)}`
    expect(r.stopped, where).toBeNull()
    expect(r.code, where).toBe(0)
    expect(r.output, where).toContain('Starting the daemon')
    expect(r.bytes, where).toBeLessThan(64 * 1024)
  })
})

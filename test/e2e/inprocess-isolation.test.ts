/**
 * The in-process CLI runner (test/helpers/cli-inprocess.ts) keeps a command's output to what the command writes:
 * code still running from elsewhere in the worker (here a timer that logs, as a web3.js Connection logs "ws error:"
 * while it retries a chain an earlier test stopped) is not captured as the command's stderr or stdout.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'

describe('in-process runs', () => {
  const home = tempHome('wip-')
  afterAll(() => home.cleanup())

  it("capture only the command's own output, not what other code in the worker writes meanwhile", async () => {
    let strays = 0
    const timer = setInterval(() => {
      strays++
      console.error('stray stderr from elsewhere')
      process.stdout.write('stray stdout from elsewhere\n')
    }, 1)
    try {
      for (let i = 0; i < 20; i++) {
        const r = await runCli(['--version'], { env: cliEnv(home.dataDir) })
        expect(r.code).toBe(0)
        expect(r.stdout).toMatch(/^waiaas\/\S+ \S+ node-v\S+\n$/)
        expect(r.stderr).toBe('')
        const bad = await runCli(['wallet', 'list', '--no-such-flag', '--json'], { env: cliEnv(home.dataDir) })
        expect(bad.code).toBe(2)
        expect(bad.json?.error?.code).toBe('USAGE')
        expect(bad.stderr).toBe('')
      }
    } finally {
      clearInterval(timer)
    }
    expect(strays, 'the timer ran while the commands did').toBeGreaterThan(5)
  })
})

/**
 * No secret in a child's environment, read where the kernel keeps it: /proc/<pid>/environ of the real anvil that
 * `devnet start` runs, and of the daemon the CLI launches, while the CLI runs with WAIAAS_MASTER_PASSWORD,
 * WAIAAS_MASTER_PASSWORD_FILE, WAIAAS_SESSION_TOKEN and WAIAAS_SESSION_TOKEN_FILE set. Any process of the user can
 * read those files for as long as the child lives (anvil runs for days). The daemon still unlocks at start from
 * WAIAAS_MASTER_PASSWORD: the launcher hands it over on stdin.
 */
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/cli.js'
import { MASTER_PASSWORD, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'

const TOKEN = 'wst_this-token-must-never-reach-a-child-0123456789'

/** The NUL-separated NAME=value entries of a live process's environment. */
function environOf(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((e) => e !== '')
}

const names = (environ: string[]): string[] => environ.map((e) => e.slice(0, e.indexOf('=')))

describe.skipIf(process.platform !== 'linux')('child processes get no WAIAAS_* secret', () => {
  const home = tempHome('wce-')
  const pwFile = home.file('pw.txt', MASTER_PASSWORD)
  const tokenFile = home.file('token.txt', TOKEN)
  const everything = {
    WAIAAS_MASTER_PASSWORD: MASTER_PASSWORD,
    WAIAAS_MASTER_PASSWORD_FILE: pwFile,
    WAIAAS_SESSION_TOKEN: TOKEN,
    WAIAAS_SESSION_TOKEN_FILE: tokenFile,
    WAIAAS_LOG_LEVEL: 'debug', // a plain setting: the daemon keeps those
  }
  const cli = runner(home.dataDir, everything)
  // Operator acts (init, devnet start and stop) are refused to a run that holds a session token: the password only.
  const operator = runner(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pwFile })
  let anvilPid = 0
  let daemonPid = 0

  beforeAll(async () => {
    // The daemon itself is launched by a run holding every secret.
    ok(await operator.run(['init']))
    ok(await operator.run(['daemon', 'stop']))
    // Launches the daemon from this environment (a listing needs no credential on the socket).
    ok(await cli.run(['wallet', 'list']))
    const devnet = ok(await operator.run(['devnet', 'start'], { timeoutMs: 90_000 }))
    anvilPid = devnet.evm.pid
    daemonPid = ok(await operator.run(['status'])).pid
  }, 120_000)

  afterAll(async () => {
    await operator.run(['devnet', 'stop']).catch(() => undefined)
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it("the devnet's anvil has no WAIAAS_* variable at all, and none of the secrets' values", () => {
    expect(anvilPid).toBeGreaterThan(0)
    expect(fs.readFileSync(`/proc/${anvilPid}/cmdline`, 'utf8')).toContain('anvil')
    const environ = environOf(anvilPid)
    expect(environ.length).toBeGreaterThan(0) // it did inherit the rest (PATH, HOME)
    expect(names(environ).filter((n) => n.startsWith('WAIAAS_'))).toEqual([])
    const raw = environ.join('\n')
    for (const secret of [MASTER_PASSWORD, TOKEN, pwFile, tokenFile]) expect(raw).not.toContain(secret)
  })

  it('the daemon the CLI launched keeps its settings but no password, token or token file', () => {
    const environ = environOf(daemonPid)
    const waiaas = names(environ).filter((n) => n.startsWith('WAIAAS_'))
    expect(waiaas).toEqual(expect.arrayContaining(['WAIAAS_DATA_DIR', 'WAIAAS_LOG_LEVEL', 'WAIAAS_MASTER_PASSWORD_FILE']))
    for (const n of ['WAIAAS_MASTER_PASSWORD', 'WAIAAS_SESSION_TOKEN', 'WAIAAS_SESSION_TOKEN_FILE']) expect(waiaas).not.toContain(n)
    const raw = environ.join('\n')
    expect(raw).not.toContain(MASTER_PASSWORD)
    expect(raw).not.toContain(TOKEN)
    expect(fs.readFileSync(`/proc/${daemonPid}/cmdline`, 'utf8')).not.toContain(MASTER_PASSWORD)
  })

  it('with WAIAAS_MASTER_PASSWORD alone, the launched daemon unlocks at start though its environment lacks it', async () => {
    ok(await operator.run(['devnet', 'stop']))
    ok(await operator.run(['daemon', 'stop']))
    const only = runner(home.dataDir, { WAIAAS_MASTER_PASSWORD: MASTER_PASSWORD })
    ok(await only.run(['wallet', 'list'])) // starts the daemon
    const status = ok(await only.run(['status']))
    expect(status.locked).toBe(false)
    const environ = environOf(status.pid)
    expect(names(environ)).not.toContain('WAIAAS_MASTER_PASSWORD')
    expect(environ.join('\n')).not.toContain(MASTER_PASSWORD)
    expect(fs.readFileSync(`/proc/${status.pid}/cmdline`, 'utf8')).not.toContain(MASTER_PASSWORD)
    expect(fs.readFileSync(`${home.dataDir}/daemon.log`, 'utf8')).not.toContain(MASTER_PASSWORD)
  })
})

/**
 * Issue 13 item 9 through bin/run.js: on an auto-provisioned home (the master password in recovery.key), a run with a
 * session token in the environment (or the flag) acts as that session only. Operator acts (`killswitch off`,
 * `wallet export`, `policy remove`, `session create`, `password change`, `quickset`) fail with AUTH_FORBIDDEN (exit 6)
 * even when a password file is named too, and change nothing: the kill switch stays on, no key file is written, the
 * policy stays. Without a token the operator still acts through recovery.key. `init --auto-provision`, `quickset` and
 * `doctor` say that recovery.key is readable by any process of this OS user, in human and --json output.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { fails, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'

const home = tempHome('wso-')
const other = tempHome('wso2-')
/** The operator: no password given, so the CLI uses the auto-provisioned recovery.key. */
const cli = runner(home.dataDir)
const recoveryKey = path.join(home.dataDir, 'recovery.key')
let tokenFile = ''
let token = ''
let policyId = ''

const WARNING = /recovery\.key holds the master password: any process running as this OS user .* can read it and act as the operator\. Run agents as another OS user, or .*`waiaas password change`/

beforeAll(async () => {
  const init = ok(await cli.run(['init', '--auto-provision']))
  expect(init.autoProvisioned).toBe(true)
  expect(init.warnings).toHaveLength(1)
  expect(init.warnings[0]).toMatch(WARNING)
  ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'hot']))
  policyId = ok(await cli.run(['policy', 'add', '--wallet', 'hot', '--type', 'SIGNING_RULES', '--rules', '{"allow_personal_sign": true}'])).policy.id
  tokenFile = path.join(home.root, 'agent.token')
  ok(await cli.run(['session', 'create', '--wallet', 'hot', '--methods', 'read,sign', '--out', tokenFile]))
  token = fs.readFileSync(tokenFile, 'utf8').trim()
  ok(await cli.run(['killswitch', 'on', '--reason', 'drill']))
}, 120_000)

afterAll(async () => {
  await stopDaemonSurely(home.dataDir)
  await stopDaemonSurely(other.dataDir)
  home.cleanup()
  other.cleanup()
})

describe('a session token makes the CLI that session only', () => {
  it('refuses operator acts as the session, never falling back to recovery.key or a password file', async () => {
    const pw = home.file('copy-of-recovery.key', fs.readFileSync(recoveryKey, 'utf8'))
    const agents = {
      'WAIAAS_SESSION_TOKEN_FILE': runner(home.dataDir, { WAIAAS_SESSION_TOKEN_FILE: tokenFile }),
      'WAIAAS_SESSION_TOKEN': runner(home.dataDir, { WAIAAS_SESSION_TOKEN: token }),
      // A password source set as well changes nothing: the session token decides.
      'WAIAAS_SESSION_TOKEN_FILE+WAIAAS_MASTER_PASSWORD_FILE': runner(home.dataDir, { WAIAAS_SESSION_TOKEN_FILE: tokenFile, WAIAAS_MASTER_PASSWORD_FILE: pw }),
    }
    const out = path.join(home.root, 'exported.json')
    const exportPw = home.file('export-pw.txt', 'a long export password')
    for (const [env, agent] of Object.entries(agents)) {
      const from = env.split('+')[0]
      expect(fails(await agent.run(['killswitch', 'off']), 'AUTH_FORBIDDEN', 6).details.sessionTokenFrom, env).toBe(from)
      fails(await agent.run(['wallet', 'export', 'hot', '--out', out, '--export-password-file', exportPw, '--yes']), 'AUTH_FORBIDDEN', 6)
    }
    const agent = agents.WAIAAS_SESSION_TOKEN_FILE
    fails(await agent.run(['killswitch', 'off', '--password-file', recoveryKey]), 'AUTH_FORBIDDEN', 6)
    fails(await agent.run(['policy', 'remove', policyId, '--yes']), 'AUTH_FORBIDDEN', 6)
    fails(await agent.run(['session', 'create', '--wallet', 'hot']), 'AUTH_FORBIDDEN', 6)
    fails(await agent.run(['password', 'change', '--new-password-file', exportPw]), 'AUTH_FORBIDDEN', 6)
    fails(await agent.run(['quickset', '--testnet', '--prefix', 'sneaky']), 'AUTH_FORBIDDEN', 6)
    // The flag makes the run that session too, on a command that takes it.
    fails(await runner(home.dataDir).run(['killswitch', 'off', '--password-file', recoveryKey], { env: { WAIAAS_SESSION_TOKEN_FILE: tokenFile } }), 'AUTH_FORBIDDEN', 6)

    // Nothing changed: the kill switch is on, no key left the daemon, the policy and recovery.key are there.
    expect(ok(await cli.run(['killswitch', 'status'])).on).toBe(true)
    expect(fs.existsSync(out)).toBe(false)
    expect(ok(await cli.run(['policy', 'show', policyId])).policy.id).toBe(policyId)
    expect(fs.existsSync(recoveryKey)).toBe(true)
    const audit = ok(await cli.run(['audit', 'list', '--limit', '200'])).entries as { action: string; actor: string }[]
    // The only operator act of these in the log is the session the operator created at the start.
    expect(audit.filter((e) => ['killswitch.off', 'wallet.export', 'policy.remove', 'session.create', 'vault.changePassword'].includes(e.action)).map((e) => e.action)).toEqual(['session.create'])

    // What the agent may do, it does as the session: while the kill switch is on, every session call is refused.
    fails(await agent.run(['sign', 'message', '--wallet', 'hot', '--message', 'gm']), 'KILL_SWITCH_ON', 4)

    // Without a token the operator acts through recovery.key, as before.
    expect(ok(await cli.run(['killswitch', 'off'])).on).toBe(false)
    const signed = ok(await agent.run(['sign', 'message', '--wallet', 'hot', '--message', 'gm']))
    const about = (ok(await cli.run(['audit', 'list', '--limit', '10'])).entries as { action: string; actor: string; target: string | null }[]).filter((e) => e.target === signed.id)
    expect(about.map((e) => e.actor).filter((a) => a !== 'daemon')).toEqual([expect.stringMatching(/^session:/)])
  }, 180_000)
})

describe('the recovery.key warning', () => {
  it('is in init --auto-provision, quickset and doctor, human and --json', async () => {
    // init, human: a second home.
    const init = await runCli(['init', '--auto-provision'], { env: cliEnv(other.dataDir) })
    expect(init.code, init.stderr).toBe(0)
    expect(init.stderr.replace(/\s+/g, ' ')).toMatch(WARNING)

    const q = ok(await cli.run(['quickset', '--testnet', '--prefix', 'q1']))
    expect(q.warnings).toHaveLength(1)
    expect(q.warnings[0]).toMatch(WARNING)
    const qh = await runCli(['quickset', '--testnet', '--prefix', 'q2'], { env: cliEnv(home.dataDir) })
    expect(qh.code, qh.stderr).toBe(0)
    expect(qh.stderr.replace(/\s+/g, ' ')).toMatch(WARNING)

    const d = ok(await cli.run(['doctor']))
    const check = (d.checks as { name: string; status: string; message: string; fix: string | null }[]).find((c) => c.name === 'recovery.key')
    expect(check).toMatchObject({ status: 'warn', fix: 'waiaas password change' })
    expect(check?.message).toMatch(WARNING)
    const dh = await runCli(['doctor'], { env: cliEnv(home.dataDir) })
    expect(dh.code).toBe(0)
    expect(dh.stdout.replace(/\s+/g, ' ')).toMatch(/WARN recovery\.key: .*recovery\.key holds the master password/)
    expect(dh.stdout).toContain('fix: waiaas password change')
  })
})

/**
 * Unattended start through bin/run.js: auto-provisioning, the password from a secret file, a data directory owned by
 * another user, the foreground daemon's signal handling, and `daemon install`/`uninstall` for systemd and launchd.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { MASTER_PASSWORD, fails, modeOf, ok, runner, stopDaemonSurely, waitFor } from '../helpers/e2e.js'

describe('unattended start', () => {
  const home = tempHome('wu-')
  afterAll(async () => {
    for (const d of ['auto', 'secret', 'fg']) await stopDaemonSurely(path.join(home.root, d))
    home.cleanup()
  })

  it('WAIAAS_AUTO_PROVISION=true on an empty data dir writes recovery.key (0600) and starts unlocked, printing no password', async () => {
    const dataDir = path.join(home.root, 'auto')
    const cli = runner(dataDir, { WAIAAS_AUTO_PROVISION: 'true' })
    ok(await cli.run(['daemon', 'start']))
    const key = path.join(dataDir, 'recovery.key')
    expect(modeOf(key)).toBe(0o600)
    expect(modeOf(dataDir)).toBe(0o700)
    const s = ok(await cli.run(['status']))
    expect(s).toMatchObject({ initialized: true, locked: false })
    const password = fs.readFileSync(key, 'utf8').trim()
    expect(password.length).toBeGreaterThanOrEqual(12)
    expect(cli.transcript.join('\n')).not.toContain(password)
    expect(fs.readFileSync(path.join(dataDir, 'daemon.log'), 'utf8')).not.toContain(password)
    // A restart unlocks again from recovery.key, with no password given.
    ok(await cli.run(['daemon', 'stop']))
    ok(await cli.run(['daemon', 'start']))
    expect(ok(await cli.run(['status']))).toMatchObject({ initialized: true, locked: false })
  })

  it('WAIAAS_MASTER_PASSWORD_FILE (a Docker secret) unlocks at start', async () => {
    const dataDir = path.join(home.root, 'secret')
    const secret = home.file('secret.txt', `${MASTER_PASSWORD}\n`)
    const cli = runner(dataDir)
    ok(await cli.run(['init', '--password-file', secret]))
    ok(await cli.run(['daemon', 'stop']))
    ok(await cli.run(['daemon', 'start'], { env: { WAIAAS_MASTER_PASSWORD_FILE: secret } }))
    expect(ok(await cli.run(['status']))).toMatchObject({ initialized: true, locked: false })
    ok(await cli.run(['daemon', 'stop']))
    // Without it, the same data dir starts locked.
    ok(await cli.run(['daemon', 'start']))
    expect(ok(await cli.run(['status']))).toMatchObject({ initialized: true, locked: true })
    expect(cli.transcript.join('\n')).not.toContain(MASTER_PASSWORD)
  })

  it('a data dir owned by another user is refused with DATA_DIR_FOREIGN_OWNER, naming both uids', async () => {
    const uid = process.getuid?.() ?? 0
    let dataDir: string
    if (uid === 0) {
      dataDir = path.join(home.root, 'foreign')
      fs.mkdirSync(dataDir, { mode: 0o700 })
      fs.chownSync(dataDir, 65534, 65534)
    } else {
      dataDir = fs.realpathSync(os.tmpdir()) // owned by root: not ours
      expect(fs.statSync(dataDir).uid).not.toBe(uid)
    }
    const cli = runner(dataDir, { WAIAAS_AUTO_PROVISION: 'true' })
    const e = fails(await cli.run(['daemon', 'start', '--foreground'], { spawn: true }), 'DATA_DIR_FOREIGN_OWNER', 1)
    expect(e.message).toContain(dataDir)
    expect(e.details).toMatchObject({ path: dataDir, owner: fs.statSync(dataDir).uid, uid })
    expect(e.hint).toMatch(/user who owns the data directory/)
    if (uid === 0) expect(fs.readdirSync(dataDir)).toEqual([])
  })

  it('daemon start --foreground (the container entrypoint) serves, then exits 0 on SIGTERM and removes its socket', async () => {
    const dataDir = path.join(home.root, 'fg')
    const child = spawn(process.execPath, [BIN, 'daemon', 'start', '--foreground'], { env: cliEnv(dataDir, { WAIAAS_AUTO_PROVISION: 'true' }), stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await waitFor('the foreground daemon answers', async () => (await runCli(['daemon', 'status', '--json'], { env: cliEnv(dataDir) })).code === 0, 30_000)
    expect(ok(await runCli(['status', '--json'], { env: cliEnv(dataDir) }))).toMatchObject({ locked: false, pid: child.pid })
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(fs.existsSync(path.join(dataDir, 'waiaas.sock'))).toBe(false)
    expect(stderr).toContain('daemon stopping')
    fails(await runCli(['daemon', 'status', '--json'], { env: cliEnv(dataDir) }), 'DAEMON_NOT_RUNNING', 3)
  })
})

describe('daemon install / uninstall', () => {
  const home = tempHome('wi-')
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({ HOME: home.root, ...extra })
  const cli = runner(path.join(home.root, 'data'))
  const pw = home.file('pw.txt', MASTER_PASSWORD)
  const unit = path.join(home.root, '.config', 'systemd', 'user', 'waiaas.service')
  const plist = path.join(home.root, 'Library', 'LaunchAgents', 'dev.waiaas.daemon.plist')
  afterAll(() => home.cleanup())

  it('writes a systemd user unit that names the password file, never the password', async () => {
    const d = ok(await cli.run(['daemon', 'install', '--systemd', '--password-file', pw], { env: env() }))
    expect(d).toMatchObject({ kind: 'systemd', file: unit, passwordFile: pw, dataDir: path.join(home.root, 'data') })
    expect(d.enable).toContain('systemctl --user enable --now waiaas')
    expect(modeOf(unit)).toBe(0o644)
    const text = fs.readFileSync(unit, 'utf8')
    expect(text).toContain(`ExecStart="${process.execPath}" "${BIN}" daemon start --foreground\n`)
    expect(text).toContain(`Environment="WAIAAS_DATA_DIR=${path.join(home.root, 'data')}"`)
    expect(text).toContain(`Environment="WAIAAS_MASTER_PASSWORD_FILE=${pw}"`)
    expect(text).toMatch(/^Restart=on-failure$/m)
    expect(text).toMatch(/^WantedBy=default.target$/m)
    expect(text).not.toContain(MASTER_PASSWORD)
  })

  it('refuses to overwrite without --yes, and overwrites with it', async () => {
    fails(await cli.run(['daemon', 'install', '--systemd', '--password-file', pw], { env: env() }), 'INPUT_FILE_EXISTS', 8)
    ok(await cli.run(['daemon', 'install', '--systemd', '--yes'], { env: env({ WAIAAS_MASTER_PASSWORD_FILE: pw }) }))
    expect(fs.readFileSync(unit, 'utf8')).toContain(`WAIAAS_MASTER_PASSWORD_FILE=${pw}`)
  })

  it('refuses a password file that others can read, or that is missing', async () => {
    const open = home.file('open.txt', MASTER_PASSWORD)
    fs.chmodSync(open, 0o644)
    const e = fails(await cli.run(['daemon', 'install', '--launchd', '--password-file', open], { env: env() }), 'INPUT_INVALID', 2)
    expect(e.hint).toContain('chmod 600')
    fails(await cli.run(['daemon', 'install', '--launchd', '--password-file', path.join(home.root, 'nope')], { env: env() }), 'INPUT_FILE_UNREADABLE', 2)
    expect(fs.existsSync(plist)).toBe(false)
  })

  it('writes a launchd agent plist', async () => {
    const d = ok(await cli.run(['daemon', 'install', '--launchd', '--password-file', pw], { env: env() }))
    expect(d).toMatchObject({ kind: 'launchd', file: plist })
    expect(d.enable).toBe(`launchctl bootstrap gui/$(id -u) ${plist}`)
    const text = fs.readFileSync(plist, 'utf8')
    expect(text).toContain('<key>Label</key><string>dev.waiaas.daemon</string>')
    expect(text).toContain(`<string>${process.execPath}</string>\n    <string>${BIN}</string>\n    <string>daemon</string>\n    <string>start</string>\n    <string>--foreground</string>`)
    expect(text).toContain(`<key>WAIAAS_MASTER_PASSWORD_FILE</key><string>${pw}</string>`)
    expect(text).toContain('<key>RunAtLoad</key><true/>')
    expect(text).not.toContain(MASTER_PASSWORD)
  })

  it('uninstall removes both units, and is a no-op when none is installed', async () => {
    const d = ok(await cli.run(['daemon', 'uninstall'], { env: env() }))
    expect(d.removed.map((r: { kind: string }) => r.kind)).toEqual(['systemd', 'launchd'])
    expect(fs.existsSync(unit) || fs.existsSync(plist)).toBe(false)
    expect(ok(await cli.run(['daemon', 'uninstall', '--systemd'], { env: env() }))).toEqual({ removed: [] })
  })
})

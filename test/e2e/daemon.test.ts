/**
 * The daemon's life through bin/run.js: auto-start, stop, a killed daemon's leftovers, never stealing a live one,
 * lock/unlock, logs, auto-provisioning with recovery.key, password change, and a data dir too long for a socket.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, cliEnv, tempHome } from '../helpers/cli.js'
import { MASTER_PASSWORD, fails, modeOf, ok, runner, socketRefuses, waitFor, stopDaemonSurely } from '../helpers/e2e.js'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

describe('daemon lifecycle', () => {
  const home = tempHome('wd-')
  const cli = runner(home.dataDir)
  const pw = home.file('master.txt', MASTER_PASSWORD)
  const socket = path.join(home.dataDir, 'waiaas.sock')
  const pidFile = path.join(home.dataDir, 'daemon.pid')
  let firstPid = 0

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it('status before anything ran is DAEMON_NOT_RUNNING (exit 3) and starts nothing', async () => {
    fails(await cli.run(['status']), 'DAEMON_NOT_RUNNING', 3)
    fails(await cli.run(['daemon', 'status']), 'DAEMON_NOT_RUNNING', 3)
    expect(fs.existsSync(socket)).toBe(false)
    // stopping what does not run is success: the goal state holds
    expect(ok(await cli.run(['daemon', 'stop']))).toEqual({ stopped: false, pid: null })
  })

  it('a command that needs the daemon starts it; daemon status then answers', async () => {
    ok(await cli.run(['init', '--password-file', pw]))
    const s = ok(await cli.run(['daemon', 'status']))
    expect(s.pid).toBeGreaterThan(0)
    expect(s.pid).not.toBe(process.pid)
    expect(s.managed).toBe(true)
    expect(s.socket).toBe(socket)
    expect(s.dataDir).toBe(home.dataDir)
    expect(alive(s.pid)).toBe(true)
    expect(fs.statSync(socket).isSocket()).toBe(true)
    expect(modeOf(socket)).toBe(0o600)
    expect(modeOf(pidFile)).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(pidFile, 'utf8')).pid).toBe(s.pid)
    firstPid = s.pid
    ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'one', '--password-file', pw]))
  })

  it('daemon start while one runs reports the running one', async () => {
    const d = ok(await cli.run(['daemon', 'start']))
    expect(d).toMatchObject({ alreadyRunning: true, pid: firstPid })
  })

  it('a live daemon is never stolen: daemon start --foreground is DAEMON_ALREADY_RUNNING (exit 8)', async () => {
    fails(await cli.run(['daemon', 'start', '--foreground'], { timeoutMs: 20_000, spawn: true }), 'DAEMON_ALREADY_RUNNING', 8)
    fails(await cli.run(['daemon', 'start', '--foreground', '--password-file', pw], { timeoutMs: 20_000, spawn: true }), 'DAEMON_ALREADY_RUNNING', 8)
    // the first daemon still answers, on the same socket, with its pid file intact
    const s = ok(await cli.run(['daemon', 'status']))
    expect(s.pid).toBe(firstPid)
    expect(fs.existsSync(socket)).toBe(true)
    expect(JSON.parse(fs.readFileSync(pidFile, 'utf8')).pid).toBe(firstPid)
    expect(ok(await cli.run(['wallet', 'list'])).wallets).toHaveLength(1)
  })

  it('daemon stop stops it and removes the socket and pid file; status is then DAEMON_NOT_RUNNING (exit 3)', async () => {
    expect(ok(await cli.run(['daemon', 'stop']))).toEqual({ stopped: true, pid: firstPid })
    expect(alive(firstPid)).toBe(false)
    expect(fs.existsSync(socket)).toBe(false)
    expect(fs.existsSync(pidFile)).toBe(false)
    fails(await cli.run(['status']), 'DAEMON_NOT_RUNNING', 3)
    fails(await cli.run(['daemon', 'status']), 'DAEMON_NOT_RUNNING', 3)
    // lock needs a running daemon and does not start one
    fails(await cli.run(['lock']), 'DAEMON_NOT_RUNNING', 3)
    // --data-dir wins over WAIAAS_DATA_DIR
    const elsewhere = path.join(home.root, 'elsewhere')
    const e = fails(await cli.run(['status', '--data-dir', elsewhere]), 'DAEMON_NOT_RUNNING', 3)
    expect(e.details.dataDir).toBe(elsewhere)
  })

  it('a killed daemon leaves its socket and pid file; the next command cleans up and starts a new one', async () => {
    ok(await cli.run(['wallet', 'list']))
    const killedPid = ok(await cli.run(['daemon', 'status'])).pid as number
    expect(killedPid).not.toBe(firstPid)
    process.kill(killedPid, 'SIGKILL')
    await waitFor('the killed daemon to stop listening', () => socketRefuses(socket))
    expect(fs.existsSync(socket)).toBe(true)
    expect(fs.existsSync(pidFile)).toBe(true)

    fails(await cli.run(['status']), 'DAEMON_NOT_RUNNING', 3)
    const listed = ok(await cli.run(['wallet', 'list'])).wallets
    expect(listed.map((w: any) => w.name)).toEqual(['one'])

    const s = ok(await cli.run(['daemon', 'status']))
    expect(s.pid).not.toBe(killedPid)
    expect(alive(s.pid)).toBe(true)
    expect(JSON.parse(fs.readFileSync(pidFile, 'utf8')).pid).toBe(s.pid)
    expect(fs.readdirSync(home.dataDir).filter((n) => n.includes('stale'))).toEqual([])
    // the restarted daemon has no master password source, so it starts locked
    expect(s.locked).toBe(true)
    ok(await cli.run(['unlock', '--password-file', pw]))
    expect(ok(await cli.run(['audit', 'verify'])).valid).toBe(true)
  })

  it('after lock an operator command still works with the password, and the daemon stays locked', async () => {
    expect(ok(await cli.run(['status'])).locked).toBe(false)
    expect(ok(await cli.run(['lock']))).toEqual({ locked: true })
    expect(ok(await cli.run(['status'])).locked).toBe(true)

    const w = ok(await cli.run(['wallet', 'create', '--chain', 'solana', '--name', 'while-locked', '--password-file', pw]))
    expect(w.chain).toBe('solana')
    const s = ok(await cli.run(['status']))
    expect(s.locked).toBe(true)
    expect(s.walletCount).toBe(2)

    // the key sealed while locked opens later: export it after unlocking
    expect(ok(await cli.run(['unlock', '--password-file', pw]))).toEqual({ locked: false })
    expect(ok(await cli.run(['status'])).locked).toBe(false)
    const out = path.join(home.root, 'while-locked.json')
    ok(await cli.run(['wallet', 'export', 'while-locked', '--out', out, '--password-file', pw, '--yes']))
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toHaveLength(64)
  })

  it('daemon logs returns lines, none of them with the master password', async () => {
    const d = ok(await cli.run(['daemon', 'logs', '--lines', '500']))
    expect(d.file).toBe(path.join(home.dataDir, 'daemon.log'))
    expect(Array.isArray(d.lines)).toBe(true)
    expect(d.lines.length).toBeGreaterThan(0)
    expect(d.lines.some((l: string) => l.includes('daemon started'))).toBe(true)
    for (const line of d.lines) expect(line).not.toContain(MASTER_PASSWORD)
    expect(fs.readFileSync(d.file, 'utf8')).not.toContain(MASTER_PASSWORD)
    expect(modeOf(d.file)).toBe(0o600)

    const two = ok(await cli.run(['daemon', 'logs', '--lines', '2']))
    expect(two.lines).toHaveLength(2)
    expect(two.lines).toEqual(d.lines.slice(-2))
  })
})

describe('auto-provisioning and password change', () => {
  const home = tempHome('wa-')
  const cli = runner(home.dataDir)
  const recovery = path.join(home.dataDir, 'recovery.key')
  const newPw = home.file('new.txt', 'a brand new master password')
  let oldPassword = ''
  let oldPw = ''

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it('init --auto-provision writes recovery.key with mode 0600 and never prints the password', async () => {
    const r = await cli.run(['init', '--auto-provision'])
    const d = ok(r)
    expect(d.autoProvisioned).toBe(true)
    expect(d.recoveryKeyFile).toBe(recovery)
    expect(modeOf(recovery)).toBe(0o600)
    oldPassword = fs.readFileSync(recovery, 'utf8').trim()
    expect(oldPassword.length).toBeGreaterThanOrEqual(32)
    expect(r.stdout).not.toContain(oldPassword)
    expect(r.stderr).not.toContain(oldPassword)
    oldPw = home.file('old.txt', oldPassword)

    const s = ok(await cli.run(['status']))
    expect(s).toMatchObject({ initialized: true, autoProvisioned: true, locked: false })
    // operator commands find the password in recovery.key
    ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'auto']))
  })

  it('after daemon stop, the next command restarts the daemon, which unlocks from recovery.key', async () => {
    const before = ok(await cli.run(['daemon', 'status'])).pid
    expect(ok(await cli.run(['daemon', 'stop'])).stopped).toBe(true)
    fails(await cli.run(['status']), 'DAEMON_NOT_RUNNING', 3)
    ok(await cli.run(['wallet', 'list']))
    const s = ok(await cli.run(['status']))
    expect(s.pid).not.toBe(before)
    expect(s.locked).toBe(false)
    expect(s.walletCount).toBe(1)
  })

  it('password change removes recovery.key; the old password stops working and the new one works', async () => {
    const d = ok(await cli.run(['password', 'change', '--password-file', oldPw, '--new-password-file', newPw]))
    expect(d).toMatchObject({ changed: true, recoveryKeyRemoved: true })
    expect(fs.existsSync(recovery)).toBe(false)
    expect(ok(await cli.run(['status'])).autoProvisioned).toBe(false)

    fails(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', oldPw]), 'AUTH_BAD_PASSWORD', 6)
    ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'after-change', '--password-file', newPw]))
    // without recovery.key there is no implicit password any more
    expect(fails(await cli.run(['wallet', 'create', '--chain', 'evm']), 'USAGE', 2).message).toContain('--password-file')

    const changes = ok(await cli.run(['audit', 'list', '--action', 'vault.changePassword'])).entries
    expect(changes).toHaveLength(1)
    expect(JSON.stringify(ok(await cli.run(['audit', 'list', '--limit', '1000'])))).not.toContain('a brand new master password')
  })

  it('a weak new password is INPUT_WEAK_PASSWORD and changes nothing', async () => {
    const weak = home.file('weak.txt', 'short')
    fails(await cli.run(['password', 'change', '--password-file', newPw, '--new-password-file', weak]), 'INPUT_WEAK_PASSWORD', 2)
    ok(await cli.run(['wallet', 'rename', 'after-change', '--name', 'renamed', '--password-file', newPw]))
  })

  it('after a restart the daemon starts locked; the old password cannot unlock it, the new one can', async () => {
    ok(await cli.run(['daemon', 'stop']))
    ok(await cli.run(['wallet', 'list']))
    expect(ok(await cli.run(['status'])).locked).toBe(true)
    fails(await cli.run(['unlock', '--password-file', oldPw]), 'AUTH_BAD_PASSWORD', 6)
    expect(ok(await cli.run(['status'])).locked).toBe(true)
    expect(ok(await cli.run(['unlock', '--password-file', newPw]))).toEqual({ locked: false })
    const s = ok(await cli.run(['status']))
    expect(s.locked).toBe(false)
    expect(s.walletCount).toBe(2)
    // keys sealed before the change still open under the re-wrapped data key
    const out = path.join(home.root, 'auto.json')
    const xpw = home.file('xpw.txt', 'export password 123')
    ok(await cli.run(['wallet', 'export', 'auto', '--out', out, '--export-password-file', xpw, '--password-file', newPw, '--yes']))
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).version).toBe(3)
  })
})

describe('a data directory path too long for a Unix socket', () => {
  const home = tempHome('wlong-')
  const longDir = path.join(home.root, 'a'.repeat(60), 'b'.repeat(60))
  const cli = runner(longDir)
  const pw = home.file('master.txt', MASTER_PASSWORD)
  let socket = ''

  beforeAll(() => {
    expect(Buffer.byteLength(path.join(longDir, 'waiaas.sock'))).toBeGreaterThan(103)
  })

  afterAll(async () => {
    await stopDaemonSurely(longDir)
    home.cleanup()
  })

  it('still works, with the socket in a private fallback directory outside the data directory', async () => {
    ok(await cli.run(['init', '--password-file', pw]))
    const w = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', pw]))
    const s = ok(await cli.run(['status']))
    expect(s.dataDir).toBe(longDir)
    expect(s.walletCount).toBe(1)
    socket = s.socket
    expect(socket.startsWith(longDir + path.sep)).toBe(false)
    expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(103)
    expect(socket.startsWith(os.tmpdir())).toBe(true)
    expect(fs.statSync(socket).isSocket()).toBe(true)
    expect(modeOf(socket)).toBe(0o600)
    expect(modeOf(path.dirname(socket))).toBe(0o700)
    expect(fs.existsSync(path.join(longDir, 'waiaas.sock'))).toBe(false)
    expect(ok(await cli.run(['wallet', 'show', w.id])).address).toBe(w.address)
  })

  it('stops cleanly and restarts on the same fallback socket', async () => {
    ok(await cli.run(['daemon', 'stop']))
    expect(fs.existsSync(socket)).toBe(false)
    ok(await cli.run(['wallet', 'list']))
    expect(ok(await cli.run(['status'])).socket).toBe(socket)
  })
})

describe('a daemon that is still starting up is not stolen', () => {
  // A foreground daemon auto-provisions a fresh data directory: it claims its pid file, then spends a scrypt
  // (several hundred ms) creating the vault before it listens. A second daemon that arrives in that window must
  // leave it alone. The second one runs in this process (startDaemon, the same code `daemon start --foreground`
  // runs) because a second CLI process needs about as long to load as the window lasts, which would make the
  // outcome depend on machine load.
  const home = tempHome('wr-')
  const cli = runner(home.dataDir)
  const pidFile = path.join(home.dataDir, 'daemon.pid')
  const recovery = path.join(home.dataDir, 'recovery.key')
  let first: ChildProcess | undefined

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    if (first?.pid !== undefined && first.exitCode === null && first.signalCode === null) first.kill('SIGTERM')
    home.cleanup()
  })

  it('a second daemon is refused with DAEMON_ALREADY_RUNNING and the first keeps its pid file and recovery.key', async () => {
    // loaded before the first daemon starts, so the second one is ready to go as soon as the pid file appears
    const { startDaemon } = await import('../../src/daemon/daemon.js')
    first = spawn(process.execPath, [BIN, 'daemon', 'start', '--foreground', '--json'], {
      env: cliEnv(home.dataDir, { WAIAAS_AUTO_PROVISION: '1' }),
      stdio: ['ignore', 'ignore', 'ignore'],
    })
    const firstPid = first.pid
    await waitFor('the first daemon to claim its pid file', () => {
      try {
        return JSON.parse(fs.readFileSync(pidFile, 'utf8')).pid === firstPid
      } catch {
        return false
      }
    }, 20_000)

    const second = await startDaemon({ home: home.dataDir, env: { dataDir: home.dataDir, autoProvision: true } }).then(
      async (handle) => {
        await handle.close()
        return undefined
      },
      (err: unknown) => err as { code?: string },
    )

    await waitFor('the first daemon to answer', async () => (await cli.run(['daemon', 'status'])).code === 0, 20_000)
    const s = ok(await cli.run(['daemon', 'status']))
    expect(s.pid).toBe(firstPid)

    expect(second, 'the second daemon must not start').toBeDefined()
    expect(second?.code).toBe('DAEMON_ALREADY_RUNNING')
    // the first daemon's pid file is still there and still names it
    expect(JSON.parse(fs.readFileSync(pidFile, 'utf8')).pid).toBe(firstPid)

    // recovery.key must hold the password of the vault that was created: restart and unlock from it
    ok(await cli.run(['daemon', 'stop']))
    const pw = fs.readFileSync(recovery, 'utf8')
    const pwFile = home.file('recovered.txt', pw)
    ok(await cli.run(['wallet', 'list']))
    expect(ok(await cli.run(['status'])).locked).toBe(false)
    ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', pwFile]))
  })
})

/**
 * Bad input through bin/run.js: each case gets its documented error code and exit code, and leaves the data as it
 * was (the wallet list before and after is the same).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FREE_FAILURES, retryAfter } from '../../src/daemon/auth-throttle.js'
import { tempHome } from '../helpers/cli.js'
import { testClock } from '../helpers/test-clock.js'
import { MASTER_PASSWORD, fails, modeOf, ok, runner, snapshotDir, type Runner, stopDaemonSurely } from '../helpers/e2e.js'

/** Runs `act` and checks that `wallet list --json` is the same before and after. */
async function unchanged(cli: Runner, act: () => Promise<void>): Promise<void> {
  const before = ok(await cli.run(['wallet', 'list']))
  await act()
  expect(ok(await cli.run(['wallet', 'list']))).toEqual(before)
}

describe('bad input against an initialised data directory', () => {
  const home = tempHome('wb-')
  // The daemon's clock (src/lib/clock.ts): the password throttle's waits pass by moving it, not by sleeping.
  const { file: clockFile, advance } = testClock(home.root)
  const cli = runner(home.dataDir, { WAIAAS_TEST_CLOCK_FILE: clockFile })
  const pw = home.file('master.txt', MASTER_PASSWORD)
  const wrong = home.file('wrong.txt', 'definitely not the password')
  const ksPw = home.file('ks-pw.txt', 'some keystore password')
  let main: any

  beforeAll(async () => {
    ok(await cli.run(['init', '--password-file', pw]))
    main = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'main', '--password-file', pw]))
    ok(await cli.run(['wallet', 'create', '--chain', 'solana', '--name', 'sol', '--password-file', pw]))
  })

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it('a wrong master password is AUTH_BAD_PASSWORD (exit 6), stores nothing and is audited as denied', async () => {
    const countBefore = ok(await cli.run(['status'])).walletCount
    await unchanged(cli, async () => {
      fails(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', wrong]), 'AUTH_BAD_PASSWORD', 6)
      fails(await cli.run(['wallet', 'delete', 'main', '--yes', '--password-file', wrong]), 'AUTH_BAD_PASSWORD', 6)
    })
    expect(ok(await cli.run(['status'])).walletCount).toBe(countBefore)
    expect(ok(await cli.run(['wallet', 'show', 'main']))).toEqual(main)

    const entries = ok(await cli.run(['audit', 'list'])).entries as any[]
    const denied = entries.filter((e) => e.outcome === 'denied')
    expect(denied.length).toBeGreaterThanOrEqual(2)
    expect(denied.some((e) => e.action === 'wallet.create' && e.actor === 'operator')).toBe(true)
    expect(denied.some((e) => e.action === 'wallet.delete' && e.actor === 'operator')).toBe(true)
    // the wrong password itself is never recorded
    expect(JSON.stringify(entries)).not.toContain('definitely not the password')
    expect(ok(await cli.run(['audit', 'verify'])).valid).toBe(true)
  })

  it('a wrong password on unlock is AUTH_BAD_PASSWORD, audited, and leaves the daemon unlocked', async () => {
    await unchanged(cli, async () => {
      fails(await cli.run(['unlock', '--password-file', wrong]), 'AUTH_BAD_PASSWORD', 6)
    })
    expect(ok(await cli.run(['status'])).locked).toBe(false)
    const entries = ok(await cli.run(['audit', 'list', '--action', 'vault.unlock'])).entries as any[]
    expect(entries.some((e) => e.outcome === 'denied')).toBe(true)
    // That was the third failure, which starts the throttle's first wait: the daemon's clock moves past it, so the
    // next tests' right passwords are not held (as the seconds between spawned CLI runs used to let it pass).
    advance(retryAfter({ count: FREE_FAILURES, lastAt: 0 }, 0))
  })

  it('a garbage keystore file is INPUT_INVALID_KEY_FILE', async () => {
    const garbage = home.file('garbage.json', 'this is not { a keystore')
    const notKeystore = home.file('not-keystore.json', JSON.stringify({ hello: 'world', version: 3 }))
    await unchanged(cli, async () => {
      fails(await cli.run(['wallet', 'import', '--keystore-file', garbage, '--keystore-password-file', ksPw, '--password-file', pw]), 'INPUT_INVALID_KEY_FILE', 2)
      fails(await cli.run(['wallet', 'import', '--keystore-file', notKeystore, '--keystore-password-file', ksPw, '--password-file', pw]), 'INPUT_INVALID_KEY_FILE', 2)
    })
  })

  it('a truncated Solana keypair (63 numbers) is INPUT_INVALID_KEY_FILE', async () => {
    const truncated = home.file('short.json', JSON.stringify(Array.from({ length: 63 }, (_, i) => i)))
    await unchanged(cli, async () => {
      fails(await cli.run(['wallet', 'import', '--keypair-file', truncated, '--password-file', pw]), 'INPUT_INVALID_KEY_FILE', 2)
    })
  })

  it('a keypair whose public half does not match its secret half is INPUT_INVALID_KEY_FILE', async () => {
    const mismatched = home.file('mismatch.json', JSON.stringify(Array.from({ length: 64 }, (_, i) => i)))
    await unchanged(cli, async () => {
      fails(await cli.run(['wallet', 'import', '--keypair-file', mismatched, '--password-file', pw]), 'INPUT_INVALID_KEY_FILE', 2)
    })
  })

  it('a bad private key and a bad mnemonic are INPUT_INVALID_KEY_FILE', async () => {
    const zeroKey = home.file('zero.key', `0x${'00'.repeat(32)}`)
    const words = home.file('bad-words.txt', 'test test test test test test test test test test test test')
    await unchanged(cli, async () => {
      fails(await cli.run(['wallet', 'import', '--private-key-file', zeroKey, '--password-file', pw]), 'INPUT_INVALID_KEY_FILE', 2)
      fails(await cli.run(['wallet', 'import', '--mnemonic-file', words, '--chain', 'evm', '--password-file', pw]), 'INPUT_INVALID_KEY_FILE', 2)
    })
  })

  it('a duplicate name is WALLET_NAME_TAKEN (exit 8)', async () => {
    await unchanged(cli, async () => {
      fails(await cli.run(['wallet', 'create', '--chain', 'solana', '--name', 'main', '--password-file', pw]), 'WALLET_NAME_TAKEN', 8)
      fails(await cli.run(['wallet', 'rename', 'sol', '--name', 'main', '--password-file', pw]), 'WALLET_NAME_TAKEN', 8)
    })
  })

  it('a name containing ../ is INPUT_INVALID_NAME (exit 2)', async () => {
    await unchanged(cli, async () => {
      fails(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', '../evil', '--password-file', pw]), 'INPUT_INVALID_NAME', 2)
      fails(await cli.run(['wallet', 'rename', 'main', '--name', '../../etc/passwd', '--password-file', pw]), 'INPUT_INVALID_NAME', 2)
      fails(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'a\\b', '--password-file', pw]), 'INPUT_INVALID_NAME', 2)
      fails(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'tab\there', '--password-file', pw]), 'INPUT_INVALID_NAME', 2)
    })
  })

  it('a missing master password without a TTY is USAGE (exit 2) naming --password-file', async () => {
    await unchanged(cli, async () => {
      for (const args of [
        ['wallet', 'create', '--chain', 'evm'],
        ['wallet', 'delete', 'main', '--yes'],
        ['wallet', 'rename', 'main', '--name', 'renamed'],
        ['unlock'],
      ]) {
        const e = fails(await cli.run(args), 'USAGE', 2)
        expect(e.message).toContain('--password-file')
        expect(e.details.flag).toBe('--password-file')
      }
    })
  })

  it('a missing keystore password without a TTY is USAGE naming --keystore-password-file', async () => {
    const ks = home.file('some-keystore.json', '{}')
    await unchanged(cli, async () => {
      const e = fails(await cli.run(['wallet', 'import', '--keystore-file', ks, '--password-file', pw]), 'USAGE', 2)
      expect(e.message).toContain('--keystore-password-file')
    })
  })

  it('an unknown flag, a missing --chain and two key sources are USAGE (exit 2)', async () => {
    await unchanged(cli, async () => {
      fails(await cli.run(['wallet', 'create', '--password-file', pw]), 'USAGE', 2)
      fails(await cli.run(['wallet', 'list', '--no-such-flag']), 'USAGE', 2)
      fails(await cli.run(['wallet', 'create', '--chain', 'bitcoin', '--password-file', pw]), 'USAGE', 2)
      const a = home.file('a.key', `0x${'11'.repeat(32)}`)
      fails(await cli.run(['wallet', 'import', '--private-key-file', a, '--keypair-file', a, '--password-file', pw]), 'USAGE', 2)
    })
  })

  it('an EVM export without --export-password-file and no TTY is USAGE naming the flag, and writes nothing', async () => {
    const out = path.join(home.root, 'no-export-password.json')
    const e = fails(await cli.run(['wallet', 'export', 'main', '--out', out, '--yes', '--password-file', pw]), 'USAGE', 2)
    expect(e.message).toContain('--export-password-file')
    expect(fs.existsSync(out)).toBe(false)
  })

  it('an export to a directory that does not exist is INPUT_FILE_UNREADABLE (exit 2), not INTERNAL', async () => {
    const out = path.join(home.root, 'no-such-dir', 'sol.json')
    const e = fails(await cli.run(['wallet', 'export', 'sol', '--out', out, '--yes', '--password-file', pw]), 'INPUT_FILE_UNREADABLE', 2)
    expect(e.details.path).toBe(out)
    expect(fs.existsSync(path.dirname(out))).toBe(false)
  })

  it('an unreadable password file is INPUT_FILE_UNREADABLE and an empty one INPUT_INVALID', async () => {
    const empty = home.file('empty.txt', '')
    await unchanged(cli, async () => {
      fails(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', path.join(home.root, 'missing.txt')]), 'INPUT_FILE_UNREADABLE', 2)
      fails(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', empty]), 'INPUT_INVALID', 2)
    })
  })
})

describe('init with bad input', () => {
  const home = tempHome('wbi-')
  const cli = runner(home.dataDir)

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it('an 8-character password is INPUT_WEAK_PASSWORD (exit 2) and leaves the directory uninitialised', async () => {
    const weak = home.file('weak.txt', 'abcdefgh')
    fails(await cli.run(['init', '--password-file', weak]), 'INPUT_WEAK_PASSWORD', 2)
    const s = ok(await cli.run(['status']))
    expect(s.initialized).toBe(false)
    expect(s.walletCount).toBe(0)
  })

  it('no password without a TTY is USAGE naming --password-file', async () => {
    const e = fails(await cli.run(['init']), 'USAGE', 2)
    expect(e.message).toContain('--password-file')
    expect(ok(await cli.run(['status'])).initialized).toBe(false)
  })

  it('operator commands before init are NOT_INITIALIZED', async () => {
    const pw = home.file('pw-pre.txt', MASTER_PASSWORD)
    fails(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', pw]), 'NOT_INITIALIZED', 1)
  })

  it('a second init is ALREADY_INITIALIZED (exit 8) and does not change the password', async () => {
    const first = home.file('first.txt', MASTER_PASSWORD)
    const second = home.file('second.txt', 'another strong password')
    ok(await cli.run(['init', '--password-file', first]))
    fails(await cli.run(['init', '--password-file', second]), 'ALREADY_INITIALIZED', 8)
    fails(await cli.run(['init', '--auto-provision']), 'ALREADY_INITIALIZED', 8)
    expect(fs.existsSync(path.join(home.dataDir, 'recovery.key'))).toBe(false)
    fails(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', second]), 'AUTH_BAD_PASSWORD', 6)
    ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', first]))
  })
})

describe('throttling of repeated wrong passwords', () => {
  const home = tempHome('wbt-')
  // The daemon's clock (src/lib/clock.ts): a throttle's wait passes by moving it, not by sleeping.
  const { file: clockFile, advance } = testClock(home.root)
  const cli = runner(home.dataDir, { WAIAAS_TEST_CLOCK_FILE: clockFile })
  const pw = home.file('master.txt', MASTER_PASSWORD)
  const wrong = home.file('wrong.txt', 'definitely not the password')

  beforeAll(async () => {
    ok(await cli.run(['init', '--password-file', pw]))
  })

  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it('after repeated failures an immediate attempt is AUTH_THROTTLED with details.retryAfterMs > 0', async () => {
    // The first failures are free; each one after that doubles the wait (1 s, 2 s, 4 s, …), so within a few
    // attempts the wait is longer than one CLI run and the next attempt must be throttled.
    for (let i = 0; i < 3; i++) fails(await cli.run(['unlock', '--password-file', wrong]), 'AUTH_BAD_PASSWORD', 6)
    let throttled: Record<string, any> | undefined
    let attempts = 0
    let later = 0
    // Go on until an attempt is throttled with a wait long enough (>= 3 s) to make the next check deterministic.
    while (attempts++ < 25 && !(throttled !== undefined && throttled.details.retryAfterMs >= 3000)) {
      later += 1
      const r = await cli.run(['unlock', '--password-file', wrong])
      expect(r.code).toBe(6)
      if (r.json?.error?.code === 'AUTH_THROTTLED') {
        throttled = r.json.error
        expect(typeof throttled?.details.retryAfterMs).toBe('number')
        expect(throttled?.details.retryAfterMs).toBeGreaterThan(0)
        // The wait passes on the daemon's clock, so the next attempt is a counted failure and the wait doubles.
        if (throttled!.details.retryAfterMs < 3000) advance(throttled!.details.retryAfterMs)
      } else expect(r.json?.error?.code).toBe('AUTH_BAD_PASSWORD')
    }
    expect(throttled, 'an attempt was throttled').toBeDefined()
    expect(throttled?.details.retryAfterMs).toBeGreaterThanOrEqual(3000)

    // while throttled even the right password cannot unlock: the wait is checked before the password
    const t = fails(await cli.run(['unlock', '--password-file', pw]), 'AUTH_THROTTLED', 6)
    expect(t.details.retryAfterMs).toBeGreaterThan(0)
    // The audit log has the first three failures one by one; every later attempt is counted into one summary per
    // minute and source, written when that window closes (at the latest when the daemon stops), not one row each.
    const entries = ok(await cli.run(['audit', 'list', '--action', 'vault.unlock'])).entries as any[]
    expect(entries.filter((e) => e.outcome === 'denied').length).toBe(3)
    ok(await cli.run(['daemon', 'stop']))
    const summaries = ok(await cli.run(['audit', 'list', '--action', 'auth.failures'])).entries as any[]
    expect(summaries).toHaveLength(1)
    expect(summaries[0].details).toMatchObject({ source: 'socket', sourceKind: 'socket', lastAction: 'vault.unlock' })
    expect(summaries[0].details.failures + summaries[0].details.throttled).toBe(later + 1)
    expect(ok(await cli.run(['audit', 'verify'])).valid).toBe(true)
  })
})

describe('a data directory open to other users', () => {
  const home = tempHome('wbp-')
  const cli = runner(home.dataDir)
  const pw = home.file('master.txt', MASTER_PASSWORD)
  let listed: any

  beforeAll(async () => {
    ok(await cli.run(['init', '--password-file', pw]))
    ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'kept', '--password-file', pw]))
    listed = ok(await cli.run(['wallet', 'list']))
    ok(await cli.run(['daemon', 'stop']))
  })

  afterAll(async () => {
    fs.chmodSync(home.dataDir, 0o700)
    await stopDaemonSurely(home.dataDir)
    home.cleanup()
  })

  it('is refused with DATA_DIR_INSECURE, and nothing in it is created or changed', async () => {
    fs.chmodSync(home.dataDir, 0o755)
    const before = snapshotDir(home.dataDir)
    expect(Object.keys(before)).not.toContain('waiaas.sock')
    expect(Object.keys(before)).not.toContain('daemon.pid')

    const e = fails(await cli.run(['wallet', 'list']), 'DATA_DIR_INSECURE', 1)
    expect(e.details.path).toBe(home.dataDir)
    fails(await cli.run(['wallet', 'create', '--chain', 'evm', '--password-file', pw]), 'DATA_DIR_INSECURE', 1)
    fails(await cli.run(['daemon', 'start']), 'DATA_DIR_INSECURE', 1)
    // the daemon itself refuses it too, not only the CLI that would launch it
    fails(await cli.run(['daemon', 'start', '--foreground', '--password-file', pw], { timeoutMs: 20_000, spawn: true }), 'DATA_DIR_INSECURE', 1)
    fails(await cli.run(['status']), 'DAEMON_NOT_RUNNING', 3)

    expect(snapshotDir(home.dataDir)).toEqual(before)
    expect(modeOf(home.dataDir)).toBe(0o755)
  })

  it('a group-writable directory is refused too', async () => {
    fs.chmodSync(home.dataDir, 0o720)
    const before = snapshotDir(home.dataDir)
    fails(await cli.run(['wallet', 'list']), 'DATA_DIR_INSECURE', 1)
    expect(snapshotDir(home.dataDir)).toEqual(before)
  })

  it('works again after chmod 700, with the data as it was', async () => {
    fs.chmodSync(home.dataDir, 0o700)
    expect(ok(await cli.run(['wallet', 'list']))).toEqual(listed)
    expect(ok(await cli.run(['audit', 'verify'])).valid).toBe(true)
  })
})

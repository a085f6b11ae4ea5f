/**
 * Backups through bin/run.js, as an operator would run them: create while the daemon runs, list, inspect, then
 * restore into a fresh data directory (daemon stopped) and sign there with the same wallet. A wrong password and a
 * running daemon are refused; stdout never holds the password.
 */
import fs from 'node:fs'
import path from 'node:path'
import { verifyMessage } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/cli.js'
import { fails, MASTER_PASSWORD, modeOf, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'

const home = tempHome('waiaas-bkc-')
const pw = home.file('pw.txt', `${MASTER_PASSWORD}\n`)
const wrong = home.file('wrong.txt', 'not the password at all\n')
const cli = runner(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw })
const freshDir = path.join(home.root, 'fresh')
const fresh = runner(freshDir, { WAIAAS_MASTER_PASSWORD_FILE: pw })
let address: string

beforeAll(async () => {
  ok(await cli.run(['init']))
  address = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'kept'])).address
  ok(await cli.run(['policy', 'add', '--global', '--type', 'SIGNING_RULES', '--rules', '{"allow_personal_sign": true}']))
}, 60_000)

afterAll(async () => {
  await stopDaemonSurely(home.dataDir)
  await stopDaemonSurely(freshDir)
  home.cleanup()
})

describe('backups through the CLI', () => {
  it('creates, lists, inspects and restores into a fresh data directory that signs with the same wallet', async () => {
    const made = ok(await cli.run(['backup', 'create']))
    const file = String(made.file ?? made.path)
    expect(fs.existsSync(file)).toBe(true)
    expect(modeOf(file)).toBe(0o600)
    const listed = ok(await cli.run(['backup', 'list']))
    expect(JSON.stringify(listed)).toContain(path.basename(file))
    const meta = ok(await cli.run(['backup', 'inspect', file]))
    expect(JSON.stringify(meta)).toContain('"walletCount":1')
    fails(await cli.run(['backup', 'inspect', file], { env: { WAIAAS_MASTER_PASSWORD_FILE: wrong } }), 'BACKUP_BAD_PASSWORD', 6)
    // The source daemon is running: restoring over it is refused.
    fails(await cli.run(['backup', 'restore', file, '--yes']), 'BACKUP_DAEMON_RUNNING', 8)

    ok(await fresh.run(['backup', 'restore', file, '--yes']))
    const wallets = ok(await fresh.run(['wallet', 'list'])).wallets as { address: string }[]
    expect(wallets.map((w) => w.address)).toEqual([address])
    const signed = ok(await fresh.run(['sign', 'message', '--wallet', 'kept', '--message', 'after restore']))
    expect(verifyMessage('after restore', signed.signature)).toBe(address)
    expect(ok(await fresh.run(['audit', 'verify'])).valid).toBe(true)
    expect([...cli.transcript, ...fresh.transcript].join('\n')).not.toContain(MASTER_PASSWORD)
  })

  it("takes the seed article's `backup create --encrypt` and refuses --no-encrypt, writing nothing", async () => {
    const dir = path.join(home.dataDir, 'backups')
    const before = fs.readdirSync(dir).length
    const made = ok(await cli.run(['backup', 'create', '--encrypt']))
    expect(fs.readFileSync(String(made.file)).subarray(0, 8).toString('ascii')).toBe('WAIAASBK')
    const e = fails(await cli.run(['backup', 'create', '--no-encrypt']), 'USAGE', 2)
    expect(e.details.flag).toBe('--no-encrypt')
    expect(fs.readdirSync(dir).length).toBe(before + 1)
  })
})

/**
 * Agent sessions through bin/run.js: the operator creates one (token to a 0600 file, or shown once), a script acts
 * as the session with --session-token-file or WAIAAS_SESSION_TOKEN_FILE, and a revoked or out-of-scope session is
 * refused with exit 6. No chain is involved: message signing is sign-only.
 */
import fs from 'node:fs'
import path from 'node:path'
import { verifyMessage } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { fails, MASTER_PASSWORD, modeOf, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'

const home = tempHome('waiaas-ses-')
const pw = home.file('pw.txt', `${MASTER_PASSWORD}\n`)
const cli = runner(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw })
/** No password at all: only what the session token allows. */
const agent = (tokenFile: string) => runner(home.dataDir, { WAIAAS_SESSION_TOKEN_FILE: tokenFile })
let wallet: { id: string; address: string }

beforeAll(async () => {
  ok(await cli.run(['init']))
  wallet = ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'bot']))
  ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'vault']))
  ok(await cli.run(['policy', 'add', '--global', '--type', 'SIGNING_RULES', '--rules', '{"allow_personal_sign": true}']))
}, 60_000)

afterAll(async () => {
  await stopDaemonSurely(home.dataDir)
  home.cleanup()
})

describe('sessions through the CLI', () => {
  it('writes the token to a new 0600 file, never prints it, and a script signs as the session', async () => {
    const out = path.join(home.root, 'bot.token')
    const created = ok(await cli.run(['session', 'create', '--wallet', 'bot', '--name', 'signer', '--ttl', '2h', '--methods', 'read,sign', '--out', out]))
    expect(created.tokenFile).toBe(out)
    expect(created.token).toBeUndefined()
    expect(modeOf(out)).toBe(0o600)
    const token = fs.readFileSync(out, 'utf8').trim()
    expect(token).toMatch(/^wsk_/)
    expect(created.session).toMatchObject({ name: 'signer', status: 'active', permissions: ['read', 'sign'], wallets: [{ name: 'bot' }] })

    const signed = ok(await agent(out).run(['sign', 'message', '--wallet', 'bot', '--message', 'hello agent']))
    expect(verifyMessage('hello agent', signed.signature)).toBe(wallet.address)
    // The same through the flag instead of the environment.
    const viaFlag = ok(await runner(home.dataDir).run(['sign', 'message', '--wallet', 'bot', '--message', 'again', '--session-token-file', out]))
    expect(verifyMessage('again', viaFlag.signature)).toBe(wallet.address)

    // Outside its wallets, and without the send permission: SESSION_SCOPE, exit 6.
    fails(await agent(out).run(['sign', 'message', '--wallet', 'vault', '--message', 'x']), 'SESSION_SCOPE', 6)
    const noSend = fails(await agent(out).run(['send', '--wallet', 'bot', '--network', 'evm-local', '--to', wallet.address, '--amount', '0.1']), 'SESSION_SCOPE', 6)
    expect(noSend.details.permission).toBe('send')

    // An existing --out file is never overwritten.
    fails(await cli.run(['session', 'create', '--wallet', 'bot', '--out', out]), 'INPUT_FILE_EXISTS', 8)

    const listed = await runCli(['session', 'list'], { env: cliEnv(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw }) })
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain('signer')
    expect(listed.stdout).not.toContain(token)
    expect(JSON.stringify(ok(await cli.run(['session', 'list'])))).not.toContain(token)

    ok(await cli.run(['session', 'revoke', created.session.id]))
    fails(await agent(out).run(['sign', 'message', '--wallet', 'bot', '--message', 'late']), 'SESSION_REVOKED', 6)
  })

  it('shows the token once without --out; bad flags are usage errors', async () => {
    const r = await runCli(['session', 'create', '--wallet', 'bot', '--ttl', '15m'], { env: cliEnv(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw }) })
    expect(r.code).toBe(0)
    const token = /wsk_[A-Za-z0-9_-]{43}/.exec(r.stdout)?.[0]
    expect(token).toBeDefined()
    expect(r.stderr).not.toContain(token as string)
    expect(fails(await cli.run(['session', 'create', '--wallet', 'bot', '--ttl', '45d']), 'INPUT_INVALID', 2).details).toMatchObject({ field: '--ttl', issue: 'too-large', max: '30d' })
    fails(await cli.run(['session', 'create', '--wallet', 'bot', '--methods', 'read,admin']), 'USAGE', 2)
    fails(await cli.run(['session', 'create', '--wallet', 'nobody']), 'WALLET_NOT_FOUND', 7)
    // With a session token the CLI is that session: an operator command is refused as such (it never asks for or
    // looks for a password).
    const file = home.file('t2.token', `${token as string}\n`)
    const e = fails(await agent(file).run(['session', 'list']), 'AUTH_FORBIDDEN', 6)
    expect(e.details.sessionTokenFrom).toBe('WAIAAS_SESSION_TOKEN_FILE')
  })
})

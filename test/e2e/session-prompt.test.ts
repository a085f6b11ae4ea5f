/**
 * `waiaas session prompt` through bin/run.js against the in-process daemon: it creates a session and prints a system
 * prompt with the session's wallets, limits in words, the policy that applies and each tier's behaviour, and the MCP
 * entry to connect. The token is not in the prompt (nor on stdout) unless --include-token; with --out it is in a
 * 0600 file the prompt names.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'

const t = useDaemon()
const op = { password: PASSWORD }
const tmp = tempHome('sprompt-')

async function setup(): Promise<string> {
  const w = await t.client.call('wallet.create', { chain: 'evm', name: 'agent-hot' }, op)
  await t.client.call('wallet.create', { chain: 'evm', name: 'agent-cold' }, op)
  await t.client.call('policy.add', { wallet: 'agent-hot', type: 'SPENDING_LIMIT', rules: { instant_max: '0.1', delay_max: '0.5', delay_seconds: 600, daily_limit: '2' } }, op)
  await t.client.call('policy.add', { wallet: 'agent-cold', type: 'RECIPIENT_DENYLIST', rules: { recipients: ['0x000000000000000000000000000000000000dEaD'] } }, op)
  return w.address
}

/** The first fenced code block of `lang` in `text`. */
function block(text: string, lang: string): string {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(text)
  if (m === null) throw new Error(`no ${lang} block in the prompt`)
  return m[1]!
}

const run = (args: string[]) => runCli(['session', 'prompt', ...args], { env: cliEnv(t.daemon.paths.dataDir, { WAIAAS_MASTER_PASSWORD: PASSWORD }) })

describe('waiaas session prompt', () => {
  let address = ''
  it('prints the prompt without the token; the token is shown once on stderr, and the session exists', async () => {
    address = await setup()
    const r = await run(['--wallet', 'agent-hot', '--methods', 'read,send', '--limit-usd-per-day', '40', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const data = r.json?.data as { session: { id: string; permissions: string[] }; prompt: string; token: string }
    expect(data.session.permissions).toEqual(['read', 'send'])
    expect(data.token).toMatch(/\S{20,}/)
    expect(data.prompt).not.toContain(data.token)
    expect(data.prompt).toContain(address)
    expect(data.prompt).toContain('40 USD per day')
    expect(data.prompt).toMatch(/SPENDING_LIMIT \(agent-hot\): .*0\.1/)
    expect(data.prompt).not.toContain('agent-cold')
    expect(data.prompt).not.toContain('RECIPIENT_DENYLIST')
    for (const tier of ['INSTANT', 'DELAY', 'APPROVAL', 'DENY']) expect(data.prompt).toContain(`${tier}:`)
    expect(data.prompt).toContain('awaiting_approval')
    expect(data.prompt).toContain('"mcpServers"')
    // The SDK lines, for the session's wallet, each reading the token file's path from the environment.
    expect(data.prompt).toContain("import { Waiaas, WaiaasError } from 'waiaas/sdk'")
    expect(data.prompt).toContain("client.tx.send({ wallet: 'agent-hot', network: '<network>'")
    expect(data.prompt).toContain('from waiaas import Waiaas, WaiaasError')
    expect(data.prompt).toContain('client.tx.send(wallet="agent-hot", network="<network>"')
    expect(data.prompt).toContain('export WAIAAS_SESSION_TOKEN_FILE=<path of the session token file>')
    // Both snippets are code their language parses (placeholders filled in).
    const fill = (code: string): string => code.replaceAll('<network>', 'evm-local').replaceAll('<address>', address)
    const ts = fill(block(data.prompt, 'ts'))
    const file = path.join(tmp.root, 'snippet.mjs')
    fs.writeFileSync(file, ts)
    const node = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' })
    expect(node.status, node.stderr).toBe(0)
    const py = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: fill(block(data.prompt, 'python')), encoding: 'utf8' })
    expect(py.error === undefined ? py.status : 'no python3', py.stderr).toBe(0)
    const sessions = await t.client.call('session.list', {}, op)
    expect(sessions.sessions.map((s) => s.id)).toContain(data.session.id)

    const human = await run(['--wallet', 'agent-hot'])
    expect(human.code, human.stderr).toBe(0)
    const token = human.stderr.trim().split('\n').at(-1) ?? ''
    expect(token).toMatch(/\S{20,}/)
    expect(human.stdout).not.toContain(token)
    expect(human.stdout).toContain('How to pay:')
  })

  it('with --out, the token is in a 0600 file the prompt names, and nowhere in the output', async () => {
    const file = path.join(tmp.root, 'agent.token')
    const r = await run(['--wallet', 'agent-hot', '--out', file, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const token = fs.readFileSync(file, 'utf8').trim()
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(r.stdout + r.stderr).not.toContain(token)
    const prompt = (r.json?.data as { prompt: string }).prompt
    expect(prompt).toContain(`"WAIAAS_SESSION_TOKEN_FILE": "${file}"`)
    expect(prompt).toContain(`export WAIAAS_SESSION_TOKEN_FILE=${file}`)
  })

  it('--include-token puts the token in the prompt once, in the line that sets its variable, and that token acts as the session', async () => {
    const r = await run(['--wallet', 'agent-hot', '--include-token', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const data = r.json?.data as { session: { id: string }; prompt: string; token: string }
    expect(data.prompt.split(data.token).length - 1).toBe(1)
    expect(data.prompt).toContain(`export WAIAAS_SESSION_TOKEN=${data.token}\n`)
    // The MCP entry and the SDK lines name the variable, never the value.
    expect(data.prompt).toContain('"WAIAAS_SESSION_TOKEN": "${WAIAAS_SESSION_TOKEN}"')
    expect(block(data.prompt, 'ts')).not.toContain(data.token)
    expect(block(data.prompt, 'python')).not.toContain(data.token)
    expect(data.prompt).not.toContain('WAIAAS_SESSION_TOKEN_FILE')
    const who = await t.client.call('session.whoami', {}, { token: data.token })
    expect(who.id).toBe(data.session.id)
  })

  it('refuses an unknown wallet with its code, creating no session', async () => {
    const before = (await t.client.call('session.list', {}, op)).sessions.length
    const r = await run(['--wallet', 'nope', '--json'])
    expect(r.json?.error?.code).toBe('WALLET_NOT_FOUND')
    expect((await t.client.call('session.list', {}, op)).sessions.length).toBe(before)
  })
})

/**
 * Agents set up with `mcp setup` keep working past a day: the session gets quickset's lifetime (7 days, 4 renewals,
 * or --ttl/--max-renewals), and `waiaas mcp`, run exactly as the client config says, renews it with its own token as
 * the clock nears the expiry, until the renewals are used up; from then on every tool result carries a notice with
 * the expiry. The daemon and `waiaas mcp` share a test clock (WAIAAS_TEST_CLOCK_FILE), moved by days, never slept.
 * In-process, the SessionKeeper renews an idle agent's session on its timer, does not spend a renewal the agent has
 * already made itself, and says so when a renewal fails.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileClock } from '../../src/lib/clock.js'
import { AGENT_SESSION_DEFAULTS } from '../../src/cli/quickset.js'
import type { SessionView } from '../../src/lib/contract/index.js'
import { SessionKeeper } from '../../src/mcp/session-keeper.js'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { waitFor } from '../helpers/e2e.js'

const DAY = 86_400_000
const home = tempHome('waiaas-renew-')
const clockFile = path.join(home.root, 'clock')
const t = useDaemon({ env: { testClockFile: clockFile } })
const op = { password: PASSWORD }
let passwordFile: string
let offset = 0

/** Moves the shared clock forward by `ms`. */
const advance = (ms: number): void => {
  offset += ms
  fs.writeFileSync(clockFile, String(offset))
}
const now = fileClock(clockFile)
const hooks = { WAIAAS_TEST_HOOKS: '1', WAIAAS_TEST_CLOCK_FILE: clockFile }
const cli = (...args: string[]) => runCli([...args, '--password-file', passwordFile, '--json'], { env: cliEnv(t.daemon.paths.dataDir, hooks) })
const listed = async (id: string): Promise<SessionView> => {
  const r = await cli('session', 'list')
  expect(r.code, r.stderr).toBe(0)
  const s = (r.json?.data.sessions as SessionView[]).find((x) => x.id === id)
  if (s === undefined) throw new Error(`session ${id} is not listed`)
  return s
}
/** The same, straight from the daemon (faster than a CLI run, for the many checks below). */
const session = async (id: string): Promise<SessionView> => {
  const s = (await t.client.call('session.list', {}, op)).sessions.find((x) => x.id === id)
  if (s === undefined) throw new Error(`session ${id} is not listed`)
  return s
}
const texts = (r: CallToolResult): string[] => r.content.map((c) => (c as { text: string }).text)

beforeAll(async () => {
  fs.writeFileSync(clockFile, '0')
  passwordFile = home.file('password', `${PASSWORD}\n`)
  await t.client.call('wallet.create', { chain: 'evm', name: 'agent' }, op)
})
afterAll(() => home.cleanup())

describe('mcp setup sessions last and renew', () => {
  it('mcp setup gives the session quickset\'s 7 days and 4 renewals by default, as session list shows', async () => {
    expect(AGENT_SESSION_DEFAULTS).toEqual({ ttlSeconds: 7 * 86_400, maxRenewals: 4 })
    const r = await cli('mcp', 'setup', '--client', 'cursor', '--config', path.join(home.root, 'defaults.json'), '--wallet', 'agent')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json?.data.session).toMatchObject({ ttlSeconds: 604_800, maxRenewals: 4 })
    const s = await listed(r.json?.data.session.id)
    expect(s).toMatchObject({ ttlSeconds: 604_800, maxRenewals: 4, renewals: 0, status: 'active' })
    expect(Math.abs(Date.parse(s.expiresAt) - (now() + 7 * DAY))).toBeLessThan(60_000)
    const human = await runCli(['mcp', 'setup', '--client', 'cursor', '--config', path.join(home.root, 'defaults.json'), '--wallet', 'agent', '--password-file', passwordFile], {
      env: cliEnv(t.daemon.paths.dataDir),
    })
    expect(human.stdout).toContain('waiaas mcp renews it before then, up to 4 times')
  })

  it('--ttl and --max-renewals set them', async () => {
    const r = await cli('mcp', 'setup', '--client', 'claude-code', '--config', path.join(home.root, 'flags.json'), '--wallet', 'agent', '--ttl', '2h', '--max-renewals', '9')
    expect(r.code, r.stderr).toBe(0)
    expect(await listed(r.json?.data.session.id)).toMatchObject({ ttlSeconds: 7200, maxRenewals: 9, renewals: 0 })
    const bad = await cli('mcp', 'setup', '--client', 'claude-code', '--config', path.join(home.root, 'flags.json'), '--wallet', 'agent', '--max-renewals', '-1')
    expect([bad.code, bad.json?.error?.code]).toEqual([2, 'USAGE'])
  })

  it('waiaas mcp, run as the config says, renews before expiry 4 times, then tells the agent when it expires', async () => {
    const config = path.join(home.root, 'claude.json')
    const r = await cli('mcp', 'setup', '--client', 'claude-desktop', '--config', config, '--wallet', 'agent')
    expect(r.code, r.stderr).toBe(0)
    const id = r.json?.data.session.id as string
    const entry = JSON.parse(fs.readFileSync(config, 'utf8')).mcpServers.waiaas as { command: string; args: string[]; env: Record<string, string> }
    const base = cliEnv(t.daemon.paths.dataDir, hooks) as Record<string, string>
    delete base.WAIAAS_DATA_DIR
    const stderr: string[] = []
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { ...base, ...entry.env }, stderr: 'pipe' })
    transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString('utf8')))
    const client = new Client({ name: 'claude-desktop-like', version: '1' })
    await client.connect(transport)
    const call = async (): Promise<CallToolResult> => (await client.callTool({ name: 'wallet_list', arguments: {} })) as CallToolResult
    try {
      // Far from expiry: nothing to renew, nothing to say.
      let res = await call()
      expect(res.isError ?? false).toBe(false)
      expect(texts(res)).toHaveLength(1)
      expect((await session(id)).renewals).toBe(0)

      for (let n = 1; n <= 4; n++) {
        // 1.5 days left of 7 (under a quarter): the next tool call renews first, for another 7 days from now.
        const expiry = Date.parse((await session(id)).expiresAt)
        advance(expiry - now() - 1.5 * DAY)
        res = await call()
        expect(res.isError ?? false).toBe(false)
        expect(texts(res), `renewal ${n}`).toHaveLength(1)
        const s = await session(id)
        expect(s).toMatchObject({ renewals: n, status: 'active' })
        expect(Math.abs(Date.parse(s.expiresAt) - (now() + 7 * DAY))).toBeLessThan(60_000)
      }

      // Renewals used up: inside the last quarter, every tool result says until when the session works.
      const last = await session(id)
      advance(Date.parse(last.expiresAt) - now() - DAY)
      for (let i = 0; i < 2; i++) {
        res = await call()
        expect(res.isError ?? false).toBe(false)
        expect(texts(res)).toHaveLength(2)
        expect(texts(res)[1]).toBe(
          `Notice: this agent session expires at ${last.expiresAt} and cannot be renewed (it has used all 4 of its renewals). ` +
            'After that every tool fails with SESSION_EXPIRED; ask the operator for a new session (`waiaas mcp setup` again).',
        )
      }
      expect(await session(id)).toMatchObject({ renewals: 4, expiresAt: last.expiresAt })

      // Past it: the tools fail, and the notice still says why.
      advance(2 * DAY)
      res = await call()
      expect(res.isError).toBe(true)
      expect((res.structuredContent as { error: { code: string } }).error.code).toBe('SESSION_EXPIRED')
      expect(texts(res).at(-1)).toBe(
        `Notice: this agent session expired at ${last.expiresAt}; every tool fails with SESSION_EXPIRED until the operator gives ` +
          'the agent a new session (`waiaas mcp setup` again).',
      )
    } finally {
      await client.close()
    }
    const renewals = (await t.client.call('audit.list', { action: 'session.renew', limit: 100 }, op)).entries.filter((e) => e.target === id)
    expect(renewals.map((e) => e.actor)).toEqual(Array(4).fill(`session:${id}`))
    const log = stderr.join('')
    expect(log).toContain(`renewed session ${id}`)
    expect(log).not.toContain(fs.readFileSync(r.json?.data.tokenFile, 'utf8').trim())
  })
})

describe('SessionKeeper', () => {
  const create = async (maxRenewals: number): Promise<{ id: string; token: string; call: (m: string, p: unknown) => Promise<unknown> }> => {
    const { session: s, token } = await t.client.call('session.create', { wallets: ['agent'], ttlSeconds: 3600, maxRenewals }, op)
    return { id: s.id, token, call: (m, p) => t.client.call(m as 'session.whoami', p as never, { token }) }
  }
  const view = async (token: string): Promise<SessionView> => t.client.call('session.whoami', {}, { token })

  it('renews an idle agent\'s session on its timer', async () => {
    const s = await create(2)
    const keeper = new SessionKeeper({ call: s.call, now, log: () => {}, checkEveryMs: 20 }, await view(s.token))
    keeper.start()
    try {
      const before = await view(s.token)
      advance(Date.parse(before.expiresAt) - now() - 10 * 60_000)
      await waitFor('the timer to renew', async () => (await view(s.token)).renewals === 1, 5000)
      // Renewed, so out of the window: it does not renew again on the following ticks.
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect((await view(s.token)).renewals).toBe(1)
      expect(keeper.current().renewals).toBe(1)
    } finally {
      keeper.stop()
    }
  })

  it('does not spend a renewal the agent already made itself (session_renew)', async () => {
    const s = await create(3)
    const keeper = new SessionKeeper({ call: s.call, now, log: () => {} }, await view(s.token))
    const before = await view(s.token)
    advance(Date.parse(before.expiresAt) - now() - 10 * 60_000)
    await s.call('session.renew', {}) // the agent, through the session_renew tool
    expect(await keeper.check()).toBeNull()
    expect((await view(s.token)).renewals).toBe(1)
  })

  it('a failed renewal is a notice with the expiry and the reason', async () => {
    const s = await create(3)
    const logged: string[] = []
    const keeper = new SessionKeeper({ call: s.call, now, log: (l) => logged.push(l) }, await view(s.token))
    const before = await view(s.token)
    advance(Date.parse(before.expiresAt) - now() - 10 * 60_000)
    await t.client.call('session.revoke', { id: s.id }, op)
    const notice = await keeper.check()
    expect(notice).toMatch(new RegExp(`^Notice: this agent session expires at ${before.expiresAt.replaceAll('.', '\\.')} and renewing it failed \\(SESSION_REVOKED: `))
    expect(logged).toEqual([`could not renew session ${s.id}: SESSION_REVOKED`])
  })
})

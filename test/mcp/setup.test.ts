/**
 * `waiaas mcp setup` through the built CLI: it creates a session, writes its token to a 0600 file in the data
 * directory, and adds a working `waiaas mcp` entry to the client's config while keeping every other key and server;
 * --print leaves the config alone; a config that is not valid JSON is refused before anything is created. With
 * --scope project it writes the project's config (Claude Code .mcp.json, Cursor .cursor/mcp.json) and prints the
 * `claude mcp add-json` line; --http registers the MCP-over-HTTP plugin by URL with a header that names the token's
 * environment variable (the token is in no file but its own, and never printed), and that entry works.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claudeAddJson, httpEntry, MCP_TOKEN_ENV, projectConfigPath, shellWord } from '../../src/cli/mcp-clients.js'
import { BIN, cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'

const t = useDaemon()
const op = { password: PASSWORD }
const home = tempHome('waiaas-mcpsetup-')
let passwordFile: string
const env = (): NodeJS.ProcessEnv => cliEnv(t.daemon.paths.dataDir)

const others = {
  globalShortcut: 'Ctrl+Space',
  mcpServers: {
    filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
    git: { command: 'uvx', args: ['mcp-server-git'], env: { GIT_DIR: '/srv/repo' } },
  },
  preferences: { theme: 'dark', nested: [1, 2, 3] },
}

beforeAll(async () => {
  passwordFile = home.file('password', `${PASSWORD}\n`)
  await t.client.call('wallet.create', { chain: 'evm', name: 'desk' }, op)
  await t.client.call('wallet.create', { chain: 'evm', name: 'desk2' }, op)
})

afterAll(() => home.cleanup())

const setup = (...args: string[]) => runCli(['mcp', 'setup', '--password-file', passwordFile, ...args], { env: env() })
const sessionCount = async (): Promise<number> => (await t.client.call('session.list', {}, op)).sessions.length

describe('waiaas mcp setup', () => {
  it('adds a working entry to the config and keeps every other setting and server', async () => {
    const config = home.file('claude_desktop_config.json', JSON.stringify(others, null, 2))
    fs.chmodSync(config, 0o640)
    const r = await setup('--client', 'claude-desktop', '--config', config, '--wallet', 'desk', '--wallet', 'desk2', '--ttl', '2h', '--json')
    expect(r.code, r.stderr).toBe(0)
    const tokenFile = path.join(t.daemon.paths.dataDir, 'mcp', 'claude-desktop.token')
    expect(r.json?.data).toMatchObject({ client: 'claude-desktop', config, server: 'waiaas', action: 'added', tokenFile, session: { wallets: ['desk', 'desk2'] } })

    const written = JSON.parse(fs.readFileSync(config, 'utf8'))
    expect(written.globalShortcut).toBe(others.globalShortcut)
    expect(written.preferences).toEqual(others.preferences)
    expect(written.mcpServers.filesystem).toEqual(others.mcpServers.filesystem)
    expect(written.mcpServers.git).toEqual(others.mcpServers.git)
    const entry = { command: process.execPath, args: [BIN, 'mcp', '--token-file', tokenFile], env: { WAIAAS_DATA_DIR: t.daemon.paths.dataDir } }
    expect(written.mcpServers.waiaas).toEqual(entry)
    expect(Object.keys(written.mcpServers)).toEqual(['filesystem', 'git', 'waiaas'])
    expect(fs.statSync(config).mode & 0o777).toBe(0o640)
    expect(fs.readdirSync(path.dirname(config)).filter((f) => f.endsWith('.tmp'))).toEqual([])

    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600)
    expect(fs.statSync(path.dirname(tokenFile)).mode & 0o777).toBe(0o700)
    const token = fs.readFileSync(tokenFile, 'utf8').trim()
    expect(r.stdout).not.toContain(token)
    expect(JSON.stringify(written)).not.toContain(token)
    const who = await t.client.call('session.whoami', {}, { token })
    expect(who.wallets.map((w) => w.name)).toEqual(['desk', 'desk2'])
    expect(Date.parse(who.expiresAt) - Date.now()).toBeGreaterThan(7000 * 1000)

    // The entry as the client would run it.
    const client = new Client({ name: 'claude-desktop-like', version: '1' })
    const base = cliEnv(t.daemon.paths.dataDir)
    delete base.WAIAAS_DATA_DIR
    await client.connect(new StdioClientTransport({ command: entry.command, args: entry.args, env: { ...(base as Record<string, string>), ...entry.env } }))
    try {
      const r2 = await client.callTool({ name: 'session_whoami', arguments: {} })
      expect(r2.structuredContent).toMatchObject({ id: who.id })
    } finally {
      await client.close()
    }
  })

  it('run again, replaces its own entry and token file, still keeping the others', async () => {
    const config = path.join(home.root, 'claude_desktop_config.json')
    const tokenFile = path.join(t.daemon.paths.dataDir, 'mcp', 'claude-desktop.token')
    const before = fs.readFileSync(tokenFile, 'utf8')
    const oldId = (await t.client.call('session.whoami', {}, { token: before.trim() })).id
    const r = await setup('--client', 'claude-desktop', '--config', config, '--wallet', 'desk')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`Replaced the MCP server "waiaas" in ${config}`)
    expect(r.stdout).toContain(`Revoked the previous session ${oldId}`)
    const after = fs.readFileSync(tokenFile, 'utf8')
    expect(after).not.toBe(before)
    expect(r.stdout).not.toContain(after.trim())
    // One live session per client: the old token is refused, the new one works.
    await expect(t.client.call('session.whoami', {}, { token: before.trim() })).rejects.toMatchObject({ code: 'SESSION_REVOKED' })
    expect((await t.client.call('session.whoami', {}, { token: after.trim() })).wallets.map((w) => w.name)).toEqual(['desk'])
    const live = (await t.client.call('session.list', {}, op)).sessions.filter((s) => s.name === 'mcp-claude-desktop' && s.status === 'active')
    expect(live.map((s) => s.id)).toEqual([(await t.client.call('session.whoami', {}, { token: after.trim() })).id])
    const written = JSON.parse(fs.readFileSync(config, 'utf8'))
    expect(Object.keys(written.mcpServers)).toEqual(['filesystem', 'git', 'waiaas'])
    expect(written.mcpServers.git).toEqual(others.mcpServers.git)
  })

  it('creates a missing config (and its directory) for cursor, under a custom server name', async () => {
    const config = path.join(home.root, 'fresh', '.cursor', 'mcp.json')
    const r = await setup('--client', 'cursor', '--config', config, '--wallet', 'desk', '--name', 'wallet', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.json?.data).toMatchObject({ action: 'added', server: 'wallet', tokenFile: path.join(t.daemon.paths.dataDir, 'mcp', 'cursor.token') })
    const written = JSON.parse(fs.readFileSync(config, 'utf8'))
    expect(Object.keys(written)).toEqual(['mcpServers'])
    expect(written.mcpServers.wallet.args.slice(1)).toEqual(['mcp', '--token-file', path.join(t.daemon.paths.dataDir, 'mcp', 'cursor.token')])
    expect(fs.statSync(config).mode & 0o777).toBe(0o600)
  })

  it('--print leaves the config untouched and prints the entry', async () => {
    const config = home.file('print.json', JSON.stringify(others))
    const bytes = fs.readFileSync(config)
    const mtime = fs.statSync(config).mtimeMs
    const r = await setup('--client', 'claude-code', '--config', config, '--wallet', 'desk', '--print', '--json')
    expect(r.code, r.stderr).toBe(0)
    const tokenFile = path.join(t.daemon.paths.dataDir, 'mcp', 'claude-code.token')
    expect(r.json?.data).toMatchObject({ action: 'printed', tokenFile, entry: { command: process.execPath, args: [BIN, 'mcp', '--token-file', tokenFile] } })
    expect(fs.readFileSync(config)).toEqual(bytes)
    expect(fs.statSync(config).mtimeMs).toBe(mtime)
    const token = fs.readFileSync(tokenFile, 'utf8').trim()
    expect((await t.client.call('session.whoami', {}, { token })).wallets.map((w) => w.name)).toEqual(['desk'])
    const human = await setup('--client', 'claude-code', '--config', config, '--wallet', 'desk', '--print')
    expect(human.code).toBe(0)
    expect(human.stdout).toContain('"mcpServers"')
    expect(fs.readFileSync(config)).toEqual(bytes)
  })

  it("--all (the seed article's spelling) gives the session every wallet, for Claude Desktop by default", async () => {
    const config = home.file('all.json', '{}')
    const r = await setup('--all', '--config', config, '--json')
    expect(r.code, r.stderr).toBe(0)
    const names = (await t.client.call('wallet.list', {})).wallets.map((w) => w.name)
    expect(r.json?.data).toMatchObject({ client: 'claude-desktop', action: 'added', session: { wallets: names } })
    expect(names.length).toBeGreaterThanOrEqual(2)
    expect(JSON.parse(fs.readFileSync(config, 'utf8')).mcpServers.waiaas.args.at(-1)).toBe(path.join(t.daemon.paths.dataDir, 'mcp', 'claude-desktop.token'))
    const both = await setup('--all', '--wallet', 'desk', '--config', config, '--json')
    expect(both.code).toBe(2)
    expect(both.json?.error?.code).toBe('USAGE')
    const sessions = await sessionCount()
    const neither = await setup('--config', config, '--json')
    expect(neither.json?.error).toMatchObject({ code: 'USAGE', details: { flags: ['--wallet', '--all'] } })
    expect(await sessionCount()).toBe(sessions)
  })

  it('refuses a config that is not valid JSON, changing nothing and creating no session', async () => {
    const config = home.file('broken.json', '{ "mcpServers": { "git": ')
    const sessions = await sessionCount()
    const r = await setup('--client', 'claude-desktop', '--config', config, '--wallet', 'desk', '--json')
    expect(r.code).toBe(2)
    expect(r.json?.error).toMatchObject({ code: 'INPUT_INVALID', details: { path: config } })
    expect(fs.readFileSync(config, 'utf8')).toBe('{ "mcpServers": { "git": ')
    expect(await sessionCount()).toBe(sessions)
    const array = home.file('array.json', '[]')
    const r2 = await setup('--client', 'claude-desktop', '--config', array, '--wallet', 'desk', '--json')
    expect(r2.json?.error?.code).toBe('INPUT_INVALID')
    expect(fs.readFileSync(array, 'utf8')).toBe('[]')
  })

  it("--scope project writes Claude Code's .mcp.json in the project (0600, no token) and prints the claude mcp add-json line", async () => {
    const project = path.join(home.root, 'repo')
    fs.mkdirSync(project)
    const userToken = path.join(t.daemon.paths.dataDir, 'mcp', 'claude-code.token')
    const userTokenBefore = fs.existsSync(userToken) ? fs.readFileSync(userToken, 'utf8') : null
    const r = await setup('--client', 'claude-code', '--scope', 'project', '--project-dir', project, '--wallet', 'desk', '--json')
    expect(r.code, r.stderr).toBe(0)
    const config = path.join(project, '.mcp.json')
    const data = r.json?.data as { tokenFile: string; entry: Record<string, unknown>; addJson: string; session: { name: string } }
    expect(data).toMatchObject({ client: 'claude-code', scope: 'project', config, action: 'added', transport: 'stdio', tokenEnv: null })
    // Its own token file (and so its own session), next to the user scope's, which is left alone.
    expect(path.dirname(data.tokenFile)).toBe(path.join(t.daemon.paths.dataDir, 'mcp'))
    expect(path.basename(data.tokenFile)).toMatch(/^claude-code-project-[0-9a-f]{8}\.token$/)
    expect(data.session.name).toBe(`mcp-${path.basename(data.tokenFile, '.token')}`)
    expect(fs.existsSync(userToken) ? fs.readFileSync(userToken, 'utf8') : null).toBe(userTokenBefore)
    const written = JSON.parse(fs.readFileSync(config, 'utf8'))
    expect(written).toEqual({ mcpServers: { waiaas: { type: 'stdio', command: process.execPath, args: [BIN, 'mcp', '--token-file', data.tokenFile], env: { WAIAAS_DATA_DIR: t.daemon.paths.dataDir } } } })
    expect(fs.statSync(config).mode & 0o777).toBe(0o600)
    const token = fs.readFileSync(data.tokenFile, 'utf8').trim()
    expect(fs.readFileSync(config, 'utf8')).not.toContain(token)
    expect(r.stdout).not.toContain(token)
    expect((await t.client.call('session.whoami', {}, { token })).wallets.map((w) => w.name)).toEqual(['desk'])
    // The add-json line registers the same entry, quoted for a shell.
    expect(data.addJson).toBe(`claude mcp add-json --scope project waiaas '${JSON.stringify(written.mcpServers.waiaas)}'`)
  })

  it('refuses --http while the mcp-http plugin is off, and a project scope for Claude Desktop, creating nothing', async () => {
    const sessions = await sessionCount()
    // Claude Desktop keeps no project config: refused before anything (it is the first thing setup works out).
    expect(() => projectConfigPath('claude-desktop', home.root)).toThrow(expect.objectContaining({ code: 'USAGE', details: { flag: '--scope', client: 'claude-desktop' } }))
    const off = await setup('--client', 'claude-code', '--scope', 'project', '--project-dir', home.root, '--http', '--wallet', 'desk', '--json')
    expect(off.code).toBe(2)
    expect(off.json?.error).toMatchObject({ code: 'USAGE', details: { flag: '--http', plugin: 'mcp-http', enabled: false } })
    expect(off.json?.error?.hint).toContain('waiaas plugin enable mcp-http')
    expect(fs.existsSync(path.join(home.root, '.mcp.json'))).toBe(false)
    expect(await sessionCount()).toBe(sessions)
  })

  it('--http writes a url + headers entry whose token comes from the environment, and a client that expands it gets in', async () => {
    const plugin = await t.client.call('plugin.enable', { name: 'mcp-http', port: 0 }, op)
    const project = path.join(home.root, 'web')
    fs.mkdirSync(project)
    const r = await setup('--client', 'claude-code', '--scope', 'project', '--project-dir', project, '--http', '--wallet', 'desk2')
    expect(r.code, r.stderr).toBe(0)
    const config = path.join(project, '.mcp.json')
    const entry = JSON.parse(fs.readFileSync(config, 'utf8')).mcpServers.waiaas
    expect(entry).toEqual({ type: 'http', url: plugin.listening, headers: { Authorization: `Bearer \${${MCP_TOKEN_ENV}}` } })
    expect(fs.statSync(config).mode & 0o777).toBe(0o600)
    const tokenFile = (/Its token is in (\S+) \(mode 0600\)/.exec(r.stdout) ?? [])[1] ?? ''
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600)
    const token = fs.readFileSync(tokenFile, 'utf8').trim()
    // Printed: the add-json line and how to hand the client the token, never the token itself.
    expect(r.stdout).toContain(claudeAddJson('waiaas', entry, 'project'))
    expect(r.stdout).toContain(`export ${MCP_TOKEN_ENV}="$(cat ${shellWord(tokenFile)})"`)
    expect(r.stdout).not.toContain(token)
    expect(fs.readFileSync(config, 'utf8')).not.toContain(token)

    // The entry as Claude Code runs it: ${WAIAAS_MCP_TOKEN} expanded from the environment.
    const headers = { Authorization: entry.headers.Authorization.replace(`\${${MCP_TOKEN_ENV}}`, token) }
    const client = new Client({ name: 'claude-code-like', version: '1' })
    await client.connect(new StreamableHTTPClientTransport(new URL(entry.url), { requestInit: { headers } }))
    try {
      const who = await client.callTool({ name: 'session_whoami', arguments: {} })
      expect(who.structuredContent).toMatchObject({ id: (await t.client.call('session.whoami', {}, { token })).id, wallets: [{ name: 'desk2' }] })
    } finally {
      await client.close()
    }
    // Cursor spells the variable its own way; Claude Desktop has no HTTP entries.
    expect(httpEntry('cursor', 'http://127.0.0.1:3100/mcp')).toEqual({ url: 'http://127.0.0.1:3100/mcp', headers: { Authorization: `Bearer \${env:${MCP_TOKEN_ENV}}` } })
    expect(() => httpEntry('claude-desktop', 'http://127.0.0.1:3100/mcp')).toThrow(expect.objectContaining({ code: 'USAGE' }))
  })
})

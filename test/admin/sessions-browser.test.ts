/**
 * The Sessions page in a browser against a real daemon: a session created in the UI has its token shown once (never
 * in web storage or the URL, gone when the dialog closes) with an MCP configuration that runs the real `waiaas mcp`
 * (bin/run.js, driven by the official MCP SDK client); revoked in the UI, that session is refused, by the running
 * server's next tool call and by a new `waiaas mcp`.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, cliEnv, runCli } from '../helpers/cli.js'
import { useDaemon } from '../helpers/daemon.js'
import { axeViolations, hasChromium, launch, loggedIn, op, open, restOrigin, storageAndUrl, unexpected, CHROMIUM, type AdminPage } from './pages-harness.js'

const t = useDaemon()
let browser: Browser | undefined
let ui: AdminPage

beforeAll(async () => {
  if (!hasChromium) return
  await t.client.call('wallet.create', { chain: 'evm', name: 'ui-agent-wallet' }, op)
  await t.client.call('wallet.create', { chain: 'evm', name: 'ui-other' }, op)
  const origin = await restOrigin(t.client)
  browser = await launch()
  ui = await loggedIn(browser, origin)
})

afterAll(async () => {
  await browser?.close()
})

interface Snippet {
  mcpServers: { waiaas: { command: string; args: string[]; env: Record<string, string> } }
}

describe.skipIf(!hasChromium)(`the Sessions page (skipped: no Chromium at ${CHROMIUM})`, () => {
  it('creates a session whose token, shown once, runs waiaas mcp; revoked in the UI, it is refused', async () => {
    const { page } = ui
    await open(page, 'sessions', 'Sessions')
    const form = page.getByRole('form', { name: 'Create a session' })
    await form.getByLabel('Name', { exact: true }).fill('ui-agent')
    await form.getByRole('checkbox', { name: /ui-agent-wallet/ }).check()
    await form.getByRole('checkbox', { name: /^Sign:/ }).uncheck()
    await form.getByLabel('Lifetime', { exact: true }).fill('2h')
    await form.getByLabel('Renewals', { exact: true }).fill('3')
    await form.getByLabel('Daily cap (USD)', { exact: true }).fill('250')
    await form.getByRole('button', { name: 'Create session' }).click()

    const dialog = page.getByRole('dialog', { name: 'Session “ui-agent” created' })
    await dialog.waitFor()
    const token = await dialog.getByLabel('Token', { exact: true }).inputValue()
    expect(token.length).toBeGreaterThan(20)
    expect(await axeViolations(page)).toEqual([])
    // The session as created through session.create's input, seen through the socket.
    const [s] = (await t.client.call('session.list', {}, op)).sessions.filter((x) => x.name === 'ui-agent')
    expect(s).toMatchObject({ status: 'active', permissions: ['read', 'send'], ttlSeconds: 7200, maxRenewals: 3, limitUsdPerDay: '250' })
    expect(s?.wallets.map((w) => w.name)).toEqual(['ui-agent-wallet'])
    // Shown, never kept: not in web storage, the URL or a readable cookie.
    expect(await storageAndUrl(page)).not.toContain(token)

    // The MCP configuration shown carries the token the way `waiaas mcp` reads it.
    const snippet = JSON.parse((await dialog.getByLabel('MCP configuration', { exact: true }).textContent()) ?? '') as Snippet
    const entry = snippet.mcpServers.waiaas
    expect(entry.command).toBe('waiaas')
    expect(entry.args).toEqual(['mcp'])
    expect(entry.env).toEqual({ WAIAAS_DATA_DIR: t.daemon.paths.dataDir, WAIAAS_SESSION_TOKEN: token })
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, ...entry.args], env: cliEnv(t.daemon.paths.dataDir, entry.env) as Record<string, string>, stderr: 'pipe' })
    const mcp = new Client({ name: 'admin-ui-test', version: '1.0.0' })
    await mcp.connect(transport)
    try {
      const who = (await mcp.callTool({ name: 'session_whoami', arguments: {} })) as CallToolResult
      expect(who.isError ?? false).toBe(false)
      expect(who.structuredContent).toMatchObject({ id: s?.id, name: 'ui-agent', permissions: ['read', 'send'] })

      // Closing the dialog drops the token from the page.
      await dialog.getByRole('button', { name: /^Done/ }).click()
      await dialog.waitFor({ state: 'detached' })
      expect(await page.content()).not.toContain(token)

      // Revoke in the UI, through its confirmation.
      await page.getByRole('button', { name: 'Revoke session ui-agent' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke session' }).click()
      await page.locator(`tr[data-session="${s?.id}"] .state-revoked`).waitFor()
      expect((await t.client.call('session.list', {}, op)).sessions.find((x) => x.id === s?.id)?.status).toBe('revoked')

      // The running server's next call is refused…
      const after = (await mcp.callTool({ name: 'session_whoami', arguments: {} })) as CallToolResult
      expect(after.isError).toBe(true)
      expect((after.structuredContent as { error: { code: string } }).error.code).toBe('SESSION_REVOKED')
    } finally {
      await mcp.close()
    }
    // …and a new one does not start.
    const fresh = await runCli(['mcp'], { env: cliEnv(t.daemon.paths.dataDir, entry.env) })
    expect(fresh.code).toBe(6)
    expect(fresh.stderr).toContain('SESSION_REVOKED')
    expect(unexpected(ui.problems)).toEqual([])
  })

  it('shows the daemon’s error at the field it names, and creates nothing', async () => {
    const { page } = ui
    await open(page, 'sessions', 'Sessions')
    const before = (await t.client.call('session.list', {}, op)).sessions.length
    const form = page.getByRole('form', { name: 'Create a session' })
    await form.getByRole('checkbox', { name: /ui-other/ }).check()
    const ttl = form.getByLabel('Lifetime', { exact: true })
    await ttl.fill('90d')
    await form.getByRole('button', { name: 'Create session' }).click()
    await form.locator('.field.invalid').first().waitFor()
    const refused = await t.client.call('session.create', { wallets: ['ui-other'], ttlSeconds: '90d' }, op).then(
      () => undefined,
      (err: { code: string; details: { issues?: { path: string; message: string }[] } }) => err,
    )
    expect(refused?.code).toBe('INPUT_INVALID')
    const issue = refused?.details.issues?.find((i) => i.path === 'ttlSeconds')
    expect(issue).toBeDefined()
    const errId = ((await ttl.getAttribute('aria-describedby')) ?? '').split(' ').find((id) => id.endsWith('-err'))
    expect(await page.locator(`[id="${errId}"]`).textContent()).toBe(issue?.message)
    expect((await t.client.call('session.list', {}, op)).sessions.length).toBe(before)
    expect(unexpected(ui.problems, ['/v1/session/create 400'])).toEqual([])
  })
})

/**
 * Every page of the admin console in a browser at 375 px: no console error, page error or CSP violation; no axe-core
 * violation of impact serious or critical (keyboard, labels, contrast, ARIA); nothing wider than the screen. And the
 * administration pages' own acts that need no chain: a notification channel added and tested, the audit chain
 * verified with its result in words, a backup made with the master password asked again.
 */
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { axeViolations, hasChromium, launch, loggedIn, op, open, restOrigin, unexpected, CHROMIUM, type AdminPage } from './pages-harness.js'

const ROUTES = [
  ['', 'Dashboard'],
  ['wallets', 'Wallets'],
  ['transactions', 'Transactions'],
  ['policies', 'Policies'],
  ['policies/new', 'Policies'],
  ['sessions', 'Sessions'],
  ['notifications', 'Notifications'],
  ['audit', 'Audit log'],
  ['settings', 'Settings'],
] as const

const t = useDaemon()
let browser: Browser | undefined
let ui: AdminPage
let hook: Server
let origin = ''
const received: { path: string; body: string }[] = []

beforeAll(async () => {
  if (!hasChromium) return
  hook = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString('utf8')))
    req.on('end', () => {
      received.push({ path: req.url ?? '', body })
      res.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve))
  // Something on every page: a wallet, a policy of each scope, a session.
  await t.client.call('wallet.create', { chain: 'evm', name: 'pages-evm' }, op)
  await t.client.call('policy.add', { global: true, type: 'RATE_LIMIT', rules: { max_requests: 100, per_seconds: '1h' } }, op)
  await t.client.call('policy.add', { wallet: 'pages-evm', type: 'SPENDING_LIMIT', rules: { instant_max: '0.1' } }, op)
  await t.client.call('policy.add', { wallet: 'pages-evm', network: 'evm-local', type: 'TIME_WINDOW', rules: { start: '09:00', end: '17:00', days: ['mon'] } }, op)
  await t.client.call('session.create', { wallets: ['pages-evm'], name: 'pages-agent' }, op)
  origin = await restOrigin(t.client)
  browser = await launch()
  ui = await loggedIn(browser, origin, { width: 375 })
})

afterAll(async () => {
  await browser?.close()
  hook?.close()
})

/** What sticks out past 375 px, outside the scrolling navigation and tables (said when the overflow check fails). */
const WIDE = `[...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > 376 && (e.parentElement?.closest('nav, .table-wrap') ?? null) === null)
  .slice(0, 6).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`

/** Waits until no "Loading…" is left on the page. */
async function settled(page: Page): Promise<void> {
  // A function (a string would be eval'd in the page, which its CSP forbids); the DOM typed by hand.
  await page.waitForFunction(() => !(globalThis as unknown as { document: { body: { textContent: string } } }).document.body.textContent.includes('Loading…'), undefined, { timeout: 10_000 })
}

describe.skipIf(!hasChromium)(`every page in a browser (skipped: no Chromium at ${CHROMIUM})`, () => {
  it('the login page at 375 px, before any session: no console error (the session probe answers null, not 401), no serious or critical axe violation, no horizontal overflow', async () => {
    expect(ui.loginProblems).toEqual([])
    const context = await (browser as Browser).newContext({ viewport: { width: 375, height: 800 } })
    try {
      const page = await context.newPage()
      const problems: string[] = []
      page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())))
      page.on('pageerror', (e) => problems.push(e.message))
      await page.goto(`${origin}/admin/`)
      await page.getByLabel('Master password').waitFor()
      expect(await axeViolations(page)).toEqual([])
      expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375)
      expect(problems).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('every page at 375 px: no console error, no serious or critical axe violation, no horizontal overflow', async () => {
    const { page } = ui
    const found: Record<string, unknown> = {}
    for (const [route, heading] of ROUTES) {
      await open(page, route, heading)
      await settled(page)
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'))
      const violations = await axeViolations(page)
      if (width > 375 || violations.length > 0) found[route || 'dashboard'] = { width, violations, wide: await page.evaluate(WIDE) }
    }
    expect(found).toEqual({})
    expect(unexpected(ui.problems)).toEqual([])
  })

  it('adds a webhook channel and tests it: the loopback receiver gets the POST, the page says it was delivered', async () => {
    const { page } = ui
    await open(page, 'notifications', 'Notifications')
    const form = page.getByRole('form', { name: 'Add a channel' })
    await form.getByLabel('Kind', { exact: true }).selectOption('webhook')
    await form.getByLabel('Name', { exact: true }).fill('ui-hook')
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook/s3cr3t-path`
    await form.getByLabel('URL', { exact: true }).fill(url)
    await form.getByLabel('Signing secret', { exact: true }).fill('whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0')
    await form.getByRole('button', { name: 'Add channel' }).click()
    await page.getByRole('button', { name: 'Send a test to ui-hook' }).click()
    await page.getByRole('status').filter({ hasText: /^Delivered \(HTTP 200\)/ }).waitFor()
    expect(received.some((r) => r.path === '/hook/s3cr3t-path')).toBe(true)
    const [ch] = (await t.client.call('notify.list', {}, op)).channels
    expect(ch).toMatchObject({ kind: 'webhook', name: 'ui-hook' })
    // The signing secret typed is gone from the page once the daemon holds it; the target is shown as the daemon gives it.
    expect(await page.content()).not.toContain('dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0')
    expect(await page.locator('td code').filter({ hasText: ch?.target ?? '?' }).count()).toBe(1)
    expect(unexpected(ui.problems)).toEqual([])
  })

  it('verifies the audit chain and says so in words, as audit.verify does', async () => {
    const { page } = ui
    await open(page, 'audit', 'Audit log')
    await page.getByRole('button', { name: 'Verify the hash chain' }).click()
    const daemon = await t.client.call('audit.verify', {})
    expect(daemon.valid).toBe(true)
    const box = page.locator('.verify[data-valid="true"]')
    await box.waitFor()
    expect(await box.textContent()).toContain(`The audit log is intact. All ${daemon.entries} entries`)
    // The action filter: only policy.add entries, as audit.list gives them.
    await page.getByLabel('Action', { exact: true }).fill('policy.add')
    await page.getByRole('button', { name: 'Filter' }).click()
    const want = (await t.client.call('audit.list', { action: 'policy.add' })).entries.map((e) => String(e.seq))
    await expect.poll(() => page.locator('table.audit tbody tr').count()).toBe(want.length)
    expect(await page.locator('table.audit tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-seq')))).toEqual(want)
    expect(unexpected(ui.problems)).toEqual([])
  })

  it('sets a network’s RPC URL: the page shows it redacted as the daemon does, never the key typed', async () => {
    const { page } = ui
    const KEY = 'a3f9c2e71b4d8e06f5a2c9b7d1e4f803'
    await open(page, 'settings', 'Settings')
    await page.getByRole('button', { name: 'Edit Base Sepolia' }).click()
    const form = page.getByRole('form', { name: 'Edit Base Sepolia' })
    await form.getByLabel('New RPC URL').fill(`https://rpc:pa55w0rd@base-sepolia.example.org/v2/${KEY}`)
    await form.getByLabel('Confirmations').fill('2')
    await form.getByRole('button', { name: 'Save' }).click()
    await form.waitFor({ state: 'detached' })
    const n = (await t.client.call('network.list', {})).networks.find((x) => x.id === 'eip155:84532')
    expect(n).toMatchObject({ confirmations: 2, customized: true })
    expect(n?.rpcUrl).not.toContain(KEY)
    await page.locator('td code').filter({ hasText: n?.rpcUrl ?? '?' }).first().waitFor()
    expect(await page.content()).not.toContain(KEY)
    expect(await page.content()).not.toContain('pa55w0rd')
    // Restoring the defaults through the same form.
    await page.getByRole('button', { name: 'Edit Base Sepolia' }).click()
    await page.getByRole('form', { name: 'Edit Base Sepolia' }).getByRole('button', { name: 'Restore defaults' }).click()
    await page.getByRole('form', { name: 'Edit Base Sepolia' }).waitFor({ state: 'detached' })
    expect((await t.client.call('network.list', {})).networks.find((x) => x.id === 'eip155:84532')).toMatchObject({ customized: false })
    expect(unexpected(ui.problems)).toEqual([])
  })

  it('makes a backup only with the master password asked again', async () => {
    const { page } = ui
    await open(page, 'settings', 'Settings')
    await page.getByRole('button', { name: 'Create a backup' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create an encrypted backup?' })
    await dialog.waitFor()
    expect(await axeViolations(page)).toEqual([])
    await dialog.getByLabel('Master password').fill('not the password')
    await dialog.getByRole('button', { name: 'Create backup' }).click()
    await dialog.getByRole('alert').waitFor()
    expect(await dialog.getByRole('alert').textContent()).toMatch(/AUTH_/)
    await dialog.getByLabel('Master password').fill(PASSWORD)
    await dialog.getByRole('button', { name: 'Create backup' }).click()
    await dialog.waitFor({ state: 'detached' })
    const file = ((await page.locator('.ok-box code').first().textContent()) ?? '').trim()
    expect(existsSync(file)).toBe(true)
    const [entry] = (await t.client.call('audit.list', { action: 'backup.create', limit: 1 })).entries
    expect(entry?.outcome).toBe('ok')
    // The list shows it, as backup.list gives it.
    const listed = (await t.client.call('backup.list', {}, op)).backups
    expect(listed.map((b) => b.file)).toEqual([file])
    await page.locator(`table.backups tr[data-file="${file}"]`).waitFor()
    expect(unexpected(ui.problems, ['/v1/backup/create 401'])).toEqual([])
  })
})

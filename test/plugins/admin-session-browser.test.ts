/**
 * The admin session's protections in a real browser (headless Chromium through playwright-core) against a real
 * daemon with the REST plugin and the built UI: /admin/ loads under its CSP without a console error; a login made by
 * the page's own fetch leaves a cookie the page cannot read and nothing in web storage; a page of another site
 * (evil.example, resolved to loopback by Chromium's host rules) that posts a form or fetches with credentials to the
 * daemon creates nothing.
 *
 * Needs a Chromium binary (Debian's `chromium`, or WAIAAS_CHROMIUM); without one the suite is skipped and says why.
 */
import { existsSync } from 'node:fs'
import nodeHttp from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../src/daemon/plugins/security-headers.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'

const CHROMIUM = process.env.WAIAAS_CHROMIUM ?? '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)

const t = useDaemon()
const op = { password: PASSWORD }
let browser: Browser | undefined
let context: BrowserContext | undefined
let base = ''
let evil: nodeHttp.Server | undefined
let evilBase = ''

const walletNames = async (): Promise<string[]> => (await t.client.call('wallet.list', {}, op)).wallets.map((w) => w.name)

/** The other site's pages: a form that posts itself to the daemon, and a script that fetches with credentials. */
function evilPage(target: string): string {
  return `<!doctype html><html><body>
<form id="f" method="POST" action="${target}/v1/wallet/create" enctype="application/x-www-form-urlencoded">
<input name="chain" value="evm"><input name="name" value="evil-form"></form>
<script>
  if (location.pathname === '/form') document.getElementById('f').submit()
  if (location.pathname === '/fetch') {
    fetch('${target}/v1/wallet/create', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chain: 'evm', name: 'evil-fetch' }) })
      .then((r) => { document.title = 'status ' + r.status }, (e) => { document.title = 'failed ' + e.name })
  }
</script></body></html>`
}

beforeAll(async () => {
  const enabled = await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)
  base = (enabled.listening ?? '').replace(/\/v1$/, '')
  await t.client.call('wallet.create', { chain: 'evm', name: 'main' }, op)
  evil = nodeHttp.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(evilPage(base))
  })
  await new Promise<void>((resolve) => evil?.listen(0, '127.0.0.1', resolve))
  evilBase = `http://evil.example:${(evil.address() as AddressInfo).port}`
  if (!hasChromium) return
  const { chromium } = await import('playwright-core')
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--host-resolver-rules=MAP evil.example 127.0.0.1'] })
  context = await browser.newContext()
})

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => (evil === undefined ? resolve(undefined) : evil.close(resolve)))
})

describe.skipIf(!hasChromium)(`the admin session in Chromium${hasChromium ? '' : ` (skipped: no ${CHROMIUM})`}`, () => {
  it('loads /admin/ under its CSP without console errors; the login cookie is HttpOnly and web storage stays empty', async () => {
    const page = await (context as BrowserContext).newPage()
    const problems: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text())
    })
    page.on('pageerror', (e) => problems.push(e.message))
    const res = await page.goto(`${base}/admin/`)
    expect(res?.status()).toBe(200)
    expect(res?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    await page.waitForLoadState('networkidle')

    const login = await page.evaluate(async (password) => {
      const r = await fetch('/v1/admin/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) })
      return { status: r.status, body: (await r.json()) as { data: { csrfToken: string } } }
    }, PASSWORD)
    expect(login.status).toBe(200)
    const seen = await page.evaluate(() => {
      const w = globalThis as unknown as { document: { cookie: string }; localStorage: { length: number }; sessionStorage: { length: number } }
      return { cookie: w.document.cookie, local: w.localStorage.length, session: w.sessionStorage.length }
    })
    expect(seen).toEqual({ cookie: '', local: 0, session: 0 })
    const cookies = await (context as BrowserContext).cookies(base)
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path, c.secure])).toEqual([['waiaas_admin', true, 'Strict', '/', false]])

    // The page's own calls work with the cookie and the CSRF token held in memory.
    const created = await page.evaluate(async (csrf) => {
      const r = await fetch('/v1/wallet/create', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ chain: 'evm', name: 'from-page' }) })
      return r.status
    }, login.body.data.csrfToken)
    expect(created).toBe(200)
    expect(await walletNames()).toContain('from-page')
    expect(problems).toEqual([])
    await page.close()
  })

  it('creates nothing for a form posted from another site, or a fetch with credentials from it', async () => {
    const page = await (context as BrowserContext).newPage()
    const posted = page.waitForResponse((r) => r.url() === `${base}/v1/wallet/create`)
    await page.goto(`${evilBase}/form`)
    const answer = await posted
    // Chromium sends the other site's Origin, and SameSite=Strict keeps the cookie home: refused either way.
    expect(answer.status()).toBe(403)
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('HTTP_ORIGIN_REFUSED')
    expect((await answer.request().allHeaders()).cookie).toBeUndefined()
    const fetchPage = await (context as BrowserContext).newPage()
    await fetchPage.goto(`${evilBase}/fetch`)
    await fetchPage.waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title !== '', undefined, { timeout: 10_000 })
    // The browser refuses to let the other site read any answer (no CORS), whatever the daemon said.
    expect(await fetchPage.title()).toBe('failed TypeError')
    const names = await walletNames()
    expect(names).not.toContain('evil-form')
    expect(names).not.toContain('evil-fetch')
    await page.close()
    await fetchPage.close()
  })
})

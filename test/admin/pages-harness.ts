/**
 * The admin UI in a real browser for the administration pages' tests: one Chromium per file (playwright-core with
 * Debian's chromium), the REST plugin of the file's in-process daemon serving /admin/, and a page logged in through
 * the login form. Every console error, page error and CSP violation of a page is collected for the test to assert.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { DaemonClient } from '../../src/cli/client.js'
import { PASSWORD } from '../helpers/daemon.js'

export const CHROMIUM = process.env.WAIAAS_CHROMIUM ?? '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)
export const op = { password: PASSWORD }
const AXE = readFileSync(fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url)), 'utf8')

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({ executablePath: CHROMIUM, headless: true })
}

/** Enables the REST plugin on a free port and returns its origin (http://127.0.0.1:PORT). */
export async function restOrigin(client: DaemonClient): Promise<string> {
  const p = await client.call('plugin.enable', { name: 'rest', port: 0 }, op)
  if (p.listening === null) throw new Error(`the REST plugin is not listening: ${JSON.stringify(p.error)}`)
  return new URL(p.listening).origin
}

export interface AdminPage {
  context: BrowserContext
  page: Page
  /** Console errors (with the resource they are about), uncaught page errors and CSP violations since login. */
  problems: string[]
  /** Those seen before the login completed (none expected: the session probe answers null, not 401). */
  loginProblems: string[]
}

/**
 * The problems a test must see none of. Left out, narrowly: the failed-load lines of the calls a test makes fail on
 * purpose (`expected`: path and status, e.g. '/v1/policy/add 400').
 */
export function unexpected(problems: readonly string[], expected: readonly string[] = []): string[] {
  return problems.filter((p) => !expected.some((e) => p.startsWith('console: Failed to load resource') && p.includes(` ${e.split(' ')[1]} `) && p.includes(e.split(' ')[0] ?? '')))
}

/** A new context and page, logged in with the master password through the login form. */
export async function loggedIn(browser: Browser, origin: string, opts: { width?: number; bypassCSP?: boolean } = {}): Promise<AdminPage> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1100, height: 800 }, ...(opts.bypassCSP === true ? { bypassCSP: true } : {}) })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()} @ ${m.location().url}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  const res = await page.goto(`${origin}/admin/`)
  if (res?.status() !== 200) throw new Error(`GET /admin/ answered ${res?.status()}`)
  await page.getByLabel('Master password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('navigation', { name: 'Main' }).waitFor()
  const loginProblems = problems.splice(0)
  return { context, page, problems, loginProblems }
}

/** Goes to a route of the console (`policies/new`) and waits for its heading. */
export async function open(page: Page, route: string, heading: string | RegExp): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(`#/${route}`)}`)
  await page.getByRole('heading', { level: 1, name: heading }).waitFor()
}

/** What the page keeps in web storage and its URL: nothing secret may be there. */
export async function storageAndUrl(page: Page): Promise<string> {
  // Evaluated as text: this file is compiled without the DOM's types.
  return String(await page.evaluate('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, url: location.href, cookie: document.cookie })'))
}

/** axe-core's serious and critical violations on the page as it is. */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Evaluated through the DevTools protocol: the page's CSP (no inline script) stays on for the page's own code.
  await page.evaluate(AXE)
  // Evaluated as text (this file is compiled without the DOM's types).
  const found = await page.evaluate(`axe.run(document).then((r) => r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })))`)
  return found as { id: string; impact: string; nodes: string[] }[]
}

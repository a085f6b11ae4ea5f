/**
 * The admin UI's files at /admin/ and the security headers of every response, against a real daemon with the REST
 * plugin and the build in dist/admin/ (`npm run build` first): the CSP and its companions on the page, an asset, a
 * JSON route and an error; caching; traversal refused; 404 while the REST plugin is disabled; 503 without a build.
 * This daemon has an https rest.publicUrl, so its admin cookie is `__Host-` and Secure.
 */
import fs from 'node:fs'
import nodeHttp from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { request } from 'undici'
import { parseSetCookie } from 'cookie'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_ADMIN_DIR, serveAdminUi } from '../../src/daemon/plugins/admin-static.js'
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../src/daemon/plugins/security-headers.js'
import { ERROR_CODES, toWaiaasError } from '../../src/lib/errors.js'
import { adminHttp, adminLogin } from '../helpers/admin.js'
import { PASSWORD, useDaemon } from '../helpers/daemon.js'
import { http, type HttpResult } from '../helpers/http.js'

const t = useDaemon({ env: { restPublicUrl: 'https://wallet.example' } })
const op = { password: PASSWORD }
let base = ''
let port = 0
const repo = fileURLToPath(new URL('../../', import.meta.url))

/** A request whose target is sent exactly as written (undici and fetch would normalise the dots away). */
function raw(target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = nodeHttp.request({ host: '127.0.0.1', port, path: target, method: 'GET', headers: { host: `127.0.0.1:${port}` } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function expectSecurityHeaders(res: HttpResult, label: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers[name], `${label}: ${name}`).toBe(value)
}

beforeAll(async () => {
  const enabled = await t.client.call('plugin.enable', { name: 'rest', port: 0 }, op)
  base = (enabled.listening ?? '').replace(/\/v1$/, '')
  port = Number(new URL(base).port)
})

describe('the admin UI files', () => {
  it('finds dist/admin from the module in src and in dist alike', async () => {
    expect(path.resolve(DEFAULT_ADMIN_DIR)).toBe(path.join(repo, 'dist', 'admin'))
    const built = (await import(path.join(repo, 'dist/daemon/plugins/admin-static.js'))) as { DEFAULT_ADMIN_DIR: string }
    expect(path.resolve(built.DEFAULT_ADMIN_DIR)).toBe(path.join(repo, 'dist', 'admin'))
    expect(fs.existsSync(path.join(DEFAULT_ADMIN_DIR, 'index.html')), 'run `npm run build` first').toBe(true)
  })

  it('serves index.html at /admin/ (never cached) under a CSP with no inline script, and redirects /admin there', async () => {
    const page = await http(base, '/admin/')
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['cache-control']).toBe('no-store')
    expectSecurityHeaders(page, '/admin/')
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe')
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'")
    expect(page.text).toBe(fs.readFileSync(path.join(DEFAULT_ADMIN_DIR, 'index.html'), 'utf8'))
    // Every script is a file of this server: nothing inline for the CSP to refuse.
    const scripts = [...page.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\/admin\/assets\/[^"]+"/)
      expect(body?.trim()).toBe('')
    }
    expect(page.text).not.toMatch(/<style\b|\sstyle="|\son[a-z]+="/i)

    const redirect = await http(base, '/admin')
    expect([redirect.status, redirect.headers.location]).toEqual([308, '/admin/'])
    const head = await http(base, '/admin/', { method: 'HEAD' })
    expect([head.status, head.text, head.headers['content-length']]).toEqual([200, '', page.headers['content-length']])
  })

  it('serves the assets with their type, cached for a year, under the same headers', async () => {
    const page = await http(base, '/admin/')
    const src = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(page.text)?.[1] as string
    const js = await http(base, src)
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(js.text).toBe(fs.readFileSync(path.join(DEFAULT_ADMIN_DIR, src.replace('/admin/', '')), 'utf8'))
    expectSecurityHeaders(js, src)
    expect(js.headers['content-encoding']).toBeUndefined()
  })

  it('gzips text files for clients that accept it, and only for them', async () => {
    const page = await http(base, '/admin/')
    const src = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(page.text)?.[1] as string
    const file = fs.readFileSync(path.join(DEFAULT_ADMIN_DIR, src.replace('/admin/', '')))
    expect(file.length).toBeGreaterThan(1024)
    const zipped = await request(`${base}${src}`, { headers: { 'accept-encoding': 'br, gzip;q=0.8' } })
    const body = Buffer.from(await zipped.body.arrayBuffer())
    expect([zipped.statusCode, zipped.headers['content-encoding'], zipped.headers.vary]).toEqual([200, 'gzip', 'Accept-Encoding'])
    expect(Number(zipped.headers['content-length'])).toBe(body.length)
    expect(body.length).toBeLessThan(file.length)
    expect(gunzipSync(body).equals(file)).toBe(true)
    const refused = await request(`${base}${src}`, { headers: { 'accept-encoding': 'gzip;q=0, identity' } })
    expect(refused.headers['content-encoding']).toBeUndefined()
    expect(Buffer.from(await refused.body.arrayBuffer()).equals(file)).toBe(true)
  })

  it('answers nothing else under /admin: 404, and 405 for other methods', async () => {
    for (const p of ['/admin/wallets', '/admin/assets/', '/admin/assets/missing.js', '/admin/assets/.hidden', '/admin/dist/index.html', '/admin//index.html']) {
      const r = await http(base, p)
      expect([r.status, r.json?.error?.code], p).toEqual([404, 'HTTP_ROUTE_NOT_FOUND'])
      expectSecurityHeaders(r, p)
    }
    const post = await http(base, '/admin/', { body: {} })
    expect([post.status, post.json.error.code, post.headers.allow]).toEqual([405, 'HTTP_METHOD_NOT_ALLOWED', 'GET, HEAD'])
  })

  it('refuses traversal: dot-dot, encoded dots and slashes, backslashes, NUL', async () => {
    const secret = fs.readFileSync(path.join(repo, 'package.json'), 'utf8').slice(0, 40)
    const targets = [
      '/admin/../package.json',
      '/admin/assets/../../../package.json',
      '/admin/assets/../index.html',
      '/admin/%2e%2e/%2e%2e/package.json',
      '/admin/assets/%2E%2E/%2E%2E/%2E%2E/package.json',
      '/admin/assets/..%2f..%2f..%2fpackage.json',
      '/admin/assets/.%2e/.%2e/.%2e/package.json',
      '/admin/assets/..%5c..%5c..%5cpackage.json',
      '/admin/assets/..\\..\\..\\package.json',
      '/admin/assets/index.js%00.png',
      '/admin/assets/%252e%252e/package.json',
    ]
    for (const target of targets) {
      const r = await raw(target)
      // 400: Node's parser refused the target itself; else the server's JSON 404.
      expect([400, 404], `${target}: ${r.status}`).toContain(r.status)
      expect(r.body, target).not.toContain(secret)
      if (r.status === 404) expect(JSON.parse(r.body).error.code, target).toBe('HTTP_ROUTE_NOT_FOUND')
    }
  })

  it('answers 503 ADMIN_UI_NOT_BUILT with the build command as hint when there is no build, and never follows a link out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-admin-'))
    const server = nodeHttp.createServer((req, res) => {
      serveAdminUi(req, res, new URL(req.url ?? '/', 'http://x').pathname, path.join(dir, 'admin')).catch((err: unknown) => {
        const e = toWaiaasError(err)
        res.writeHead(ERROR_CODES[e.code].http, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ ok: false, error: e.toPayload() }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const local = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    try {
      const missing = await http(local, '/admin/')
      expect([missing.status, missing.json.error.code]).toEqual([503, 'ADMIN_UI_NOT_BUILT'])
      expect(missing.json.error.hint).toContain('`npm run build`')
      fs.mkdirSync(path.join(dir, 'admin', 'assets'), { recursive: true })
      fs.writeFileSync(path.join(dir, 'admin', 'index.html'), '<!doctype html>')
      fs.writeFileSync(path.join(dir, 'admin', 'assets', 'a-1.css'), 'body{}')
      fs.writeFileSync(path.join(dir, 'outside.js'), 'secret')
      fs.symlinkSync(path.join(dir, 'outside.js'), path.join(dir, 'admin', 'assets', 'link.js'))
      expect((await http(local, '/admin/')).status).toBe(200)
      const css = await http(local, '/admin/assets/a-1.css')
      expect([css.status, css.headers['content-type'], css.text]).toEqual([200, 'text/css; charset=utf-8', 'body{}'])
      const link = await http(local, '/admin/assets/link.js')
      expect([link.status, link.json.error.code]).toEqual([404, 'HTTP_ROUTE_NOT_FOUND'])
    } finally {
      await new Promise((resolve) => server.close(resolve))
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('security headers on every response', () => {
  it('are on a JSON route, an error, /health, the OpenAPI document and the admin routes', async () => {
    const wallets = await http(base, '/v1/wallet/list', { password: PASSWORD })
    expect(wallets.status).toBe(200)
    expectSecurityHeaders(wallets, 'wallet.list')
    const error = await http(base, '/v1/nothing/here', { password: PASSWORD })
    expect(error.status).toBe(404)
    expectSecurityHeaders(error, 'error')
    const denied = await http(base, '/v1/wallet/list')
    expect(denied.status).toBe(401)
    expectSecurityHeaders(denied, 'denied')
    expectSecurityHeaders(await http(base, '/health'), '/health')
    expectSecurityHeaders(await http(base, '/v1/openapi.json'), 'openapi')
    expectSecurityHeaders(await http(base, '/v1/admin/session'), 'admin session')
  })
})

describe('the cookie behind https', () => {
  it('is named __Host-waiaas_admin and Secure when rest.publicUrl is https; the plain name is not accepted', async () => {
    const s = await adminLogin(base, PASSWORD)
    const c = parseSetCookie(s.setCookie)
    expect([c.name, c.secure, c.httpOnly, c.sameSite, c.path, c.domain]).toEqual(['__Host-waiaas_admin', true, true, 'strict', '/', undefined])
    expect((await adminHttp(base, '/v1/admin/session', s)).json.data?.csrfToken).toBe(s.csrf)
    const plain = await adminHttp(base, '/v1/admin/session', { cookie: `waiaas_admin=${c.value}`, csrf: s.csrf })
    expect([plain.status, plain.json.data]).toEqual([200, null])
    const route = await adminHttp(base, '/v1/wallet/list', { cookie: `waiaas_admin=${c.value}`, csrf: s.csrf })
    expect(route.status).toBe(401)
  })
})

describe('while the REST plugin is disabled', () => {
  afterAll(async () => {
    await t.client.call('plugin.disable', { name: 'mcp-http' }, op).catch(() => undefined)
  })

  it('answers /admin/ and the admin routes 404 HTTP_ROUTE_NOT_FOUND', async () => {
    await t.client.call('plugin.enable', { name: 'mcp-http' }, op)
    await t.client.call('plugin.disable', { name: 'rest' }, op)
    const status = await t.client.call('plugin.list', {}, op)
    const mcp = status.plugins.find((p) => p.name === 'mcp-http')
    const mcpBase = (mcp?.listening ?? '').replace(/\/mcp$/, '')
    expect(mcpBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    for (const p of ['/admin/', '/admin', '/admin/assets/x.js', '/v1/admin/session']) {
      const r = await http(mcpBase, p)
      expect([r.status, r.json?.error?.code], p).toEqual([404, 'HTTP_ROUTE_NOT_FOUND'])
      expectSecurityHeaders(r, p)
    }
  })
})

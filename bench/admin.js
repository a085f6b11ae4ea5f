#!/usr/bin/env node
// The admin web UI in a real browser (headless Chromium through playwright-core), issue 16's targets:
//   node bench/admin.js [--wallets 10] [--requests 10000] [--transfers 300] [--runs 5] [--save]
// Needs `npm run build` (dist/ and dist/admin/) and Chromium (/usr/bin/chromium or WAIAAS_CHROMIUM).
//
// Set-up: a daemon in its own process (`startDaemon` in a child of this script, as a real daemon is its own process:
// the browser driver's traffic must not share its event loop) on a temporary data directory, the devnet (anvil and the
// litesvm Solana RPC, `devnet.start`), the REST plugin on a free loopback port, `--wallets` wallets (EVM and Solana
// alternately, each funded from the devnet) and `--requests` past requests made through the daemon's own pipeline:
// `--transfers` native transfers that land on the devnet (a few above the instant limit wait for approval), the rest
// policy-checked message signatures spread over the wallets.
// Measured, each `--runs` times in a fresh browser context logged in through the form:
//   - firstPageJs: the JavaScript the first page (/admin/) loads, bytes as sent and gzipped (target ≤ 150 KB gzipped);
//   - dashboardMs: from navigation start to the dashboard showing every wallet's card with its balances and the
//     latest requests (target ≤ 1,000 ms p50);
//   - txPageMs: on the transactions page, from the click on "Older" (the next page, server-side paging) or a filter
//     change to the new rows on screen (target ≤ 200 ms p50), and the server's own time for that tx.list call.
import { fork } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    wallets: { type: 'string', default: '10' },
    requests: { type: 'string', default: '10000' },
    transfers: { type: 'string', default: '300' },
    runs: { type: 'string', default: '5' },
    save: { type: 'boolean', default: false },
    'daemon-child': { type: 'string' },
  },
})
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href
const CHROMIUM = process.env.WAIAAS_CHROMIUM ?? '/usr/bin/chromium'
const PASSWORD = 'correct horse battery staple'
const AUTH = { password: PASSWORD }
const TARGETS = { firstPageJsGzipKB: 150, dashboardMsP50: 1000, txPageMsP50: 200 }

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? null : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}
const r1 = (x) => (x === null ? null : Math.round(x * 10) / 10)

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool(items, n, fn) {
  let i = 0
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++])
  }))
}

async function setUp(client) {
  const W = Number(values.wallets)
  const N = Number(values.requests)
  const T = Math.min(Number(values.transfers), N)
  await client.call('vault.init', { password: PASSWORD })
  await client.call('devnet.start', {}, AUTH)
  await client.call('policy.add', { global: true, type: 'SIGNING_RULES', rules: { allow_personal_sign: true } }, AUTH)
  // Transfers up to 1 coin are instant, above it they wait for the operator (one in 50 asks 2).
  await client.call('policy.add', { global: true, type: 'SPENDING_LIMIT', rules: { instant_max: '1' } }, AUTH)
  const wallets = []
  for (let i = 0; i < W; i++) {
    const chain = i % 2 === 0 ? 'evm' : 'solana'
    const w = await client.call('wallet.create', { chain, name: `bench-${chain}-${i}` }, AUTH)
    await client.call('devnet.fund', { wallet: w.name, amount: '1000' }, AUTH)
    wallets.push({ ...w, network: chain === 'evm' ? 'evm-local' : 'solana-local' })
  }
  const started = Date.now()
  const transfers = Array.from({ length: T }, (_, i) => i)
  await pool(transfers, 8, async (i) => {
    const w = wallets[i % W]
    const to = wallets[(i + 1) % W].chain === w.chain ? wallets[(i + 1) % W].address : wallets[(i + 2) % W].address
    const amount = i % 50 === 49 ? '2' : '0.001'
    await client.call('tx.send', { wallet: w.name, network: w.network, to, amount }, AUTH).catch((err) => {
      if (err?.code !== 'POLICY_DENIED') throw err
    })
  })
  const messages = Array.from({ length: N - T }, (_, i) => i)
  await pool(messages, 32, (i) => client.call('sign.message', { wallet: wallets[i % W].name, message: `bench ${i}` }, AUTH))
  return { wallets, setupS: (Date.now() - started) / 1000 }
}

/** The child: a daemon on `home` until the parent disconnects; sends its paths once it answers. */
async function daemonChild(home) {
  const { startDaemon } = await import(dist('daemon/daemon.js'))
  const daemon = await startDaemon({ home, env: { autoProvision: false, pipelineTickMs: 50 } })
  process.send({ paths: daemon.paths })
  process.on('disconnect', () => void daemon.close().then(() => process.exit(0)))
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'admin', 'index.html'))) throw new Error('dist/admin is missing: run `npm run build` first')
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set WAIAAS_CHROMIUM)`)
  const { connectExisting } = await import(dist('cli/launcher.js'))
  const { chromium } = await import('playwright-core')
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'waiaas-bench-admin-'))
  const child = fork(fileURLToPath(import.meta.url), ['--daemon-child', home], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const paths = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.paths))
    child.once('exit', (code) => reject(new Error(`the daemon exited (${code}) before answering`)))
  })
  const client = await connectExisting(paths)
  let browser
  try {
    const { wallets, setupS } = await setUp(client)
    const plugin = await client.call('plugin.enable', { name: 'rest', port: 0 }, AUTH)
    const base = new URL(plugin.listening).origin
    // Every transfer settled (or waiting for approval) before the browser looks.
    for (;;) {
      const open = await client.call('tx.list', { state: ['pending', 'queued', 'approved', 'submitted'], limit: 1 }, AUTH)
      if (open.requests.length === 0) break
      await new Promise((r) => setTimeout(r, 200))
    }
    // What each call the dashboard makes costs the daemon alone (socket, one at a time, median of 5).
    const serverCalls = {}
    const evmW = wallets.find((w) => w.chain === 'evm')
    const solW = wallets.find((w) => w.chain === 'solana')
    const probes = {
      'wallet.list': {}, 'network.list': {}, 'network.status': {}, 'incoming.status': {}, 'incoming.list': { limit: 10 },
      'devnet.status': {}, 'killswitch.status': {}, 'system.status': {},
      'tx.list latest': ['tx.list', { limit: 10 }],
      'tx.list awaiting_approval': ['tx.list', { state: 'awaiting_approval', limit: 50 }],
      'tx.list queued': ['tx.list', { state: 'queued', limit: 50 }],
      'balance.get evm': ['balance.get', { wallet: evmW.name, network: 'evm-local' }],
      'balance.get solana': ['balance.get', { wallet: solW.name, network: 'solana-local' }],
    }
    for (const [label, spec] of Object.entries(probes)) {
      const [method, params] = Array.isArray(spec) ? spec : [label, spec]
      const ms = []
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now()
        await client.call(method, params, AUTH)
        ms.push(performance.now() - t0)
      }
      serverCalls[label] = r1(pct(ms, 50))
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true })
    const runs = Number(values.runs)
    const js = []
    const dashboard = []
    const txPage = []
    const txServer = []
    const dashboardCalls = []
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
      const page = await context.newPage()
      const scripts = new Map()
      page.on('response', async (res) => {
        if (res.request().resourceType() === 'script') scripts.set(res.url(), await res.body().catch(() => Buffer.alloc(0)))
      })
      await page.goto(`${base}/admin/`)
      await page.getByLabel('Master password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Log in' }).click()
      await page.getByRole('navigation', { name: 'Main' }).waitFor()
      const bodies = [...scripts.values()]
      js.push({ files: bodies.length, bytes: bodies.reduce((s, b) => s + b.length, 0), gzipBytes: bodies.reduce((s, b) => s + gzipSync(b, { level: 9 }).length, 0) })

      // The dashboard from a fresh navigation (a reload: the session cookie restores the login). Every file and API
      // call it loads is timed too (the page's resource timing, on the same clock), so a slow figure says where to look.
      await page.goto(`${base}/admin/#/`)
      // A hash change alone keeps the document: reload, so the page is loaded anew (the cookie restores the session).
      await page.reload()
      // Complete: every wallet's balances shown (EVM: the coin and the devnet's test token; Solana: the coin and its
      // SPL tokens), the latest requests listed, and nothing still loading anywhere on the page.
      const expected = wallets.map((w) => ({ name: w.name, min: 2 }))
      const ready = await page.waitForFunction(
        (expected) => {
          const main = document.querySelector('main')
          if (main === null || /loading/i.test(main.textContent ?? '')) return false
          for (const w of expected) {
            const list = main.querySelector(`ul[aria-label="Balances of ${w.name}"]`)
            if (list === null || list.querySelectorAll('[data-balance]').length < w.min) return false
          }
          return main.querySelectorAll('table tbody tr').length > 0 ? performance.now() : false
        },
        expected,
        { timeout: 30_000, polling: 'raf' },
      )
      dashboard.push(await ready.jsonValue())
      dashboardCalls.push(
        await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0]
          const doc = nav === undefined ? [] : [
            { what: '(navigation: unload of the previous page, then the request)', startMs: 0, ms: Math.round(nav.requestStart) },
            { what: '/admin/ (the document)', startMs: Math.round(nav.requestStart), ms: Math.round(nav.responseEnd - nav.requestStart) },
          ]
          return [...doc, ...performance.getEntriesByType('resource').map((e) => ({ what: new URL(e.name).pathname, startMs: Math.round(e.startTime), ms: Math.round(e.responseEnd - e.startTime) }))]
        }),
      )

      // Transactions: the first page, then older pages and a filter, each timed from the act to its rows.
      await page.goto(`${base}/admin/#/transactions`)
      await page.locator('main table tbody tr').first().waitFor()
      for (let p = 0; p < 3; p++) {
        const firstBefore = await page.locator('main table tbody tr').first().textContent()
        const t0 = await page.evaluate(() => performance.now())
        const served = page.waitForResponse((r) => r.url().endsWith('/v1/tx/list'))
        await page.getByRole('link', { name: 'Older' }).click()
        const res = await served
        await page.waitForFunction((prev) => {
          const first = document.querySelector('main table tbody tr')
          return first !== null && first.textContent !== prev && !document.querySelector('main')?.textContent?.includes('Loading')
        }, firstBefore, { polling: 'raf' })
        txPage.push((await page.evaluate(() => performance.now())) - t0)
        const timing = res.request().timing()
        txServer.push(timing.responseStart - timing.requestStart)
      }
      await context.close()
    }
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, load: os.loadavg().map(r1) },
      command: `node bench/admin.js ${process.argv.slice(2).join(' ')}`.trim(),
      setup: { wallets: wallets.length, requests: Number(values.requests), transfers: Number(values.transfers), setupS: r1(setupS) },
      firstPageJs: { ...js[0], gzipKB: r1(js[0].gzipBytes / 1024) },
      serverCallsMs: serverCalls,
      dashboardMs: { p50: r1(pct(dashboard, 50)), max: r1(Math.max(...dashboard)), runs: dashboard.map(r1) },
      // The last run's API calls during the dashboard's first render, slowest first.
      // The last run's waterfall until the dashboard was complete: each file or call, when it started after the
      // navigation began, and how long it took (ms).
      dashboardCalls: (dashboardCalls.at(-1) ?? []).sort((a, b) => a.startMs - b.startMs).map((c) => `${c.startMs} +${c.ms} ${c.what}`),
      txPageMs: { p50: r1(pct(txPage, 50)), p90: r1(pct(txPage, 90)), n: txPage.length, serverP50: r1(pct(txServer, 50)) },
      targets: TARGETS,
    }
    result.pass = {
      firstPageJs: result.firstPageJs.gzipKB <= TARGETS.firstPageJsGzipKB,
      dashboard: result.dashboardMs.p50 <= TARGETS.dashboardMsP50,
      txPage: result.txPageMs.p50 <= TARGETS.txPageMsP50,
    }
    console.log(JSON.stringify(result, null, 2))
    if (values.save) fs.writeFileSync(path.join(root, 'bench', 'results', 'admin.json'), `${JSON.stringify(result, null, 2)}\n`)
    if (!Object.values(result.pass).every(Boolean)) process.exitCode = 1
  } finally {
    await browser?.close()
    await client.call('devnet.stop', {}, AUTH).catch(() => {})
    client.close()
    await new Promise((resolve) => {
      child.once('exit', resolve)
      child.disconnect()
    })
    fs.rmSync(home, { recursive: true, force: true })
  }
}

;(values['daemon-child'] === undefined ? main() : daemonChild(values['daemon-child'])).catch((err) => {
  console.error(err)
  process.exit(1)
})

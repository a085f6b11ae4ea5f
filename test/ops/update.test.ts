/** `waiaas update --check` against a loopback npm registry: newer, same, not published (404), failing and unreachable. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, runCli, tempHome } from '../helpers/cli.js'
import { ok, runner } from '../helpers/e2e.js'
import { VERSION } from '../../src/lib/version.js'

describe('waiaas update --check', () => {
  const home = tempHome('wup-')
  const cli = runner(home.dataDir)
  let latest = '0.0.0'
  /** What the registry answers: the package's latest version, or an HTTP error status with npm's error body. */
  let status = 200
  const paths: string[] = []
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '')
    res.setHeader('content-type', 'application/json')
    if (status !== 200) {
      res.statusCode = status
      res.end(JSON.stringify({ error: status === 404 ? 'Not found' : 'Internal Server Error' }))
      return
    }
    res.end(JSON.stringify({ name: 'waiaas', version: latest }))
  })
  let registry = ''

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    home.cleanup()
  })

  it('reports a newer version with the install command', async () => {
    const [maj, min, pat] = VERSION.split('.').map(Number) as [number, number, number]
    latest = `${maj}.${min}.${pat + 1}`
    const d = ok(await cli.run(['update', '--check'], { env: { WAIAAS_NPM_REGISTRY: registry } }))
    expect(d).toEqual({ current: VERSION, latest, status: 'available', command: `npm i -g waiaas@${latest}`, registry, reason: null, hint: null })
    expect(paths.at(-1)).toBe('/waiaas/latest')
    // `waiaas update` (the seed article's spelling) checks the same way and installs nothing.
    expect(ok(await cli.run(['update'], { env: { WAIAAS_NPM_REGISTRY: registry } }))).toEqual(d)
  })

  it('is up to date when the registry has this version, also when the registry comes from the config file', async () => {
    latest = VERSION
    ok(await cli.run(['config', 'set', 'update.registry', registry]))
    const d = ok(await cli.run(['update', '--check']))
    expect(d).toMatchObject({ current: VERSION, latest: VERSION, status: 'up-to-date', command: null })
  })

  it('says the package is not published there when the registry answers 404, not that it is unreachable', async () => {
    status = 404
    try {
      const r = await cli.run(['update', '--check'], { env: { WAIAAS_NPM_REGISTRY: registry } })
      expect(ok(r)).toMatchObject({ current: VERSION, latest: null, status: 'not-published', command: null, registry, reason: null })
      expect(r.json?.data.hint).toContain('update.registry')
      expect(paths.at(-1)).toBe('/waiaas/latest')
      // Human output names the registry that has no waiaas; it does not blame the network.
      const human = await runCli(['update'], { env: cliEnv(home.dataDir, { WAIAAS_NPM_REGISTRY: registry }) })
      expect(human.code).toBe(0)
      expect(human.stdout).toContain(`not published on ${registry}`)
      expect(human.stdout).not.toContain('not reachable')

      // Any other error status is a skipped check that says which status it was.
      status = 500
      expect(ok(await cli.run(['update', '--check'], { env: { WAIAAS_NPM_REGISTRY: registry } }))).toMatchObject({ status: 'skipped', reason: 'http-500', latest: null })
    } finally {
      status = 200
    }
  })

  it('is silently skipped (exit 0) when the registry is unreachable', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const r = await cli.run(['update', '--check'], { env: { WAIAAS_NPM_REGISTRY: `http://127.0.0.1:${port}` } })
    expect(ok(r)).toMatchObject({ status: 'skipped', latest: null, reason: 'unreachable' })
    expect(r.stderr).toBe('')
  })
})

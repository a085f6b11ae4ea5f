/** `waiaas update --check` against a loopback npm registry. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/cli.js'
import { ok, runner } from '../helpers/e2e.js'
import { VERSION } from '../../src/lib/version.js'

describe('waiaas update --check', () => {
  const home = tempHome('wup-')
  const cli = runner(home.dataDir)
  let latest = '0.0.0'
  const paths: string[] = []
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '')
    res.setHeader('content-type', 'application/json')
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
    expect(d).toEqual({ current: VERSION, latest, status: 'available', command: `npm i -g waiaas@${latest}` })
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

  it('is silently skipped (exit 0) when the registry is unreachable', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const r = await cli.run(['update', '--check'], { env: { WAIAAS_NPM_REGISTRY: `http://127.0.0.1:${port}` } })
    expect(ok(r)).toMatchObject({ status: 'skipped', latest: null })
    expect(r.stderr).toBe('')
  })
})

/**
 * `waiaas doctor` on a healthy install (with an operator RPC URL holding an API key, served by a loopback JSON-RPC
 * node), on loose permissions, and on a tampered audit log. Its output never holds the password or the API key.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/cli.js'
import { MASTER_PASSWORD, fails, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'

const API_KEY = 'Zk3pQ9rT7vW2xY5aB8cD1eF4gH6jK0mN'

describe('waiaas doctor', () => {
  const home = tempHome('wdr-')
  const cli = runner(home.dataDir)
  const pw = home.file('master.txt', MASTER_PASSWORD)
  const rpcUrlFile = () => home.file('rpc.txt', `${node.url}/v2/${API_KEY}`)
  const node = { url: '', calls: [] as string[] }
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      node.calls.push(req.url ?? '')
      const { id, method } = JSON.parse(body) as { id: number; method: string }
      const result = method === 'eth_getBlockByNumber' ? { number: '0x10', timestamp: `0x${Math.floor(Date.now() / 1000).toString(16)}` } : null
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ jsonrpc: '2.0', id, result }))
    })
  })
  const checks = (d: any): Record<string, any> => Object.fromEntries((d.checks as any[]).map((c) => [c.name, c]))

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    node.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    ok(await cli.run(['init', '--password-file', pw]))
    ok(await cli.run(['wallet', 'create', '--chain', 'evm', '--name', 'main', '--password-file', pw]))
    ok(await cli.run(['network', 'set', 'base', '--rpc-url-file', rpcUrlFile(), '--password-file', pw]))
  })
  afterAll(async () => {
    await stopDaemonSurely(home.dataDir)
    await new Promise<void>((resolve) => server.close(() => resolve()))
    home.cleanup()
  })

  it('a healthy install passes every check (exit 0), contacting only the operator-set RPC URL', async () => {
    const d = ok(await cli.run(['doctor']))
    const c = checks(d)
    expect(d.ok).toBe(true)
    for (const name of ['data dir', 'file permissions', 'config', 'daemon', 'database', 'audit chain', 'rpc base', 'clock base', 'plugin rest', 'plugin mcp-http']) {
      expect(c[name]?.status, name).toBe('ok')
    }
    expect(d.checks.every((x: any) => x.status !== 'fail')).toBe(true)
    expect(node.calls).toContain(`/v2/${API_KEY}`)
  })

  it('the output holds neither the password nor the RPC API key, human or JSON', async () => {
    await cli.run(['doctor'])
    const { runCli, cliEnv } = await import('../helpers/cli.js')
    const human = await runCli(['doctor'], { env: cliEnv(home.dataDir) })
    expect(human.code).toBe(0)
    expect(human.stdout).toContain('rpc base')
    for (const text of [...cli.transcript, human.stdout, human.stderr]) {
      expect(text).not.toContain(MASTER_PASSWORD)
      expect(text).not.toContain(API_KEY)
    }
  })

  it('a 0644 database and a 0755 data directory fail with the chmod fix, without crashing', async () => {
    const db = path.join(home.dataDir, 'waiaas.db')
    fs.chmodSync(db, 0o644)
    let e = fails(await cli.run(['doctor']), 'DOCTOR_CHECKS_FAILED', 1)
    let c = checks(e.details)
    expect(c['file permissions']).toMatchObject({ status: 'fail', fix: `chmod 600 ${db}` })
    expect(c['daemon']?.status).toBe('ok')
    fs.chmodSync(db, 0o600)

    await stopDaemonSurely(home.dataDir)
    fs.chmodSync(home.dataDir, 0o755)
    e = fails(await cli.run(['doctor']), 'DOCTOR_CHECKS_FAILED', 1)
    c = checks(e.details)
    expect(c['data dir']).toMatchObject({ status: 'fail', fix: `chmod 700 ${home.dataDir}` })
    expect(c['daemon']?.status).toBe('fail')
    fs.chmodSync(home.dataDir, 0o700)
    expect(ok(await cli.run(['doctor'])).ok).toBe(true)
  })

  it('a tampered audit log fails naming the broken entry', async () => {
    const side = new Database(path.join(home.dataDir, 'waiaas.db'))
    side.pragma('busy_timeout = 5000')
    side.exec('DROP TRIGGER audit_no_update')
    const row = side.prepare('SELECT seq FROM audit ORDER BY seq LIMIT 1 OFFSET 1').get() as { seq: number }
    side.prepare("UPDATE audit SET details = '{\"forged\":true}' WHERE seq = ?").run(row.seq)
    side.close()
    const e = fails(await cli.run(['doctor']), 'DOCTOR_CHECKS_FAILED', 1)
    const c = checks(e.details)
    expect(c['audit chain']?.status).toBe('fail')
    expect(c['audit chain']?.message).toContain(`entry ${row.seq} `)
    expect(c['database']?.status).toBe('ok')
  })
})

/** The daemon logger: size-based rotation with 0600 files, and redaction at the logger boundary. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/daemon/log.js'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wlog-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('log rotation', () => {
  it('rotates past maxBytes into daemon.log.1 … .N, keeps N files, all 0600', () => {
    const file = path.join(dir, 'daemon.log')
    const log = createLogger(file, { maxBytes: 2000, files: 3 })
    for (let i = 0; i < 200; i++) log.info(`line ${i} ${'x'.repeat(60)}`)
    log.close()
    const names = fs.readdirSync(dir).sort()
    expect(names).toEqual(['daemon.log', 'daemon.log.1', 'daemon.log.2', 'daemon.log.3'])
    for (const n of names) {
      expect(fs.statSync(path.join(dir, n)).mode & 0o777, n).toBe(0o600)
      expect(fs.statSync(path.join(dir, n)).size, n).toBeLessThanOrEqual(2000)
    }
    // The newest line is in daemon.log, older ones in .1, the oldest kept in .3; the first lines were dropped.
    expect(fs.readFileSync(file, 'utf8')).toContain('line 199 ')
    const l1 = fs.readFileSync(`${file}.1`, 'utf8')
    const l3 = fs.readFileSync(`${file}.3`, 'utf8')
    const first = (t: string): number => Number(/line (\d+) /.exec(t)?.[1])
    expect(first(l3)).toBeLessThan(first(l1))
    expect(fs.readFileSync(`${file}.3`, 'utf8')).not.toContain('line 0 ')
  })

  it('does not rotate below maxBytes', () => {
    const file = path.join(dir, 'daemon.log')
    const log = createLogger(file, { maxBytes: 1_000_000, files: 3 })
    for (let i = 0; i < 50; i++) log.info(`line ${i}`)
    log.close()
    expect(fs.readdirSync(dir)).toEqual(['daemon.log'])
  })
})

describe('log redaction', () => {
  it('replaces secret-named fields and strips credentials from URLs in fields and messages', () => {
    const file = path.join(dir, 'daemon.log')
    const log = createLogger(file, { level: 'debug' })
    const apiKey = 'Zk3pQ9rT7vW2xY5aB8cD1eF4gH6jK0mN'
    log.info(`connecting to https://user:pw-in-url@rpc.example.com/v2/${apiKey}`, {
      password: 'pw-field-secret',
      nested: { privateKey: '0xdeadbeefsecret', authorization: 'Bearer tok-secret', mnemonic: 'abandon abandon secret' },
      rpc: `https://mainnet.helius-rpc.com/?api-key=${apiKey}`,
      sessionToken: 'wst_session_secret',
      wallet: 'main',
    })
    log.close()
    const text = fs.readFileSync(file, 'utf8')
    for (const secret of ['pw-in-url', apiKey, 'pw-field-secret', '0xdeadbeefsecret', 'tok-secret', 'abandon abandon', 'wst_session_secret']) {
      expect(text, secret).not.toContain(secret)
    }
    expect(text).toContain('"wallet":"main"')
    expect(text).toContain('rpc.example.com')
    expect(text).toContain('[REDACTED]')
  })
})

describe('log format json', () => {
  it('writes one JSON object per line: time, level, ns, msg, then the fields (a clashing field kept as field.<name>), redacted', () => {
    const file = path.join(dir, 'daemon.log')
    const log = createLogger(file, { level: 'debug', format: 'json' })
    log.child('http').info('listening at https://user:pw-in-url@rpc.example.com/x', { url: 'http://127.0.0.1:3100', msg: 'clash', token: 'tok-secret', n: 3 })
    log.child('pipeline').debug('tick')
    log.close()
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toEqual({ time: expect.any(String), level: 'info', ns: 'waiaas:http', msg: 'listening at https://[REDACTED]@rpc.example.com/x', url: 'http://127.0.0.1:3100', 'field.msg': 'clash', token: '[REDACTED]', n: 3 })
    expect(lines[1]).toEqual({ time: expect.any(String), level: 'debug', ns: 'waiaas:pipeline', msg: 'tick' })
    expect(Date.parse(lines[0]?.time as string)).not.toBeNaN()
  })
})

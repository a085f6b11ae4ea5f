/**
 * WAIAAS_LOG_FORMAT=json: a real daemon process (`daemon start --foreground`, as in a container) writes one JSON
 * object per line, to daemon.log and to stderr alike, with time, level, namespace, message and fields, secrets still
 * redacted. A bad value is refused with an error naming the variable.
 */
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { readEnv } from '../../src/lib/env.js'
import { tempHome } from '../helpers/cli.js'
import { catchErr } from '../helpers/errors.js'
import { spawnDaemon } from '../helpers/daemon-process.js'
import { http } from '../helpers/http.js'

const home = tempHome('waiaas-logfmt-')
afterAll(() => home.cleanup())
const PASSWORD = 'correct horse battery staple'
const WEBHOOK_SECRET = 'logfmt-webhook-SECRET-0123456789'

describe('WAIAAS_LOG_FORMAT', () => {
  it('json: every line the daemon writes, to its log file and to stderr, is one JSON object; secrets stay out', async () => {
    const d = await spawnDaemon(home.dataDir, { env: { WAIAAS_LOG_FORMAT: 'json', WAIAAS_LOG_LEVEL: 'debug' } })
    let base = ''
    try {
      await d.client.call('vault.init', { password: PASSWORD })
      const op = { password: PASSWORD }
      base = ((await d.client.call('plugin.enable', { name: 'rest', port: 0 }, op)).listening ?? '').replace(/\/v1$/, '')
      expect((await http(base, '/v1/wallet/list', { password: 'not-the-password-1234' })).status).toBe(401)
      expect((await http(base, `/v1/wallet/list?rpc=https://u:${PASSWORD}@example.com`, { password: PASSWORD })).status).toBe(400)
      await d.client.call('notify.add', { kind: 'webhook', url: 'http://127.0.0.1:9/hook', secret: WEBHOOK_SECRET }, op)
      d.client.close()
    } finally {
      expect(await d.stop()).toEqual({ code: 0, signal: null })
    }

    const file = fs.readFileSync(d.paths.logFile, 'utf8')
    for (const [where, text] of [['daemon.log', file], ['stderr', d.output()]] as const) {
      const lines = text.trimEnd().split('\n')
      expect(lines.length, where).toBeGreaterThan(5)
      const entries = lines.map((line) => {
        const e = JSON.parse(line) as Record<string, unknown>
        expect(Object.keys(e).slice(0, 4), line).toEqual(['time', 'level', 'ns', 'msg'])
        expect(new Date(e.time as string).toISOString(), line).toBe(e.time)
        expect(['debug', 'info', 'warn', 'error'], line).toContain(e.level)
        expect(e.ns, line).toMatch(/^waiaas(:[\w-]+)*$/)
        return e
      })
      // Fields are top-level keys, typed as they were logged.
      expect(entries.find((e) => e.ns === 'waiaas:http' && e.msg === 'listening'), where).toMatchObject({ level: 'info', url: base })
      expect(entries.find((e) => e.msg === 'request' && e.status === 401), where).toMatchObject({ level: 'debug', verb: 'GET', path: '/v1/wallet/list', code: 'AUTH_BAD_PASSWORD' })
      for (const secret of [PASSWORD, 'not-the-password-1234', WEBHOOK_SECRET]) expect(text, `${where} ${secret}`).not.toContain(secret)
    }
  })

  it('refuses a bad value, naming the variable', () => {
    const e = catchErr(() => readEnv({ WAIAAS_LOG_FORMAT: 'yaml' }))
    expect([e.code, e.details.variable]).toEqual(['INPUT_INVALID', 'WAIAAS_LOG_FORMAT'])
    expect(readEnv({ WAIAAS_LOG_FORMAT: 'json' }).logFormat).toBe('json')
    // readEnv is where every command and the daemon read the environment: a daemon never starts on the bad value.
    expect(e.message).toContain('WAIAAS_LOG_FORMAT')
  })
})

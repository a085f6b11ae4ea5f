/**
 * Notification channels through bin/run.js: secrets come from files (never argv) and never show up in any output;
 * a refused URL is a usage error with its own code; a missing secret without a terminal names the flag; list, test,
 * deliveries and remove work as a script would use them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempHome } from '../helpers/cli.js'
import { fails, MASTER_PASSWORD, ok, runner, stopDaemonSurely } from '../helpers/e2e.js'
import { startReceiver, until, type Receiver } from '../notify/receiver.js'

const SECRET = 'cli-webhook-secret-0123456789abcdef'
const home = tempHome('waiaas-notify-cli-')
const pw = home.file('pw.txt', `${MASTER_PASSWORD}\n`)
const secretFile = home.file('hook.secret', `${SECRET}\n`)
const cli = runner(home.dataDir, { WAIAAS_MASTER_PASSWORD_FILE: pw, WAIAAS_NOTIFY_INTERVAL_MS: '50' })
let r: Receiver

beforeAll(async () => {
  r = await startReceiver()
  ok(await cli.run(['init']))
}, 60_000)

afterAll(async () => {
  await stopDaemonSurely(home.dataDir)
  await r?.close()
  home.cleanup()
})

describe('notify through the CLI', () => {
  it('adds, lists, tests, logs and removes channels; no secret in any output', async () => {
    const slackPath = '/services/T1/B1/cliSLACKsecret42'
    const slackFile = home.file('slack.url', `${r.url}${slackPath}\n`)
    const hook = ok(await cli.run(['notify', 'add', 'webhook', '--url', `${r.url}/hook`, '--secret-file', secretFile, '--events', 'killswitch.on,killswitch.off', '--name', 'ops']))
    expect(hook).toMatchObject({ kind: 'webhook', name: 'ops', events: ['killswitch.on', 'killswitch.off'], secrets: ['secret', 'url'] })
    const slack = ok(await cli.run(['notify', 'add', 'slack', '--url-file', slackFile]))
    expect(slack.target).toBe(`${r.url}/…`)

    ok(await cli.run(['killswitch', 'on']))
    await until('the webhook delivery', () => r.requests.some((q) => q.path === '/hook' && q.body.includes('"killswitch.on"')))
    await until('the Slack delivery', () => r.requests.some((q) => q.path === slackPath))
    ok(await cli.run(['killswitch', 'off']))

    expect(ok(await cli.run(['notify', 'test', 'ops']))).toEqual({ channel: hook.id, ok: true, status: 200, error: null })
    const listed = ok(await cli.run(['notify', 'list']))
    expect(listed.channels.map((c: { id: string }) => c.id)).toEqual([hook.id, slack.id])
    const log = ok(await cli.run(['notify', 'deliveries', '--channel', 'ops']))
    expect(log.deliveries[0]).toMatchObject({ channel: hook.id, event: expect.stringMatching(/^killswitch\./), channelName: 'ops' })

    r.respond = () => ({ status: 500 })
    const failed = fails(await cli.run(['notify', 'test', hook.id]), 'NOTIFY_TEST_FAILED', 1)
    expect(failed.details).toMatchObject({ status: 500 })
    r.respond = () => ({ status: 200 })

    expect(ok(await cli.run(['notify', 'remove', 'ops', '--yes'])).id).toBe(hook.id)
    fails(await cli.run(['notify', 'remove', hook.id, '--yes']), 'NOTIFY_CHANNEL_NOT_FOUND', 7)
    for (const text of cli.transcript) {
      expect(text.includes(SECRET)).toBe(false)
      expect(text.includes('cliSLACKsecret42')).toBe(false)
    }
  })

  it('refuses non-http URLs, secrets on the command line, and a missing secret without a terminal', async () => {
    const refused = fails(await cli.run(['notify', 'add', 'webhook', '--url', 'file:///etc/passwd', '--secret-file', secretFile]), 'NOTIFY_URL_REFUSED', 2)
    expect(refused.details.protocol).toBe('file:')
    fails(await cli.run(['notify', 'add', 'slack', '--url', 'https://hooks.slack.com/services/x']), 'USAGE', 2)
    const noToken = fails(await cli.run(['notify', 'add', 'telegram', '--chat-id', '123']), 'USAGE', 2)
    expect(noToken.details.flag).toBe('--bot-token-file')
    fails(await cli.run(['notify', 'add', 'ntfy', '--server', 'https://ntfy.sh']), 'USAGE', 2)
    fails(await cli.run(['notify', 'add', 'email', '--url', 'x']), 'USAGE', 2)
    fails(await cli.run(['notify', 'add', 'webhook', '--url', 'https://example.com/h', '--secret-file', secretFile, '--events', 'tx.nope']), 'NOTIFY_INVALID', 2)
  })
})

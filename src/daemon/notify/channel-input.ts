/**
 * `notify add` input to a channel: which fields each kind needs, URL checks (http and https only, no credentials in
 * the authority), and the split into non-secret config and secrets to seal. Errors never quote a secret.
 */
import { WaiaasError } from '../../lib/errors.js'
import { isNotifyEvent, NOTIFY_EVENTS, type NotifyEvent, type NotifyKind } from '../../lib/notify-events.js'
import { isLoopbackHost } from '../plugins/settings.js'
import type { ChannelConfig, ChannelSecrets } from './store.js'
import { isStandardSecret, webhookKey } from './channels/webhook.js'

export interface ChannelInput {
  kind: NotifyKind
  name?: string | undefined
  events?: string[] | undefined
  url?: string | undefined
  secret?: string | undefined
  botToken?: string | undefined
  chatId?: string | undefined
  userId?: string | undefined
  server?: string | undefined
  topic?: string | undefined
  token?: string | undefined
}

const invalid = (field: string, message: string): WaiaasError => new WaiaasError('NOTIFY_INVALID', message, { details: { field } })

/**
 * Parses an outgoing URL: http: or https: only, no user:password@. `secret` keeps the URL out of the message (a
 * Slack or Discord webhook URL is itself the credential).
 */
function checkUrl(text: string, field: string, secret: boolean): URL {
  let u: URL
  try {
    u = new URL(text)
  } catch {
    throw new WaiaasError('NOTIFY_URL_REFUSED', secret ? `${field} is not a valid URL` : `${field} is not a valid URL: "${text.slice(0, 200)}"`, { details: { field } })
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new WaiaasError('NOTIFY_URL_REFUSED', `${field} must be an http:// or https:// URL, got a ${u.protocol} URL`, { details: { field, protocol: u.protocol } })
  }
  if (u.username !== '' || u.password !== '') {
    throw new WaiaasError('NOTIFY_URL_REFUSED', `${field} must not carry a user name or password`, {
      details: { field },
      hint: 'Put credentials in the channel\'s secret (webhooks are signed with --secret-file), not in the URL.',
    })
  }
  return u
}

function events(list: string[] | undefined): NotifyEvent[] | null {
  if (list === undefined || list.length === 0 || (list.length === 1 && list[0] === 'all')) return null
  const bad = list.filter((e) => !isNotifyEvent(e))
  if (bad.length > 0) {
    throw new WaiaasError('NOTIFY_INVALID', `Unknown event name${bad.length > 1 ? 's' : ''}: ${bad.join(', ')}`, {
      details: { field: 'events', unknown: bad, known: [...NOTIFY_EVENTS] },
    })
  }
  return [...new Set(list as NotifyEvent[])]
}

const required = (v: string | undefined, field: string, kind: string): string => {
  if (v === undefined || v.trim() === '') throw invalid(field, `A ${kind} channel needs ${field}`)
  return v.trim()
}

/** Fields of other kinds are refused rather than silently dropped (a secret in the wrong field would be lost). */
function onlyFields(p: ChannelInput, allowed: (keyof ChannelInput)[]): void {
  const all: (keyof ChannelInput)[] = ['url', 'secret', 'botToken', 'chatId', 'userId', 'server', 'topic', 'token']
  for (const f of all) if (p[f] !== undefined && !allowed.includes(f)) throw invalid(f, `A ${p.kind} channel does not take ${f}`)
}

/** Validates `p` into what is stored in the clear, what is sealed, the event filter and a default name. */
export function channelFromInput(p: ChannelInput): { name: string; events: NotifyEvent[] | null; config: ChannelConfig; secrets: ChannelSecrets } {
  const evs = events(p.events)
  switch (p.kind) {
    case 'webhook': {
      onlyFields(p, ['url', 'secret'])
      const u = checkUrl(required(p.url, 'url', 'webhook'), 'url', false)
      const secret = required(p.secret, 'secret', 'webhook')
      if (secret.length < 16) throw invalid('secret', 'The webhook signing secret must be at least 16 characters (e.g. `openssl rand -hex 32`)')
      if (isStandardSecret(secret)) {
        // Standard Webhooks' form: whsec_ and the base64 of the key, which the spec wants 24 to 64 bytes long.
        const b64 = secret.slice('whsec_'.length)
        const bytes = webhookKey(secret).length
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0 || bytes < 24 || bytes > 64) {
          throw invalid('secret', 'A whsec_ secret is whsec_ and the base64 of 24 to 64 random bytes (e.g. `echo "whsec_$(openssl rand -base64 32)"`)')
        }
      }
      const display = `${u.origin}${u.pathname}${u.search === '' ? '' : '?…'}`
      return { name: p.name ?? u.host, events: evs, config: { display }, secrets: { url: u.href, secret } }
    }
    case 'slack':
    case 'discord': {
      onlyFields(p, ['url'])
      const u = checkUrl(required(p.url, 'url', p.kind), 'url', true)
      if (u.protocol !== 'https:' && !isLoopbackHost(u.hostname)) throw new WaiaasError('NOTIFY_URL_REFUSED', `A ${p.kind} webhook URL must be https://`, { details: { field: 'url' } })
      return { name: p.name ?? p.kind, events: evs, config: { display: `${u.origin}/…` }, secrets: { url: u.href } }
    }
    case 'telegram': {
      onlyFields(p, ['botToken', 'chatId', 'userId'])
      const botToken = required(p.botToken, 'botToken', 'telegram')
      if (!/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/.test(botToken)) throw invalid('botToken', 'The bot token does not look like one from @BotFather (digits, a colon, then letters)')
      const chatId = required(p.chatId, 'chatId', 'telegram')
      if (!/^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/.test(chatId)) throw invalid('chatId', `chatId must be a numeric chat id or @channelname, got "${chatId.slice(0, 40)}"`)
      let approverUserId: string | null = null
      if (p.userId !== undefined) {
        approverUserId = p.userId.trim()
        if (!/^\d{1,20}$/.test(approverUserId)) throw invalid('userId', `The approver's user id must be a number, got "${approverUserId.slice(0, 40)}"`)
        if (!/^-?\d+$/.test(chatId)) throw invalid('chatId', 'Approval buttons need the numeric chat id (not an @channelname), to check where a press came from')
      }
      return { name: p.name ?? `telegram ${chatId}`, events: evs, config: { chatId, approverUserId }, secrets: { botToken } }
    }
    case 'ntfy': {
      onlyFields(p, ['server', 'topic', 'token'])
      const u = checkUrl(required(p.server, 'server', 'ntfy'), 'server', false)
      const topic = required(p.topic, 'topic', 'ntfy')
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(topic)) throw invalid('topic', 'An ntfy topic is 1-64 letters, digits, _ or -')
      const server = `${u.origin}${u.pathname.replace(/\/+$/, '')}`
      const secrets: ChannelSecrets = {}
      if (p.token !== undefined) secrets.token = required(p.token, 'token', 'ntfy')
      return { name: p.name ?? `ntfy ${topic}`, events: evs, config: { server, topic, display: `${server}/${topic}` }, secrets }
    }
  }
}

/** ntfy: POST of the text to `{server}/{topic}`, with Title, Priority and Tags headers; an optional access token. */
import { describe, priorityOf, type EventPayload } from '../events.js'
import type { Outgoing } from '../http.js'
import type { ChannelConfig, ChannelSecrets } from '../store.js'

/** HTTP header values must be Latin-1; titles are ours and ASCII, but be safe. */
const ascii = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?')

export function buildNtfy(config: ChannelConfig, secrets: ChannelSecrets, payload: EventPayload): Outgoing {
  const { title, text } = describe(payload)
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    'user-agent': 'waiaas-notify/1',
    title: ascii(title),
    priority: priorityOf(payload.event),
    tags: ascii(payload.event.replace(/\./g, '_')),
  }
  if (secrets.token !== undefined) headers.authorization = `Bearer ${secrets.token}`
  return { url: `${(config.server ?? '').replace(/\/+$/, '')}/${encodeURIComponent(config.topic ?? '')}`, headers, body: text }
}

/**
 * Discord incoming webhooks: `{content}` (at most 2000 characters), with mentions disabled so no text in an event can
 * ping @everyone. The webhook URL is the credential and is stored sealed.
 */
import { describe, type EventPayload } from '../events.js'
import type { Outgoing } from '../http.js'
import type { ChannelSecrets } from '../store.js'

export function buildDiscord(secrets: ChannelSecrets, payload: EventPayload): Outgoing {
  return {
    url: secrets.url ?? '',
    headers: { 'content-type': 'application/json', 'user-agent': 'waiaas-notify/1' },
    body: JSON.stringify({ content: describe(payload).text.slice(0, 2000), allowed_mentions: { parse: [] } }),
  }
}

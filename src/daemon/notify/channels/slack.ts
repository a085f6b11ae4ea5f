/** Slack incoming webhooks: `{text}`; the webhook URL is the credential and is stored sealed. */
import { describe, type EventPayload } from '../events.js'
import type { Outgoing } from '../http.js'
import type { ChannelSecrets } from '../store.js'

export function buildSlack(secrets: ChannelSecrets, payload: EventPayload): Outgoing {
  return {
    url: secrets.url ?? '',
    headers: { 'content-type': 'application/json', 'user-agent': 'waiaas-notify/1' },
    body: JSON.stringify({ text: describe(payload).text }),
  }
}

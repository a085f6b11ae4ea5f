/**
 * Signed webhooks: POST of the event as JSON. The receiver checks
 * `X-Waiaas-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Waiaas-Timestamp>.<raw body>")>` and that the timestamp
 * is recent, which proves the sender knew the secret and stops old deliveries being replayed.
 */
import { createHmac } from 'node:crypto'
import type { EventPayload } from '../events.js'
import type { Outgoing } from '../http.js'
import type { ChannelSecrets } from '../store.js'

/** The signature header's value for `body` sent at unix time `timestamp` (seconds). */
function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`
}

export function buildWebhook(secrets: ChannelSecrets, payload: EventPayload, now: number = Date.now()): Outgoing {
  const body = JSON.stringify(payload)
  const timestamp = Math.floor(now / 1000)
  return {
    url: secrets.url ?? '',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'waiaas-notify/1',
      'x-waiaas-event': payload.event,
      'x-waiaas-event-id': payload.id,
      'x-waiaas-timestamp': String(timestamp),
      'x-waiaas-signature': webhookSignature(secrets.secret ?? '', timestamp, body),
    },
    body,
  }
}

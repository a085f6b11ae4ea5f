/**
 * Signed webhooks: POST of the event as JSON, signed per the Standard Webhooks spec (standardwebhooks.com) so a
 * receiver verifies with its published libraries: `webhook-id` (the event id, the same on every retry),
 * `webhook-timestamp` (unix seconds of this attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 over
 * "<id>.<timestamp>.<raw body>">`. The key is the channel's secret: a `whsec_<base64>` secret is used as the spec
 * reads it (the decoded bytes); any other secret's UTF-8 bytes are the key, so its receiver's verifier secret is
 * `whsec_` followed by the base64 of the secret.
 *
 * Deprecated, kept for one version: `X-Waiaas-Signature: sha256=<hex HMAC-SHA256(secret as text,
 * "<X-Waiaas-Timestamp>.<raw body>")>` with `X-Waiaas-Timestamp`.
 */
import { createHmac } from 'node:crypto'
import type { EventPayload } from '../events.js'
import type { Outgoing } from '../http.js'
import type { ChannelSecrets } from '../store.js'

const WHSEC = 'whsec_'

/** Whether a secret is in the Standard Webhooks form: `whsec_` and the base64 of the key. */
export function isStandardSecret(secret: string): boolean {
  return secret.startsWith(WHSEC)
}

/** The HMAC key of a channel secret: the decoded bytes of a `whsec_<base64>` secret, else the secret's UTF-8 bytes. */
export function webhookKey(secret: string): Buffer {
  return isStandardSecret(secret) ? Buffer.from(secret.slice(WHSEC.length), 'base64') : Buffer.from(secret, 'utf8')
}

/** The `webhook-signature` header's value for message `id` with `body`, sent at unix time `timestamp` (seconds). */
function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', webhookKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')}`
}

/** The deprecated `X-Waiaas-Signature` value: keyed by the secret as text, over "<timestamp>.<body>". */
function legacySignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`
}

export function buildWebhook(secrets: ChannelSecrets, payload: EventPayload, now: number = Date.now()): Outgoing {
  const body = JSON.stringify(payload)
  const timestamp = Math.floor(now / 1000)
  const secret = secrets.secret ?? ''
  return {
    url: secrets.url ?? '',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'waiaas-notify/1',
      'webhook-id': payload.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': standardSignature(secret, payload.id, timestamp, body),
      'x-waiaas-event': payload.event,
      'x-waiaas-event-id': payload.id,
      'x-waiaas-timestamp': String(timestamp),
      'x-waiaas-signature': legacySignature(secret, timestamp, body),
    },
    body,
  }
}

/** Notification channels and their delivery log. */
import { z } from 'zod'
import { NOTIFY_KINDS } from '../notify-events.js'
import { def, isoTime, type MethodDef } from './common.js'

/** A notification channel as shown: where it goes with secrets redacted, which secrets it holds (never their values). */
export const notifyChannel = z.object({
  id: z.string(),
  kind: z.enum(NOTIFY_KINDS),
  name: z.string(),
  /** The event filter; null: every event. */
  events: z.array(z.string()).nullable(),
  /** Where it delivers, secret parts replaced by "…" (a Slack or Discord webhook URL is itself a secret). */
  target: z.string(),
  chatId: z.string().nullable(),
  /** Telegram: the user whose button presses approve or reject; null: no buttons. */
  approverUserId: z.string().nullable(),
  /** Names of the secrets stored sealed for it, e.g. ["url", "secret"]; their values are never returned. */
  secrets: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: isoTime,
  queued: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  /** Consecutive failed attempts of the channel, and when it is tried again (null: not backing off). */
  failures: z.number().int(),
  retryAt: isoTime.nullable(),
})
export const notifyDelivery = z.object({
  id: z.number().int(),
  channel: z.string(),
  channelName: z.string().nullable(),
  eventId: z.string(),
  event: z.string(),
  state: z.enum(['queued', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: isoTime.nullable(),
  createdAt: isoTime,
  deliveredAt: isoTime.nullable(),
})
export const notifySecret = z.string().min(1).max(4096)

/** The `notify.*` methods. */
export const notifyMethods = {
  'notify.add': def({
    summary:
      'Add a notification channel: webhook (url, secret: signed per Standard Webhooks), telegram (botToken, chatId, userId: the approver, for Approve/Reject buttons), ' +
      'slack or discord (url: the incoming-webhook URL), ntfy (server, topic, token?). events filters what it receives (default all). Secrets are stored sealed and never returned.',
    role: 'operator',
    input: z.object({
      kind: z.enum(NOTIFY_KINDS),
      name: z.string().min(1).max(64).optional(),
      events: z.array(z.string().max(64)).max(32).optional(),
      url: notifySecret.optional(),
      secret: notifySecret.optional(),
      botToken: notifySecret.optional(),
      chatId: z.string().min(1).max(64).optional(),
      userId: z.string().min(1).max(32).optional(),
      server: z.string().min(1).max(2048).optional(),
      topic: z.string().min(1).max(128).optional(),
      token: notifySecret.optional(),
    }),
    output: notifyChannel,
    errors: ['NOTIFY_INVALID', 'NOTIFY_URL_REFUSED', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'notify.list': def({
    summary: 'List notification channels, with their secrets redacted, filters and delivery counts.',
    role: 'operator',
    input: z.object({}),
    output: z.object({ channels: z.array(notifyChannel) }),
    errors: [],
    transports: ['socket', 'rest'],
    readOnly: true,
  }),
  'notify.remove': def({
    summary: 'Remove a notification channel (by id or name); what is still queued for it is dropped, the delivery log stays.',
    role: 'operator',
    input: z.object({ id: z.string().min(1).max(64) }),
    output: notifyChannel,
    errors: ['NOTIFY_CHANNEL_NOT_FOUND', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'notify.test': def({
    summary: 'Send a test notification to one channel now and report what its receiver answered (HTTP status).',
    role: 'operator',
    input: z.object({ id: z.string().min(1).max(64) }),
    output: z.object({ channel: z.string(), ok: z.boolean(), status: z.number().int().nullable(), error: z.string().nullable() }),
    errors: ['NOTIFY_CHANNEL_NOT_FOUND'],
    transports: ['socket', 'rest'],
  }),
  'notify.deliveries': def({
    summary: 'The delivery log, newest first: each event sent to each channel, its attempts, last status and error (secret-free).',
    role: 'operator',
    input: z.object({ limit: z.number().int().min(1).max(1000).default(50), channel: z.string().min(1).max(64).optional() }),
    output: z.object({ deliveries: z.array(notifyDelivery) }),
    errors: ['NOTIFY_CHANNEL_NOT_FOUND'],
    transports: ['socket', 'rest'],
    readOnly: true,
  }),
} as const satisfies Record<`notify.${string}`, MethodDef>

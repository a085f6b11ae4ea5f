/** One request per kind: what a channel sends for an event. */
import type { EventPayload } from '../events.js'
import type { Outgoing } from '../http.js'
import type { ChannelRow, ChannelSecrets } from '../store.js'
import { buildDiscord } from './discord.js'
import { buildNtfy } from './ntfy.js'
import { buildSlack } from './slack.js'
import { buildTelegram, type ApprovalButtons } from './telegram.js'
import { buildWebhook } from './webhook.js'

export function buildRequest(
  ch: Pick<ChannelRow, 'kind' | 'config'>,
  secrets: ChannelSecrets,
  payload: EventPayload,
  opts: { telegramApi: string; buttons?: ApprovalButtons | undefined },
): Outgoing {
  switch (ch.kind) {
    case 'webhook':
      return buildWebhook(secrets, payload)
    case 'slack':
      return buildSlack(secrets, payload)
    case 'discord':
      return buildDiscord(secrets, payload)
    case 'ntfy':
      return buildNtfy(ch.config, secrets, payload)
    case 'telegram':
      return buildTelegram(opts.telegramApi, ch.config, secrets, payload, opts.buttons)
  }
}

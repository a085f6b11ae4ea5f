/**
 * Telegram Bot API: sendMessage to the configured chat; an approval request also carries Approve / Reject buttons whose
 * callback_data are single-use tokens (see ../telegram-approvals.ts). Also the small calls the approval poller makes.
 */
import { describe, type EventPayload } from '../events.js'
import type { Outgoing } from '../http.js'
import type { ChannelConfig, ChannelSecrets } from '../store.js'

/** A Bot API method call. The URL holds the bot token: never log or keep it. */
export function telegramCall(apiBase: string, secrets: ChannelSecrets, method: string, params: Record<string, unknown>): Outgoing {
  return {
    url: `${apiBase}/bot${secrets.botToken ?? ''}/${method}`,
    headers: { 'content-type': 'application/json', 'user-agent': 'waiaas-notify/1' },
    body: JSON.stringify(params),
  }
}

export interface ApprovalButtons {
  approve: string
  reject: string
}

export function buildTelegram(apiBase: string, config: ChannelConfig, secrets: ChannelSecrets, payload: EventPayload, buttons?: ApprovalButtons): Outgoing {
  const params: Record<string, unknown> = { chat_id: config.chatId, text: describe(payload).text.slice(0, 4000), link_preview_options: { is_disabled: true } }
  if (buttons !== undefined) {
    params.reply_markup = {
      inline_keyboard: [
        [
          { text: 'Approve', callback_data: buttons.approve },
          { text: 'Reject', callback_data: buttons.reject },
        ],
      ],
    }
  }
  return telegramCall(apiBase, secrets, 'sendMessage', params)
}

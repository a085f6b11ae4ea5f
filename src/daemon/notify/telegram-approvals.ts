/**
 * Approval out of band through Telegram. An approval request sent to a Telegram channel that names an approver
 * carries Approve / Reject buttons whose callback_data are random single-use tokens, stored with the request id, its
 * content hash and the request's expiry (outbox.ts). This poller long-polls getUpdates (offset persisted per bot)
 * while such a channel exists and the daemon is unlocked, and accepts a button press only when:
 * it comes from the channel's chat AND from the approver user, the token is known, unused and unexpired, and the
 * request is still awaiting approval with the same content hash. The token (and its sibling) is marked used before
 * the pipeline acts, so a replayed callback is refused. Every refusal is answered and audited as denied.
 * The agent has no way to reach Telegram, so it cannot press the button itself.
 */
import { createHash } from 'node:crypto'
import type { LazyAgent } from '../http-agent.js'
import { WaiaasError } from '../../lib/errors.js'
import { appendAudit } from '../store/audit.js'
import { getMeta, setMeta } from '../store/meta.js'
import { findRequest } from '../store/requests.js'
import { findGrant, useGrant } from '../store/telegram-approvals.js'
import { telegramCall } from './channels/telegram.js'
import { post } from './http.js'
import type { NotifierEnv } from './notifier.js'
import { listChannels, openSecrets, scrub, secretStrings, type ChannelRow, type ChannelSecrets } from './store.js'

/** Long-poll wait asked of Telegram, seconds. */
const POLL_SECONDS = 20
const MAX_ERROR_BACKOFF_MS = 60_000

interface CallbackQuery {
  id?: unknown
  data?: unknown
  from?: { id?: unknown; username?: unknown; first_name?: unknown }
  message?: { message_id?: unknown; text?: unknown; chat?: { id?: unknown } }
}

interface Update {
  update_id?: unknown
  callback_query?: CallbackQuery
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const t = setTimeout(done, ms)
    function done(): void {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })

export class TelegramApprovals {
  private loop: Promise<void> | undefined
  private errors = 0

  constructor(
    private readonly env: NotifierEnv,
    private readonly opts: { telegramApi: string; intervalMs: number; agent: LazyAgent; signal: AbortSignal; now: () => number },
  ) {}

  start(): void {
    this.loop ??= this.run().catch((err: unknown) => {
      this.env.log.error('telegram approval poller stopped', { error: err instanceof Error ? err.message : String(err) })
    })
  }

  /** Resolves when the loop has ended (the notifier aborts the shared signal first). */
  async stop(): Promise<void> {
    await this.loop
  }

  private get stopped(): boolean {
    return this.opts.signal.aborted
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let polled = false
      try {
        polled = await this.pollAll()
        this.errors = 0
      } catch (err) {
        this.errors += 1
        this.env.log.warn('telegram getUpdates failed', { error: err instanceof Error ? err.message : String(err), failures: this.errors })
      }
      const wait = this.errors > 0 ? Math.min(1000 * 2 ** (this.errors - 1), MAX_ERROR_BACKOFF_MS) : polled ? this.opts.intervalMs : Math.max(this.opts.intervalMs, 250)
      await sleep(wait, this.opts.signal)
    }
  }

  /** One getUpdates per bot that has an approver channel. False when there was nothing to poll. */
  private async pollAll(): Promise<boolean> {
    if (this.env.keyring.locked) return false
    const approverChannels = listChannels(this.env.db).filter((c) => c.enabled && c.kind === 'telegram' && typeof c.config.approverUserId === 'string')
    if (approverChannels.length === 0) return false
    const key = this.env.keyring.heldDataKey()
    // Channels sharing a bot share its update stream: poll each bot once.
    const bots = new Map<string, { secrets: ChannelSecrets; channels: ChannelRow[] }>()
    for (const ch of approverChannels) {
      const secrets = openSecrets(key, ch)
      const id = createHash('sha256').update(secrets.botToken ?? '').digest('hex').slice(0, 16)
      const bot = bots.get(id) ?? { secrets, channels: [] }
      bot.channels.push(ch)
      bots.set(id, bot)
    }
    for (const [botId, bot] of bots) {
      if (this.stopped) break
      await this.pollBot(botId, bot.secrets, bot.channels)
    }
    return true
  }

  private async pollBot(botId: string, secrets: ChannelSecrets, channels: ChannelRow[]): Promise<void> {
    const db = this.env.db
    const offsetKey = `notify_telegram_offset:${botId}`
    const offset = getMeta<number>(db, offsetKey) ?? 0
    const params = { offset, timeout: POLL_SECONDS, allowed_updates: ['callback_query'] }
    const res = await post(telegramCall(this.opts.telegramApi, secrets, 'getUpdates', params), { agent: this.opts.agent, timeoutMs: (POLL_SECONDS + 15) * 1000, signal: this.opts.signal })
    if (this.stopped) return
    if (res.error !== null) throw new Error(`getUpdates: ${scrub(res.error, secretStrings(secrets))}`)
    let updates: Update[]
    try {
      const body = JSON.parse(res.body) as { ok?: unknown; result?: unknown }
      updates = body.ok === true && Array.isArray(body.result) ? (body.result as Update[]) : []
    } catch {
      throw new Error('getUpdates: the answer is not JSON')
    }
    for (const u of updates) {
      if (typeof u.update_id !== 'number' || this.stopped) continue
      // The offset moves first: a crash after it loses at most this press (the button still works when pressed again).
      setMeta(db, offsetKey, Math.max(getMeta<number>(db, offsetKey) ?? 0, u.update_id + 1))
      if (u.callback_query !== undefined) await this.onCallback(u.callback_query, secrets, channels)
    }
  }

  private async onCallback(cq: CallbackQuery, secrets: ChannelSecrets, channels: ChannelRow[]): Promise<void> {
    const db = this.env.db
    const chatId = typeof cq.message?.chat?.id === 'number' || typeof cq.message?.chat?.id === 'string' ? String(cq.message.chat.id) : ''
    const userId = typeof cq.from?.id === 'number' || typeof cq.from?.id === 'string' ? String(cq.from.id) : ''
    const token = typeof cq.data === 'string' ? cq.data.slice(0, 64) : ''
    const grant = findGrant(db, token)
    const ch = grant === undefined ? undefined : channels.find((c) => c.id === grant.channel_id)
    const actor = `telegram:${userId || 'unknown'}`

    const refuse = async (reason: string): Promise<void> => {
      appendAudit(db, {
        actor,
        action: 'notify.telegram-decision',
        target: grant?.request_id ?? null,
        outcome: 'denied',
        details: { reason, channel: ch?.id ?? null, chatId: chatId || null, decision: grant?.decision ?? null },
      })
      this.env.log.warn('telegram approval refused', { reason, channel: ch?.id ?? null, chatId, userId })
      await this.answer(secrets, cq, `Refused: ${reason}`)
    }

    if (grant === undefined || ch === undefined) return refuse('this button is unknown or no longer valid')
    if (chatId !== ch.config.chatId) return refuse('this chat may not approve requests')
    if (userId !== ch.config.approverUserId) return refuse('you are not the approver of this channel')
    if (grant.used_at !== null) return refuse('this button was already used')
    if (this.opts.now() >= grant.expires_at) return refuse('the approval request has expired')
    const row = findRequest(db, grant.request_id)
    if (row === undefined) return refuse('the request no longer exists')
    if (row.state !== 'awaiting_approval') return refuse(`the request is ${row.state}, not awaiting approval`)
    if (row.contentHash !== grant.content_hash) return refuse('the request is not the one this message showed')

    // Use the token, and its sibling, before acting: a replay finds it used.
    const used = useGrant(db, grant, this.opts.now())
    if (!used) return refuse('this button was already used')

    let outcome: string
    try {
      if (grant.decision === 'approve') {
        const after = await this.env.pipeline.approve(grant.request_id, actor)
        outcome = `Approved by ${who(cq)} (now ${after.state})`
      } else {
        this.env.pipeline.reject(grant.request_id, actor, 'rejected in Telegram')
        outcome = `Rejected by ${who(cq)}`
      }
    } catch (err) {
      const code = err instanceof WaiaasError ? err.code : 'INTERNAL'
      this.env.log.warn('telegram approval could not be applied', { request: grant.request_id, code })
      // The decision may have been recorded before signing failed (e.g. a node error): say what the request is now.
      const now = findRequest(db, grant.request_id)
      await this.answer(secrets, cq, `Not done (${code}); the request is ${now?.state ?? 'gone'}`)
      return
    }
    this.env.log.info('telegram approval applied', { request: grant.request_id, decision: grant.decision, channel: ch.id })
    await this.answer(secrets, cq, outcome)
    await this.edit(secrets, cq, outcome)
  }

  private async answer(secrets: ChannelSecrets, cq: CallbackQuery, text: string): Promise<void> {
    if (cq.id === undefined) return
    await post(telegramCall(this.opts.telegramApi, secrets, 'answerCallbackQuery', { callback_query_id: cq.id, text: text.slice(0, 190), show_alert: true }), {
      agent: this.opts.agent,
      timeoutMs: 10_000,
      signal: this.opts.signal,
    })
  }

  /** Replaces the message's buttons with the outcome, so nobody presses a spent button. */
  private async edit(secrets: ChannelSecrets, cq: CallbackQuery, outcome: string): Promise<void> {
    const m = cq.message
    if (m?.message_id === undefined || m.chat?.id === undefined) return
    const text = `${typeof m.text === 'string' ? m.text : ''}\n\n${outcome}`.slice(0, 4000)
    await post(telegramCall(this.opts.telegramApi, secrets, 'editMessageText', { chat_id: m.chat.id, message_id: m.message_id, text }), {
      agent: this.opts.agent,
      timeoutMs: 10_000,
      signal: this.opts.signal,
    })
  }
}

function who(cq: CallbackQuery): string {
  const u = cq.from
  if (typeof u?.username === 'string') return `@${u.username}`
  if (typeof u?.first_name === 'string') return u.first_name
  return String(u?.id ?? 'the approver')
}

/**
 * Notification channels: add (secrets sealed under the data key), list (secrets redacted), remove, test, and the
 * delivery log. Secrets never appear in an answer, an error, the audit log or the daemon log.
 */
import type { NotifyChannelView, NotifyDeliveryView } from '../../lib/contract/index.js'
import type { Handler } from '../context.js'
import { requireGrant } from '../grant.js'
import { channelFromInput, type ChannelInput } from '../notify/channel-input.js'
import { auditHeadSeq, listDeliveries, queueCounts } from '../notify/outbox.js'
import { deleteChannel, getChannel, insertChannel, listChannels, newChannelId, sealSecrets, type ChannelRow } from '../notify/store.js'
import { appendAudit } from '../store/audit.js'
import { inTransaction } from '../store/statements.js'

const iso = (ms: number): string => new Date(ms).toISOString()

function toView(ch: ChannelRow, counts: { queued: number; delivered: number; failed: number } | undefined, now = Date.now()): NotifyChannelView {
  const c = ch.config
  const target = ch.kind === 'telegram' ? `chat ${c.chatId ?? '?'}` : (c.display ?? '')
  return {
    id: ch.id,
    kind: ch.kind,
    name: ch.name,
    events: ch.events,
    target,
    chatId: c.chatId ?? null,
    approverUserId: c.approverUserId ?? null,
    secrets: c.secretFields ?? [],
    enabled: ch.enabled,
    createdAt: iso(ch.createdAt),
    queued: counts?.queued ?? 0,
    delivered: counts?.delivered ?? 0,
    failed: counts?.failed ?? 0,
    failures: ch.failures,
    retryAt: ch.backoffUntil > now ? iso(ch.backoffUntil) : null,
  }
}

/** What the audit log records about a channel: never its secrets. */
const auditView = (v: NotifyChannelView): Record<string, unknown> => ({ kind: v.kind, name: v.name, events: v.events, target: v.target, approverUserId: v.approverUserId })

export const add: Handler<'notify.add'> = (ctx, p, caller) => {
  const grant = requireGrant(caller)
  const input: ChannelInput = { ...p }
  const { name, events, config, secrets } = channelFromInput(input)
  config.secretFields = Object.keys(secrets).sort()
  const id = newChannelId()
  const now = Date.now()
  const view = inTransaction(ctx.db, () => {
    const row: Omit<ChannelRow, 'failures' | 'backoffUntil'> = {
      id,
      kind: p.kind,
      name,
      events,
      config,
      sealed: sealSecrets(grant.dataKey, id, secrets),
      enabled: true,
      // It receives what happens from now on, not the backlog.
      afterSeq: auditHeadSeq(ctx.db),
      createdAt: now,
    }
    insertChannel(ctx.db, row)
    const v = toView({ ...row, failures: 0, backoffUntil: 0 }, undefined, now)
    appendAudit(ctx.db, { actor: caller.actor, action: 'notify.add', target: id, outcome: 'ok', details: auditView(v) })
    return v
  })
  ctx.log.child('notify').info('channel added', { channel: id, kind: p.kind, events })
  return view
}

export const list: Handler<'notify.list'> = (ctx) => {
  const counts = queueCounts(ctx.db)
  return { channels: listChannels(ctx.db).map((ch) => toView(ch, counts.get(ch.id), ctx.now())) }
}

export const remove: Handler<'notify.remove'> = (ctx, p, caller) => {
  return inTransaction(ctx.db, () => {
    const ch = getChannel(ctx.db, p.id)
    const v = toView(ch, queueCounts(ctx.db).get(ch.id), ctx.now())
    deleteChannel(ctx.db, ch.id)
    appendAudit(ctx.db, { actor: caller.actor, action: 'notify.remove', target: ch.id, outcome: 'ok', details: auditView(v) })
    return v
  })
}

export const test: Handler<'notify.test'> = async (ctx, p, caller) => {
  const grant = requireGrant(caller)
  const { channel, result } = await ctx.notifier.test(p.id, grant.dataKey)
  return { channel: channel.id, ...result }
}

export const deliveries: Handler<'notify.deliveries'> = (ctx, p) => {
  const channelId = p.channel === undefined ? undefined : getChannel(ctx.db, p.channel).id
  const names = new Map(listChannels(ctx.db).map((c) => [c.id, c.name]))
  return { deliveries: listDeliveries(ctx.db, { limit: p.limit, channelId }).map((d) => deliveryView(d, names)) }
}

function deliveryView(d: ReturnType<typeof listDeliveries>[number], names: Map<string, string>): NotifyDeliveryView {
  return {
    id: d.id,
    channel: d.channelId,
    channelName: names.get(d.channelId) ?? null,
    eventId: d.eventId,
    event: d.event,
    state: d.state,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    nextAttemptAt: d.state === 'queued' ? iso(d.nextAttemptAt) : null,
    createdAt: iso(d.createdAt),
    deliveredAt: d.deliveredAt === null ? null : iso(d.deliveredAt),
  }
}

/** Human views of notification channels and the delivery log (secrets are never in what the daemon returns). */
import type { NotifyChannelView, NotifyDeliveryView } from '../lib/contract/index.js'
import { fields, table, type Column, type TableOptions } from './render.js'

const eventsText = (c: NotifyChannelView): string => (c.events === null ? 'all' : c.events.join(', '))

export function channelFields(c: NotifyChannelView): string {
  return fields([
    ['channel', c.id],
    ['name', c.name],
    ['kind', c.kind],
    ['target', c.target],
    ['approver', c.kind === 'telegram' ? (c.approverUserId ?? 'none (no Approve/Reject buttons)') : null],
    ['events', eventsText(c)],
    ['secrets', c.secrets.length === 0 ? 'none' : `${c.secrets.join(', ')} (stored encrypted; never shown)`],
    ['deliveries', `${c.delivered} delivered, ${c.queued} queued, ${c.failed} failed`],
    ['retrying at', c.retryAt],
  ])
}

/** The columns of `notify list`. */
export const CHANNEL_COLUMNS: readonly Column[] = [
  ['id', 'ID'], ['name', 'NAME'], ['kind', 'KIND'], ['target', 'TARGET'], ['events', 'EVENTS'], ['counts', 'SENT/QUEUED/FAILED'], ['status', 'STATUS'],
]

export function channelTable(cs: NotifyChannelView[], opts: TableOptions = {}): string {
  return table(
    cs.map((c) => ({ id: c.id, name: c.name, kind: c.kind, target: c.target, events: eventsText(c), status: c.retryAt === null ? 'ok' : `failing, retry ${c.retryAt}`, counts: `${c.delivered}/${c.queued}/${c.failed}` })),
    CHANNEL_COLUMNS,
    'No notification channels. Add one with `waiaas notify add webhook --url URL --secret-file FILE`.',
    opts,
  )
}

/** The columns of `notify deliveries`. */
export const DELIVERY_COLUMNS: readonly Column[] = [
  ['id', 'ID'], ['channel', 'CHANNEL'], ['event', 'EVENT'], ['eventId', 'EVENT ID'], ['state', 'STATE'], ['attempts', 'TRIES'], ['status', 'HTTP'], ['when', 'WHEN'], ['error', 'LAST ERROR'],
]

export function deliveryTable(ds: NotifyDeliveryView[], opts: TableOptions = {}): string {
  return table(
    ds.map((d) => ({ id: d.id, channel: d.channelName ?? d.channel, event: d.event, eventId: d.eventId, state: d.state, attempts: d.attempts, status: d.lastStatus ?? '', when: d.deliveredAt ?? d.nextAttemptAt ?? d.createdAt, error: d.lastError ?? '' })),
    DELIVERY_COLUMNS,
    'No deliveries yet.',
    opts,
  )
}

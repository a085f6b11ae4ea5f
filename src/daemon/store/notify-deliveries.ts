/**
 * The notifier's delivery log in SQLite: one row per (channel, event), queued, then delivered or failed, with its
 * attempts. src/daemon/notify/outbox.ts fills it from the audit log; the notifier drains it.
 */
import type { EventPayload } from '../notify/events.js'
import type { Db } from './db.js'
import { prepared } from './statements.js'

export type DeliveryState = 'queued' | 'delivered' | 'failed'

export interface DeliveryRow {
  id: number
  channelId: string
  eventId: string
  event: string
  payload: EventPayload
  state: DeliveryState
  attempts: number
  nextAttemptAt: number
  lastStatus: number | null
  lastError: string | null
  createdAt: number
  deliveredAt: number | null
}

interface DbDelivery {
  id: number
  channel_id: string
  event_id: string
  event: string
  payload: string
  state: string
  attempts: number
  next_attempt_at: number
  last_status: number | null
  last_error: string | null
  created_at: number
  delivered_at: number | null
}

const COLUMNS = 'id, channel_id, event_id, event, payload, state, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at'

function toRow(r: DbDelivery): DeliveryRow {
  return {
    id: r.id,
    channelId: r.channel_id,
    eventId: r.event_id,
    event: r.event,
    payload: JSON.parse(r.payload) as EventPayload,
    state: r.state as DeliveryState,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  }
}

/** Queues one delivery; its id, or undefined when the channel already has this event (a replayed audit entry). */
export function queueDelivery(db: Db, d: { channelId: string; eventId: string; event: string; payload: EventPayload; now: number }): number | undefined {
  const { changes, lastInsertRowid } = prepared(
    db,
    `INSERT INTO notify_deliveries (channel_id, event_id, event, payload, state, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, 'queued', 0, ?, ?) ON CONFLICT (channel_id, event_id) DO NOTHING`,
  ).run(d.channelId, d.eventId, d.event, JSON.stringify(d.payload), d.now, d.now)
  return changes === 0 ? undefined : Number(lastInsertRowid)
}

/** The oldest queued delivery of a channel (deliveries of one channel go out in order). */
export function headOfQueue(db: Db, channelId: string): DeliveryRow | undefined {
  const r = prepared<[string], DbDelivery>(db, `SELECT ${COLUMNS} FROM notify_deliveries WHERE channel_id = ? AND state = 'queued' ORDER BY id LIMIT 1`).get(channelId)
  return r === undefined ? undefined : toRow(r)
}

/** Records one attempt. */
export function recordAttempt(
  db: Db,
  id: number,
  r: { state: DeliveryState; status: number | null; error: string | null; nextAttemptAt: number; now: number },
): void {
  prepared(
    db,
    `UPDATE notify_deliveries SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?, next_attempt_at = ?,
       delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END WHERE id = ?`,
  ).run(r.state, r.status, r.error, r.nextAttemptAt, r.state, r.now, id)
}

/** The delivery log, newest first. */
export function listDeliveries(db: Db, opts: { limit: number; channelId?: string | undefined }): DeliveryRow[] {
  if (opts.channelId !== undefined) {
    return prepared<[string, number], DbDelivery>(db, `SELECT ${COLUMNS} FROM notify_deliveries WHERE channel_id = ? ORDER BY id DESC LIMIT ?`)
      .all(opts.channelId, opts.limit)
      .map(toRow)
  }
  return prepared<[number], DbDelivery>(db, `SELECT ${COLUMNS} FROM notify_deliveries ORDER BY id DESC LIMIT ?`).all(opts.limit).map(toRow)
}

/** Queued and failed counts per channel. */
export function queueCounts(db: Db): Map<string, { queued: number; failed: number; delivered: number }> {
  const rows = prepared<[], { channel_id: string; state: string; n: number }>(db, 'SELECT channel_id, state, count(*) AS n FROM notify_deliveries GROUP BY channel_id, state').all()
  const out = new Map<string, { queued: number; failed: number; delivered: number }>()
  for (const r of rows) {
    const c = out.get(r.channel_id) ?? { queued: 0, failed: 0, delivered: 0 }
    if (r.state === 'queued' || r.state === 'failed' || r.state === 'delivered') c[r.state] = r.n
    out.set(r.channel_id, c)
  }
  return out
}

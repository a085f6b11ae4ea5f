/**
 * The outbox: from audit entries to queued deliveries, and the delivery log. `collect` advances the notifier's
 * cursor over the audit log and inserts the rows for every matching channel in ONE transaction, so across a crash an
 * event is queued exactly once (and delivered at least once: receivers dedupe on the stable event id).
 */
import { randomBytes } from 'node:crypto'
import type { NotifyEvent } from '../../lib/notify-events.js'
import { AUDIT_HEAD_KEY, listAudit } from '../store/audit.js'
import type { Db } from '../store/db.js'
import { getMeta, setMeta } from '../store/meta.js'
import { findRequest } from '../store/requests.js'
import { inTransaction, prepared } from '../store/statements.js'
import { eventOf, payloadOf, type EventPayload } from './events.js'
import { listChannels, type ChannelRow } from './store.js'

/** meta key: the seq of the last audit entry the notifier has turned into deliveries. */
export const CURSOR_KEY = 'notify_cursor'
const BATCH = 500

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

/** The audit head's seq (0 for an empty log). */
export function auditHeadSeq(db: Db): number {
  return getMeta<{ seq: number }>(db, AUDIT_HEAD_KEY)?.seq ?? 0
}

/** Where the notifier starts the first time: the current head, so an old log is not sent as a flood. */
export function initCursor(db: Db): void {
  inTransaction(db, () => {
    if (getMeta<number>(db, CURSOR_KEY) === undefined) setMeta(db, CURSOR_KEY, auditHeadSeq(db))
  })
}

const wants = (ch: ChannelRow, event: NotifyEvent): boolean => ch.enabled && (ch.events === null || ch.events.includes(event))

/**
 * Turns new audit entries into queued deliveries and moves the cursor, atomically. Returns how many rows it queued.
 * An approval request to a Telegram channel with an approver also gets its two single-use button tokens here.
 */
export function collect(db: Db, now: number = Date.now()): number {
  let queued = 0
  // Most ticks find nothing new: check without taking the write lock.
  const seen = getMeta<number>(db, CURSOR_KEY)
  if (seen !== undefined && seen >= auditHeadSeq(db)) return 0
  for (let round = 0; round < 20; round++) {
    const more = inTransaction(db, () => {
      const cursor = getMeta<number>(db, CURSOR_KEY) ?? auditHeadSeq(db)
      const entries = listAudit(db, { afterSeq: cursor, limit: BATCH })
      if (entries.length === 0) return false
      const channels = listChannels(db).filter((c) => c.enabled)
      for (const e of entries) {
        const event = eventOf(e)
        if (event === undefined) continue
        const targets = channels.filter((c) => e.seq > c.afterSeq && wants(c, event))
        if (targets.length === 0) continue
        const payload = payloadOf(db, e, event)
        for (const ch of targets) {
          const { changes, lastInsertRowid } = prepared(
            db,
            `INSERT INTO notify_deliveries (channel_id, event_id, event, payload, state, attempts, next_attempt_at, created_at)
             VALUES (?, ?, ?, ?, 'queued', 0, ?, ?) ON CONFLICT (channel_id, event_id) DO NOTHING`,
          ).run(ch.id, payload.id, event, JSON.stringify(payload), now, now)
          if (changes === 0) continue
          queued += 1
          if (event === 'tx.awaiting_approval' && ch.kind === 'telegram' && typeof ch.config.approverUserId === 'string' && e.target !== null) {
            addApprovalButtons(db, ch.id, Number(lastInsertRowid), e.target, now)
          }
        }
      }
      const last = entries[entries.length - 1]
      if (last !== undefined) setMeta(db, CURSOR_KEY, last.seq)
      return entries.length === BATCH
    })
    if (!more) break
  }
  return queued
}

/** Two tokens (approve, reject) bound to the request, its content hash and its expiry. */
function addApprovalButtons(db: Db, channelId: string, deliveryId: number, requestId: string, now: number): void {
  const row = findRequest(db, requestId)
  if (row === undefined || row.state !== 'awaiting_approval' || row.expiresAt === null) return
  for (const decision of ['approve', 'reject'] as const) {
    // 32 bytes base64url = 43 characters: well within Telegram's 64-byte callback_data.
    const token = `${decision === 'approve' ? 'a' : 'r'}_${randomBytes(32).toString('base64url')}`
    prepared(
      db,
      `INSERT INTO telegram_approvals (token, channel_id, delivery_id, request_id, content_hash, decision, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(token, channelId, deliveryId, requestId, row.contentHash, decision, row.expiresAt, now)
  }
}

/** The buttons of a queued Telegram approval message, if it has them. */
export function buttonsOf(db: Db, deliveryId: number): { approve: string; reject: string } | undefined {
  const rows = prepared<[number], { token: string; decision: string }>(db, 'SELECT token, decision FROM telegram_approvals WHERE delivery_id = ?').all(deliveryId)
  const approve = rows.find((r) => r.decision === 'approve')?.token
  const reject = rows.find((r) => r.decision === 'reject')?.token
  return approve !== undefined && reject !== undefined ? { approve, reject } : undefined
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

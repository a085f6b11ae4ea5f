/**
 * The outbox: from audit entries to queued deliveries, and the delivery log. `collect` advances the notifier's
 * cursor over the audit log and inserts the rows for every matching channel in ONE transaction, so across a crash an
 * event is queued exactly once (and delivered at least once: receivers dedupe on the stable event id). The rows are
 * src/daemon/store/notify-deliveries.ts's and src/daemon/store/telegram-approvals.ts's.
 */
import { randomBytes } from 'node:crypto'
import type { NotifyEvent } from '../../lib/notify-events.js'
import { AUDIT_HEAD_KEY, listAudit } from '../store/audit.js'
import type { Db } from '../store/db.js'
import { getMeta, setMeta } from '../store/meta.js'
import { findRequest } from '../store/requests.js'
import { queueDelivery } from '../store/notify-deliveries.js'
import { inTransaction } from '../store/statements.js'
import { insertApprovalButton } from '../store/telegram-approvals.js'
import { eventOf, payloadOf } from './events.js'
import { listChannels, type ChannelRow } from './store.js'

export { headOfQueue, listDeliveries, queueCounts, recordAttempt, type DeliveryRow, type DeliveryState } from '../store/notify-deliveries.js'
export { buttonsOf } from '../store/telegram-approvals.js'

/** meta key: the seq of the last audit entry the notifier has turned into deliveries. */
export const CURSOR_KEY = 'notify_cursor'
const BATCH = 500

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
          const deliveryId = queueDelivery(db, { channelId: ch.id, eventId: payload.id, event, payload, now })
          if (deliveryId === undefined) continue
          queued += 1
          if (event === 'tx.awaiting_approval' && ch.kind === 'telegram' && typeof ch.config.approverUserId === 'string' && e.target !== null) {
            addApprovalButtons(db, ch.id, deliveryId, e.target, now)
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
    insertApprovalButton(db, { token, channelId, deliveryId, requestId, contentHash: row.contentHash, decision, expiresAt: row.expiresAt, now })
  }
}


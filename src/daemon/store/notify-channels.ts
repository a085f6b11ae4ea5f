/**
 * Notification channels in SQLite: their rows (kind, name, events, non-secret config, sealed secrets, health). The
 * sealing itself (AES-256-GCM under the data key) is src/daemon/notify/store.ts's.
 */
import { WaiaasError } from '../../lib/errors.js'
import type { NotifyEvent, NotifyKind } from '../../lib/notify-events.js'
import type { Sealed } from '../keystore/aead.js'
import type { Db } from './db.js'
import { prepared } from './statements.js'

/** Non-secret settings, shown by `notify list`. */
export interface ChannelConfig {
  /** A form of the URL safe to show (origin and path for a webhook; origin only for Slack and Discord). */
  display?: string
  chatId?: string
  approverUserId?: string | null
  server?: string
  topic?: string
  /** Names of the sealed secrets (for display; never their values). */
  secretFields?: string[]
}

export interface ChannelRow {
  id: string
  kind: NotifyKind
  name: string
  /** null: every event. */
  events: NotifyEvent[] | null
  config: ChannelConfig
  sealed: Sealed
  enabled: boolean
  afterSeq: number
  failures: number
  backoffUntil: number
  createdAt: number
}

interface DbChannel {
  id: string
  kind: string
  name: string
  events: string | null
  config: string
  secret: string
  enabled: number
  after_seq: number
  failures: number
  backoff_until: number
  created_at: number
}

const COLUMNS = 'id, kind, name, events, config, secret, enabled, after_seq, failures, backoff_until, created_at'

function toRow(r: DbChannel): ChannelRow {
  return {
    id: r.id,
    kind: r.kind as NotifyKind,
    name: r.name,
    events: r.events === null ? null : (JSON.parse(r.events) as NotifyEvent[]),
    config: JSON.parse(r.config) as ChannelConfig,
    sealed: JSON.parse(r.secret) as Sealed,
    enabled: r.enabled === 1,
    afterSeq: r.after_seq,
    failures: r.failures,
    backoffUntil: r.backoff_until,
    createdAt: r.created_at,
  }
}

export function insertChannel(db: Db, c: Omit<ChannelRow, 'failures' | 'backoffUntil'>): void {
  prepared(db, `INSERT INTO notify_channels (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)`).run(
    c.id,
    c.kind,
    c.name,
    c.events === null ? null : JSON.stringify(c.events),
    JSON.stringify(c.config),
    JSON.stringify(c.sealed),
    c.enabled ? 1 : 0,
    c.afterSeq,
    c.createdAt,
  )
}

export function listChannels(db: Db): ChannelRow[] {
  return prepared<[], DbChannel>(db, `SELECT ${COLUMNS} FROM notify_channels ORDER BY created_at, id`).all().map(toRow)
}

export function findChannel(db: Db, id: string): ChannelRow | undefined {
  const r = prepared<[string], DbChannel>(db, `SELECT ${COLUMNS} FROM notify_channels WHERE id = ?`).get(id)
  return r === undefined ? undefined : toRow(r)
}

/** A channel by id or (unique) name; NOTIFY_CHANNEL_NOT_FOUND otherwise. */
export function getChannel(db: Db, ref: string): ChannelRow {
  const byId = findChannel(db, ref)
  if (byId !== undefined) return byId
  const named = prepared<[string], DbChannel>(db, `SELECT ${COLUMNS} FROM notify_channels WHERE name = ?`).all(ref)
  if (named.length === 1 && named[0] !== undefined) return toRow(named[0])
  throw new WaiaasError('NOTIFY_CHANNEL_NOT_FOUND', named.length > 1 ? `Several channels are named "${ref}"; use its id` : `No notification channel "${ref}"`, {
    details: { id: ref },
  })
}

/** Removes a channel, the deliveries still queued for it and its unused Telegram buttons; the log of past ones stays. */
export function deleteChannel(db: Db, id: string): void {
  prepared(db, 'DELETE FROM notify_channels WHERE id = ?').run(id)
  prepared(db, "DELETE FROM notify_deliveries WHERE channel_id = ? AND state = 'queued'").run(id)
  prepared(db, 'DELETE FROM telegram_approvals WHERE channel_id = ?').run(id)
}

/** Records the outcome of an attempt for the channel as a whole: failures and when it may be tried again. */
export function setChannelHealth(db: Db, id: string, failures: number, backoffUntil: number): void {
  prepared(db, 'UPDATE notify_channels SET failures = ?, backoff_until = ? WHERE id = ?').run(failures, backoffUntil, id)
}

/**
 * Notification channels and their delivery log in SQLite. A channel's secrets (webhook URL and signing secret, bot
 * token, Slack/Discord webhook URL, ntfy token) are sealed with AES-256-GCM under the data key, the channel id bound
 * as associated data, so a sealed value copied to another channel does not open.
 */
import { randomBytes } from 'node:crypto'
import { WaiaasError } from '../../lib/errors.js'
import type { NotifyEvent, NotifyKind } from '../../lib/notify-events.js'
import { AeadError, open, seal, wipe, type Sealed } from '../keystore/aead.js'
import type { Db } from '../store/db.js'
import { prepared } from '../store/statements.js'

/** What is sealed: only the fields the kind uses are set. */
export interface ChannelSecrets {
  /** webhook, slack, discord: the full URL. */
  url?: string
  /** webhook: the HMAC signing secret. */
  secret?: string
  /** telegram: the bot token. */
  botToken?: string
  /** ntfy: an access token. */
  token?: string
}

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

const aad = (id: string): Buffer => Buffer.from(`waiaas-notify-channel/1:${id}`, 'utf8')

/** A new channel id. */
export function newChannelId(): string {
  return `nch_${randomBytes(8).toString('hex')}`
}

/** Seals `secrets` for channel `id`. */
export function sealSecrets(dataKey: Buffer, id: string, secrets: ChannelSecrets): Sealed {
  const plain = Buffer.from(JSON.stringify(secrets), 'utf8')
  try {
    return seal(dataKey, plain, aad(id))
  } finally {
    wipe(plain)
  }
}

/** Opens a channel's secrets; DB_CORRUPT when they do not authenticate (never says what they were). */
export function openSecrets(dataKey: Buffer, ch: Pick<ChannelRow, 'id' | 'sealed'>): ChannelSecrets {
  let plain: Buffer | undefined
  try {
    plain = open(dataKey, ch.sealed, aad(ch.id))
    return JSON.parse(plain.toString('utf8')) as ChannelSecrets
  } catch (err) {
    if (err instanceof AeadError || err instanceof SyntaxError) {
      throw new WaiaasError('DB_CORRUPT', `The secrets of notification channel ${ch.id} do not open`, { details: { id: ch.id } })
    }
    throw err
  } finally {
    wipe(plain)
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

/** Every string worth scrubbing from text that may be kept or logged: the secrets and what they are made of. */
export function secretStrings(s: ChannelSecrets): string[] {
  const out: string[] = []
  for (const v of [s.url, s.secret, s.botToken, s.token]) {
    if (v === undefined || v === '') continue
    out.push(v)
    if (v === s.url) {
      try {
        const u = new URL(v)
        if (u.pathname.length > 1) out.push(u.pathname)
        if (u.search.length > 1) out.push(u.search)
      } catch {
        // not a URL: the whole value is already listed
      }
    }
  }
  return out
}

/** `text` with every secret replaced by [REDACTED]. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length >= 4) out = out.split(s).join('[REDACTED]')
  return out
}

/**
 * Notification channels' secrets; their rows live in src/daemon/store/notify-channels.ts (re-exported here). A
 * channel's secrets (webhook URL and signing secret, bot token, Slack/Discord webhook URL, ntfy token) are sealed with AES-256-GCM under the data key, the channel id bound
 * as associated data, so a sealed value copied to another channel does not open.
 */
import { randomBytes } from 'node:crypto'
import { WaiaasError } from '../../lib/errors.js'
import { AeadError, open, seal, wipe, type Sealed } from '../keystore/aead.js'
import type { ChannelRow } from '../store/notify-channels.js'

export {
  deleteChannel,
  findChannel,
  getChannel,
  insertChannel,
  listChannels,
  setChannelHealth,
  type ChannelConfig,
  type ChannelRow,
} from '../store/notify-channels.js'

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

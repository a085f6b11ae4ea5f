/**
 * From the audit log to notification events. Every decision and state change is already an audit entry, written in
 * the same transaction as the change, so the notifier follows the log instead of being called from the pipeline:
 * nothing in the money path waits on a notification, and nothing is missed.
 */
import { formatAmount } from '../../lib/amounts.js'
import type { NotifyEvent } from '../../lib/notify-events.js'
import type { AuditEntry } from '../store/audit.js'
import type { Db } from '../store/db.js'
import { findRequest } from '../store/requests.js'
import { walletSummary } from '../store/wallet-summary.js'

/** The JSON body of a notification (webhooks get exactly this; chat channels a text made from it). */
export interface EventPayload {
  /** `evt_<audit seq>`: stable across retries and restarts, so a receiver can drop duplicates. */
  id: string
  event: NotifyEvent | 'test'
  /** When it happened (the audit entry's time), ISO 8601. */
  at: string
  data: Record<string, unknown>
}

const DIRECT: Record<string, NotifyEvent> = {
  'tx.approve': 'tx.approved',
  'tx.reject': 'tx.rejected',
  'tx.expired': 'tx.expired',
  'tx.submitted': 'tx.submitted',
  'tx.confirmed': 'tx.confirmed',
  'tx.failed': 'tx.failed',
  'incoming.transfer': 'incoming',
  'balance.low': 'balance.low',
  'killswitch.on': 'killswitch.on',
  'killswitch.off': 'killswitch.off',
  // A window of repeated failed passwords from one source (src/daemon/auth-throttle.ts).
  'auth.failures': 'auth.failures',
}

const TIER_EVENT: Record<string, NotifyEvent> = {
  DENY: 'tx.denied',
  DELAY: 'tx.delayed',
  APPROVAL: 'tx.awaiting_approval',
  NOTIFY: 'tx.notify',
}

/** Failed password attempts that raise auth.failures: the third, then every fifth after it. */
export function authFailureAlert(failures: number): boolean {
  return failures === 3 || (failures > 3 && (failures - 3) % 5 === 0)
}

/** The event an audit entry stands for, or undefined when it is not one (INSTANT decisions, policy edits, …). */
export function eventOf(e: AuditEntry): NotifyEvent | undefined {
  if (e.action === 'tx.decision') return TIER_EVENT[String(e.details.tier)]
  if (e.action === 'tx.request' && e.outcome === 'denied') return 'tx.denied'
  if (e.outcome === 'denied' && e.details.reason === 'bad-password' && typeof e.details.failures === 'number') {
    return authFailureAlert(e.details.failures) ? 'auth.failures' : undefined
  }
  return DIRECT[e.action]
}

/** The payload of an event: the entry's details plus what a reader needs (wallet name, request summary). */
export function payloadOf(db: Db, e: AuditEntry, event: NotifyEvent): EventPayload {
  const data: Record<string, unknown> = { action: e.action, actor: e.actor, ...e.details }
  if (e.action.startsWith('tx.') && e.target !== null) {
    data.requestId = e.target
    const row = findRequest(db, e.target)
    if (row !== undefined) {
      data.wallet = walletName(db, row.walletId)
      data.walletId = row.walletId
      data.kind = row.kind
      data.network = row.network
      data.to ??= row.summary.to
      data.amount ??= row.summary.amount
      data.token ??= row.summary.token
      data.symbol = row.summary.symbol
      data.contentHash ??= row.contentHash
      if (event === 'tx.awaiting_approval' && row.expiresAt !== null) data.expiresAt = new Date(row.expiresAt).toISOString()
      if (event === 'tx.delayed' && row.delayUntil !== null) data.executeAt = new Date(row.delayUntil).toISOString()
    }
  } else if ((event === 'incoming' || event === 'balance.low') && e.target !== null) {
    data.walletId = e.target
    data.wallet = walletName(db, e.target)
  }
  return { id: `evt_${e.seq}`, event, at: e.ts, data }
}

function walletName(db: Db, id: string): string | null {
  return walletSummary(db, id)?.name ?? null
}

const TITLES: Record<NotifyEvent | 'test', string> = {
  'tx.denied': 'Request denied',
  'tx.delayed': 'Request delayed',
  'tx.awaiting_approval': 'Approval needed',
  'tx.notify': 'Transaction sent (notify tier)',
  'tx.approved': 'Request approved',
  'tx.rejected': 'Request rejected',
  'tx.expired': 'Approval expired',
  'tx.submitted': 'Transaction submitted',
  'tx.confirmed': 'Transaction confirmed',
  'tx.failed': 'Transaction failed',
  incoming: 'Incoming transfer',
  'balance.low': 'Low balance',
  'killswitch.on': 'Kill switch ON',
  'killswitch.off': 'Kill switch off',
  'auth.failures': 'Repeated failed password attempts',
  test: 'Test notification',
}

/** ntfy priorities: what needs a person now is high (approval, kill switch, password guessing). */
export function priorityOf(event: EventPayload['event']): 'urgent' | 'high' | 'default' | 'low' {
  if (event === 'killswitch.on' || event === 'auth.failures') return 'urgent'
  if (event === 'tx.awaiting_approval' || event === 'tx.failed' || event === 'balance.low') return 'high'
  if (event === 'tx.confirmed' || event === 'tx.submitted' || event === 'test') return 'low'
  return 'default'
}

/** An integer amount in minor units as a decimal in whole units when the decimals are known. */
function units(amount: unknown, decimals: unknown): string {
  if (typeof amount !== 'string' || !/^\d+$/.test(amount)) return '?'
  return typeof decimals === 'number' && Number.isSafeInteger(decimals) && decimals >= 0 && decimals <= 36 ? formatAmount(BigInt(amount), decimals) : `${amount} (minor units)`
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined)

/** A short title and a few plain-text lines for chat channels (no markup, so nothing needs escaping). */
export function describe(p: EventPayload): { title: string; text: string } {
  const d = p.data
  const title = `waiaas: ${TITLES[p.event]}`
  const lines: string[] = [title]
  const amount = str(d.amount)
  const what = amount !== undefined ? `${amount} ${str(d.symbol) ?? str(d.token) ?? ''}`.trim() : str(d.kind)
  if (p.event === 'incoming') {
    lines.push(`${units(d.amount, d.decimals)} ${str(d.symbol) ?? str(d.asset) ?? ''} to wallet ${str(d.wallet) ?? str(d.walletId) ?? '?'} on ${str(d.network) ?? '?'}`)
    if (str(d.from) !== undefined) lines.push(`from ${str(d.from)}`)
    if (str(d.tx) !== undefined) lines.push(`tx ${str(d.tx)}`)
  } else if (p.event === 'balance.low') {
    const sym = str(d.symbol) ?? ''
    lines.push(`wallet ${str(d.wallet) ?? str(d.walletId) ?? '?'} on ${str(d.network) ?? '?'}: balance ${units(d.balance, d.decimals)} ${sym}, below ${units(d.threshold, d.decimals)} ${sym}`)
  } else if (p.event === 'killswitch.on' || p.event === 'killswitch.off') {
    lines.push(`by ${p.data.actor as string}${str(d.reason) !== undefined ? `: ${str(d.reason)}` : ''}`)
  } else if (p.event === 'auth.failures' && d.reason === 'repeated-failures') {
    // A summary of one source's window (src/daemon/auth-throttle.ts).
    lines.push(`${str(d.failures) ?? '?'} wrong and ${str(d.throttled) ?? '?'} throttled master-password attempts from ${str(d.source) ?? '?'}`)
    lines.push(`between ${str(d.firstAt) ?? '?'} and ${str(d.lastAt) ?? '?'}; ${str(d.streak) ?? '?'} failures in a row`)
  } else if (p.event === 'auth.failures') {
    lines.push(`${str(d.failures) ?? '?'} failed master-password attempts in a row (${str(d.action) ?? ''})`)
  } else if (p.event === 'test') {
    lines.push(str(d.message) ?? 'It works.')
  } else {
    const wallet = str(d.wallet)
    const head = [what, str(d.to) !== undefined ? `to ${str(d.to)}` : undefined, str(d.network) !== undefined ? `on ${str(d.network)}` : undefined, wallet !== undefined ? `from wallet ${wallet}` : undefined]
    lines.push(head.filter((x) => x !== undefined).join(' '))
    if (str(d.reason) !== undefined) lines.push(`reason: ${str(d.reason)}`)
    if (str(d.txHash) !== undefined) lines.push(`tx ${str(d.txHash)}`)
    if (str(d.executeAt) !== undefined) lines.push(`executes at ${str(d.executeAt)} unless cancelled`)
    if (str(d.expiresAt) !== undefined) lines.push(`expires at ${str(d.expiresAt)}`)
    if (str(d.requestId) !== undefined) lines.push(`request ${str(d.requestId)}`)
  }
  lines.push(`event ${p.id} at ${p.at}`)
  return { title, text: lines.join('\n') }
}

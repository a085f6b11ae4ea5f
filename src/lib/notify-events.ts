/** The notification events and channel kinds, shared by the contract, the daemon and the CLI (no zod here). */

/** Every event a channel can receive; a channel's filter is a subset of these (none given: all). */
export const NOTIFY_EVENTS = [
  'tx.denied',
  'tx.delayed',
  'tx.awaiting_approval',
  'tx.notify',
  'tx.approved',
  'tx.rejected',
  'tx.expired',
  'tx.submitted',
  'tx.confirmed',
  'tx.failed',
  'incoming',
  'balance.low',
  'killswitch.on',
  'killswitch.off',
  'auth.failures',
] as const
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number]

/** Where notifications go. */
export const NOTIFY_KINDS = ['webhook', 'telegram', 'slack', 'discord', 'ntfy'] as const
export type NotifyKind = (typeof NOTIFY_KINDS)[number]

/** True when `name` is a known event name. */
export function isNotifyEvent(name: string): name is NotifyEvent {
  return (NOTIFY_EVENTS as readonly string[]).includes(name)
}

/**
 * The notifier: on its own timer (never inside pipeline code), it turns new audit entries into queued deliveries
 * (outbox.ts) and sends them. Deliveries of one channel go out in order, one at a time; channels run side by side,
 * so a slow or failing channel delays nobody else. A failed attempt backs off the whole channel (1 s, 2 s, 4 s …
 * with jitter, capped at 5 min, or what Retry-After asks), so a dead endpoint sees one request per backoff step, not
 * one per queued event. A 4xx other than 408/429 is final for that delivery. While the daemon is locked, the
 * channels' secrets cannot be opened and deliveries wait in the queue.
 */
import { randomBytes } from 'node:crypto'
import type { LazyAgent } from '../http-agent.js'
import type { DaemonContext } from '../context.js'
import type { ChannelTestResult as TestResult, NotifierPort } from '../ports.js'
import { buildRequest } from './channels/index.js'
import type { EventPayload } from './events.js'
import { notifyAgent, post, type HttpResult } from './http.js'
import { buttonsOf, collect, headOfQueue, initCursor, recordAttempt } from './outbox.js'
import { findChannel, getChannel, listChannels, openSecrets, scrub, secretStrings, setChannelHealth, type ChannelRow } from './store.js'
import { TelegramApprovals } from './telegram-approvals.js'
import { inTransaction } from '../store/statements.js'

export type NotifierEnv = Pick<DaemonContext, 'db' | 'keyring' | 'log' | 'pipeline'>

export interface NotifierOptions {
  /** How often new events are collected and due deliveries sent (WAIAAS_NOTIFY_INTERVAL_MS). */
  intervalMs: number
  /** First retry delay; doubles per consecutive failure of the channel (WAIAAS_NOTIFY_RETRY_BASE_MS). */
  retryBaseMs: number
  /** The Telegram Bot API base URL (WAIAAS_TELEGRAM_API_URL). */
  telegramApi: string
  /** Per-request deadline. */
  timeoutMs?: number
  /** Attempts before a delivery is given up as failed. */
  maxAttempts?: number
  /** The daemon's clock, which retry backoffs are measured by (default the wall clock; tests move a test clock). */
  now?: () => number
}

export type { ChannelTestResult as TestResult } from '../ports.js'

const MAX_BACKOFF_MS = 5 * 60_000
/** Retry-After is honoured up to this. */
const MAX_RETRY_AFTER_MS = 60 * 60_000
/** Channels sending at the same time. */
const CONCURRENCY = 4
/** Deliveries one channel sends per tick before yielding to the next tick. */
const PER_RUN = 50

/** A response that will not get better by trying again: 4xx except 408 (timeout) and 429 (rate limited). */
export function permanent(status: number | null): boolean {
  return status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries of many daemons do not align. */
export function backoffMs(base: number, failures: number, random: () => number = Math.random): number {
  const full = Math.min(base * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS)
  return Math.round(full / 2 + (random() * full) / 2)
}

export class Notifier implements NotifierPort {
  readonly telegram: TelegramApprovals
  private readonly agent: LazyAgent
  private readonly running = new Map<string, Promise<void>>()
  private readonly abort = new AbortController()
  private timer: NodeJS.Timeout | undefined
  private ticking = false
  private stopped = false
  private readonly timeoutMs: number
  private readonly maxAttempts: number
  private readonly now: () => number

  constructor(
    private readonly env: NotifierEnv,
    private readonly opts: NotifierOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000
    this.maxAttempts = opts.maxAttempts ?? 8
    this.now = opts.now ?? Date.now
    this.agent = notifyAgent(this.timeoutMs)
    this.telegram = new TelegramApprovals(env, { telegramApi: opts.telegramApi, intervalMs: opts.intervalMs, agent: this.agent, signal: this.abort.signal, now: this.now })
  }

  /** Sets the cursor the first time (at the audit head), then runs every intervalMs; starts the Telegram poller. */
  start(): void {
    initCursor(this.env.db)
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs)
    this.timer.unref()
    this.tick()
    this.telegram.start()
  }

  /** Stops the timer and the poller, aborts requests in flight and waits for them. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (this.timer !== undefined) clearInterval(this.timer)
    this.abort.abort()
    await Promise.allSettled([...this.running.values(), this.telegram.stop()])
    await this.agent.close().catch(() => undefined)
  }

  /** One round: collect new events, then start a run for each channel that has something due. Never throws. */
  tick(): void {
    if (this.stopped || this.ticking) return
    this.ticking = true
    try {
      collect(this.env.db)
      if (this.env.keyring.locked) return
      const now = this.now()
      for (const ch of listChannels(this.env.db)) {
        if (this.running.size >= CONCURRENCY) break
        if (!ch.enabled || this.running.has(ch.id) || ch.backoffUntil > now) continue
        const head = headOfQueue(this.env.db, ch.id)
        if (head === undefined || head.nextAttemptAt > now) continue
        const run = this.runChannel(ch.id).finally(() => this.running.delete(ch.id))
        this.running.set(ch.id, run)
      }
    } catch (err) {
      this.env.log.error('notifier tick failed', { error: err instanceof Error ? err.message : String(err) })
    } finally {
      this.ticking = false
    }
  }

  /** Sends a channel's due deliveries in order until one fails or none is due. */
  private async runChannel(id: string): Promise<void> {
    const db = this.env.db
    for (let i = 0; i < PER_RUN && !this.stopped; i++) {
      const ch = findChannel(db, id)
      const now = this.now()
      if (ch === undefined || !ch.enabled || ch.backoffUntil > now || this.env.keyring.locked) return
      const row = headOfQueue(db, id)
      if (row === undefined || row.nextAttemptAt > now) return
      const buttons = ch.kind === 'telegram' && row.event === 'tx.awaiting_approval' ? buttonsOf(db, row.id) : undefined
      const { result, secrets } = await this.send(ch, row.payload, buttons)
      if (this.stopped) return
      const error = result.error === null ? null : scrub(result.error, secrets)
      const done = this.now()
      if (result.error === null) {
        inTransaction(db, () => {
          recordAttempt(db, row.id, { state: 'delivered', status: result.status, error: null, nextAttemptAt: done, now: done })
          if (ch.failures > 0 || ch.backoffUntil > 0) setChannelHealth(db, id, 0, 0)
        })
        continue
      }
      const attempts = row.attempts + 1
      if (permanent(result.status)) {
        recordAttempt(db, row.id, { state: 'failed', status: result.status, error, nextAttemptAt: done, now: done })
        this.env.log.warn('notification refused by the receiver; not retried', { channel: id, kind: ch.kind, delivery: row.id, event: row.event, status: result.status })
        continue
      }
      // Transient: back the whole channel off; this delivery stays at the head of its queue (or fails for good).
      const failures = ch.failures + 1
      const wait = Math.max(backoffMs(this.opts.retryBaseMs, failures), Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS))
      const giveUp = attempts >= this.maxAttempts
      inTransaction(db, () => {
        recordAttempt(db, row.id, { state: giveUp ? 'failed' : 'queued', status: result.status, error, nextAttemptAt: done + wait, now: done })
        setChannelHealth(db, id, failures, done + wait)
      })
      this.env.log.warn(giveUp ? 'notification failed; giving up after the last attempt' : 'notification failed; will retry', {
        channel: id,
        kind: ch.kind,
        delivery: row.id,
        event: row.event,
        attempt: attempts,
        status: result.status,
        error,
        retryInMs: giveUp ? null : wait,
      })
      return
    }
  }

  /** Opens the channel's secrets, builds the request and posts it. */
  private async send(ch: ChannelRow, payload: EventPayload, buttons?: { approve: string; reject: string }, dataKey?: Buffer): Promise<{ result: HttpResult; secrets: string[] }> {
    const secrets = openSecrets(dataKey ?? this.env.keyring.heldDataKey(), ch)
    const out = buildRequest(ch, secrets, payload, { telegramApi: this.opts.telegramApi, buttons })
    const result = await post(out, { agent: this.agent, timeoutMs: this.timeoutMs, signal: this.abort.signal })
    return { result, secrets: secretStrings(secrets) }
  }

  /** `notify test`: sends a test event to one channel now (outside the queue) and reports what the receiver said. */
  async test(ref: string, dataKey: Buffer): Promise<{ channel: ChannelRow; result: TestResult }> {
    const ch = getChannel(this.env.db, ref)
    const payload: EventPayload = {
      id: `evt_test_${randomBytes(6).toString('hex')}`,
      event: 'test',
      at: new Date().toISOString(),
      data: { message: `Test notification from waiaas to channel ${ch.name} (${ch.id}).`, channel: ch.id },
    }
    const { result, secrets } = await this.send(ch, payload, undefined, dataKey)
    const error = result.error === null ? null : scrub(result.error, secrets)
    this.env.log.info('test notification sent', { channel: ch.id, kind: ch.kind, status: result.status, error })
    return { channel: ch, result: { ok: result.error === null, status: result.status, error } }
  }
}

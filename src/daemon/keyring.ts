/**
 * The daemon's lock state: the vault record in SQLite, the unlocked data key in memory, and the throttle on failed
 * password attempts (per source: the socket, each HTTP client address; see auth-throttle.ts). Keys exist in memory
 * only while unlocked, or for the length of one operator request.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { WaiaasError } from '../lib/errors.js'
import { AuthThrottle, SOCKET_SOURCE, retryAfter } from './auth-throttle.js'
import { wipe } from './keystore/aead.js'
import { createVault, rewrapDataKey, unwrapDataKey, type VaultRecord } from './keystore/vault.js'
import type { Logger } from './log.js'
import type { KeyGrant, KeyringPort } from './ports.js'
import { appendAudit } from './store/audit.js'
import type { Db } from './store/db.js'
import { getMeta, setMeta } from './store/meta.js'

export { retryAfter }

export const MIN_PASSWORD_LENGTH = 12
/** Attempts of one HTTP source that may wait for a check; more are refused at once (AUTH_THROTTLED). */
const MAX_WAITING_PER_SOURCE = 8

export type { KeyGrant } from './ports.js'

/** Throws INPUT_WEAK_PASSWORD for a password shorter than MIN_PASSWORD_LENGTH characters. */
export function assertStrongPassword(password: string, field = 'password'): void {
  if ([...password.normalize('NFKC')].length < MIN_PASSWORD_LENGTH) {
    throw new WaiaasError('INPUT_WEAK_PASSWORD', `The ${field === 'password' ? 'master password' : field} must be at least ${MIN_PASSWORD_LENGTH} characters`, {
      details: { field, minLength: MIN_PASSWORD_LENGTH },
    })
  }
}

export class Keyring implements KeyringPort {
  private dataKey: Buffer | undefined
  /** HMAC of the password under a per-process random key: lets an unlocked daemon check operator passwords fast. */
  private verifier: Buffer | undefined
  private readonly verifierKey = randomBytes(32)
  /** Bumped whenever the held key changes (unlock, lock): anything derived from the old key must be dropped. */
  private epochN = 0
  /** Bumped by every change of the master password. */
  private passwordEpochN = 0
  /** Serialises the password checks of each source, so its concurrent attempts cannot race its failure counter. */
  private readonly queues = new Map<string, { tail: Promise<unknown>; waiting: number }>()
  /** One KDF run at a time for all HTTP sources together: wrong passwords over TCP cannot occupy every core. */
  private httpKdf: Promise<unknown> = Promise.resolve()
  private readonly throttle: AuthThrottle

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.throttle = new AuthThrottle(db, log, now)
  }

  get initialized(): boolean {
    return getMeta<VaultRecord>(this.db, 'vault') !== undefined
  }

  get epoch(): number {
    return this.epochN
  }

  get passwordEpoch(): number {
    return this.passwordEpochN
  }

  get locked(): boolean {
    return this.dataKey === undefined
  }

  /** Creates the vault. The daemon is unlocked afterwards. */
  async init(password: string, actor: string, details: Record<string, unknown>): Promise<VaultRecord> {
    if (this.initialized) throw new WaiaasError('ALREADY_INITIALIZED', 'This data directory is already initialised')
    const { record, dataKey } = await createVault(password)
    this.db.transaction(() => {
      if (getMeta(this.db, 'vault') !== undefined) throw new WaiaasError('ALREADY_INITIALIZED', 'This data directory is already initialised')
      setMeta(this.db, 'vault', record)
      appendAudit(this.db, { actor, action: 'vault.init', outcome: 'ok', details })
    })()
    this.hold(dataKey, password)
    return record
  }

  /** Unlocks with the master password (throttled per source, audited). */
  async unlock(password: string, actor: string, source = SOCKET_SOURCE): Promise<void> {
    const { dataKey, held } = await this.checkPassword(password, actor, 'vault.unlock', source)
    if (!held) this.hold(dataKey, password)
    appendAudit(this.db, { actor, action: 'vault.unlock', outcome: 'ok' })
    this.log.info('unlocked')
  }

  /**
   * The unlocked data key, for the daemon's own signing of requests that policy already let through (a delay that
   * came due, an approval). Do not wipe it. KEYSTORE_LOCKED when locked: the pipeline then holds the work.
   */
  heldDataKey(): Buffer {
    if (this.dataKey === undefined) throw new WaiaasError('KEYSTORE_LOCKED', 'The daemon is locked, so it cannot sign')
    return this.dataKey
  }

  /** Wipes the unlocked data key. */
  lock(): void {
    this.epochN += 1
    wipe(this.dataKey, this.verifier)
    this.dataKey = undefined
    this.verifier = undefined
  }

  /**
   * Checks an operator's password and grants the data key for one request. When unlocked this is a constant-time
   * HMAC comparison; when locked it runs the KDF and the key is wiped on release. Throttling applies either way.
   */
  async authorize(password: string, actor: string, action: string, source = SOCKET_SOURCE): Promise<KeyGrant> {
    const { dataKey, held } = await this.checkPassword(password, actor, action, source)
    return { dataKey, release: held ? () => {} : () => wipe(dataKey) }
  }

  /** Re-wraps the data key under a new password; the caller holds a grant for the old one. */
  async changePassword(grant: KeyGrant, newPassword: string, actor: string, details: Record<string, unknown>): Promise<VaultRecord> {
    const record = await rewrapDataKey(grant.dataKey, newPassword)
    this.db.transaction(() => {
      setMeta(this.db, 'vault', record)
      appendAudit(this.db, { actor, action: 'vault.changePassword', outcome: 'ok', details })
    })()
    if (this.dataKey !== undefined) this.verifier = this.mac(newPassword)
    this.passwordEpochN += 1
    return record
  }

  private hold(dataKey: Buffer, password: string): void {
    this.epochN += 1
    if (this.dataKey !== undefined && this.dataKey !== dataKey) wipe(this.dataKey)
    this.dataKey = dataKey
    this.verifier = this.mac(password)
  }

  private mac(password: string): Buffer {
    return createHmac('sha256', this.verifierKey).update(password.normalize('NFKC')).digest()
  }

  /**
   * Checks a password, one attempt at a time per source, behind that source's persisted, growing delay after failures.
   * The throttle comes first, so not even the right password gets through while it holds (else guesses could be
   * tested for free); it holds only for the source that failed, so HTTP clients never lock out the socket.
   * `held` is true when the answer is the daemon's own unlocked key (checked by HMAC, not the KDF).
   */
  private checkPassword(password: string, actor: string, action: string, source: string): Promise<{ dataKey: Buffer; held: boolean }> {
    const key = this.throttle.keyOf(source)
    const queue = this.queues.get(key) ?? { tail: Promise.resolve(), waiting: 0 }
    if (key !== SOCKET_SOURCE && queue.waiting >= MAX_WAITING_PER_SOURCE) {
      this.throttle.refused(key, actor, action)
      return Promise.reject(
        new WaiaasError('AUTH_THROTTLED', 'Too many password attempts from this address are waiting; try again in 1 s', {
          details: { retryAfterMs: 1000, failures: this.throttle.failures(key), source: key },
        }),
      )
    }
    const run = async (): Promise<{ dataKey: Buffer; held: boolean }> => {
      this.throttle.flushDue()
      const wait = this.throttle.wait(key)
      if (wait > 0) {
        this.throttle.refused(key, actor, action)
        const failures = this.throttle.failures(key)
        throw new WaiaasError('AUTH_THROTTLED', `Too many failed password attempts; try again in ${Math.ceil(wait / 1000)} s`, {
          details: { retryAfterMs: wait, failures, source: key },
        })
      }
      if (this.dataKey !== undefined && this.verifier !== undefined && timingSafeEqual(this.mac(password), this.verifier)) {
        this.throttle.succeeded(key)
        return { dataKey: this.dataKey, held: true }
      }
      // Read only on the KDF path: an unlocked daemon has a vault, and this runs on every operator call.
      const record = getMeta<VaultRecord>(this.db, 'vault')
      if (record === undefined) throw new WaiaasError('NOT_INITIALIZED', 'This data directory has no master password yet')
      try {
        const unwrapped = key === SOCKET_SOURCE ? await unwrapDataKey(record, password) : await this.oneHttpKdf(() => unwrapDataKey(record, password))
        this.throttle.succeeded(key)
        if (this.dataKey !== undefined) {
          // Unlocked and the password unwrapped the data key, yet the verifier disagreed (it tracks every password
          // change, so this should not happen): trust the KDF, refresh the verifier, keep one copy of the key.
          wipe(unwrapped)
          this.verifier = this.mac(password)
          return { dataKey: this.dataKey, held: true }
        }
        return { dataKey: unwrapped, held: false }
      } catch (err) {
        if (err instanceof WaiaasError && err.code === 'AUTH_BAD_PASSWORD') {
          const failures = this.throttle.failed(key, actor, action)
          throw new WaiaasError('AUTH_BAD_PASSWORD', 'Wrong master password', {
            details: { failures, retryAfterMs: retryAfter({ count: failures, lastAt: this.now() }, this.now()) },
          })
        }
        throw err
      }
    }
    queue.waiting += 1
    const result = queue.tail.then(run, run).finally(() => {
      queue.waiting -= 1
      if (queue.waiting === 0 && this.queues.get(key) === queue) this.queues.delete(key)
    })
    queue.tail = result.catch(() => undefined)
    this.queues.set(key, queue)
    return result
  }

  /** Runs one KDF for an HTTP source, after any other HTTP source's. */
  private oneHttpKdf<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.httpKdf.then(fn, fn)
    this.httpKdf = run.catch(() => undefined)
    return run
  }

  /** Wipes keys and writes out the pending failed-password summaries; called on shutdown. */
  close(): void {
    this.lock()
    wipe(this.verifierKey)
    this.throttle.stop()
    try {
      this.throttle.flushAll()
    } catch (err) {
      this.log.error('could not write the failed-password summary at shutdown', { error: err instanceof Error ? err.message : String(err) })
    }
  }
}

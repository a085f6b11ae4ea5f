/**
 * The daemon's lock state: the vault record in SQLite, the unlocked data key in memory, and the throttle on
 * failed password attempts. Keys exist in memory only while unlocked, or for the length of one operator request.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { WaiaasError } from '../lib/errors.js'
import { wipe } from './keystore/aead.js'
import { createVault, rewrapDataKey, unwrapDataKey, type VaultRecord } from './keystore/vault.js'
import type { Logger } from './log.js'
import { appendAudit } from './store/audit.js'
import type { Db } from './store/db.js'
import { deleteMeta, getMeta, setMeta } from './store/meta.js'

export const MIN_PASSWORD_LENGTH = 12
/** Failed attempts allowed before each further attempt must wait. */
const FREE_FAILURES = 3
const MAX_BACKOFF_MS = 5 * 60_000

interface FailureState {
  count: number
  lastAt: number
}

/** A data key handed to one operator request; `release` wipes it unless it is the daemon's unlocked key. */
export interface KeyGrant {
  dataKey: Buffer
  release(): void
}

/** Throws INPUT_WEAK_PASSWORD for a password shorter than MIN_PASSWORD_LENGTH characters. */
export function assertStrongPassword(password: string, field = 'password'): void {
  if ([...password.normalize('NFKC')].length < MIN_PASSWORD_LENGTH) {
    throw new WaiaasError('INPUT_WEAK_PASSWORD', `The ${field === 'password' ? 'master password' : field} must be at least ${MIN_PASSWORD_LENGTH} characters`, {
      details: { field, minLength: MIN_PASSWORD_LENGTH },
    })
  }
}

export class Keyring {
  private dataKey: Buffer | undefined
  /** HMAC of the password under a per-process random key: lets an unlocked daemon check operator passwords fast. */
  private verifier: Buffer | undefined
  private readonly verifierKey = randomBytes(32)
  /** Bumped whenever the held key changes (unlock, lock): anything derived from the old key must be dropped. */
  private epochN = 0
  /** Serialises password checks so concurrent attempts cannot race the failure counter. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get initialized(): boolean {
    return getMeta<VaultRecord>(this.db, 'vault') !== undefined
  }

  get epoch(): number {
    return this.epochN
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

  /** Unlocks with the master password (throttled, audited). */
  async unlock(password: string, actor: string): Promise<void> {
    const { dataKey, held } = await this.checkPassword(password, actor, 'vault.unlock')
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
  async authorize(password: string, actor: string, action: string): Promise<KeyGrant> {
    const { dataKey, held } = await this.checkPassword(password, actor, action)
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
   * Checks a password, one attempt at a time, behind a persisted, growing delay after failures. The throttle comes
   * first, so not even the right password gets through while it holds (else guesses could be tested for free).
   * `held` is true when the answer is the daemon's own unlocked key (checked by HMAC, not the KDF).
   */
  private checkPassword(password: string, actor: string, action: string): Promise<{ dataKey: Buffer; held: boolean }> {
    const run = async (): Promise<{ dataKey: Buffer; held: boolean }> => {
      const failures = getMeta<FailureState>(this.db, 'auth_failures') ?? { count: 0, lastAt: 0 }
      const wait = retryAfter(failures, this.now())
      if (wait > 0) {
        appendAudit(this.db, { actor, action, outcome: 'denied', details: { reason: 'throttled', failures: failures.count } })
        throw new WaiaasError('AUTH_THROTTLED', `Too many failed password attempts; try again in ${Math.ceil(wait / 1000)} s`, {
          details: { retryAfterMs: wait, failures: failures.count },
        })
      }
      if (this.dataKey !== undefined && this.verifier !== undefined && timingSafeEqual(this.mac(password), this.verifier)) {
        if (failures.count > 0) deleteMeta(this.db, 'auth_failures')
        return { dataKey: this.dataKey, held: true }
      }
      // Read only on the KDF path: an unlocked daemon has a vault, and this runs on every operator call.
      const record = getMeta<VaultRecord>(this.db, 'vault')
      if (record === undefined) throw new WaiaasError('NOT_INITIALIZED', 'This data directory has no master password yet')
      try {
        const key = await unwrapDataKey(record, password)
        if (failures.count > 0) deleteMeta(this.db, 'auth_failures')
        if (this.dataKey !== undefined) {
          // Unlocked and the password unwrapped the data key, yet the verifier disagreed (it tracks every password
          // change, so this should not happen): trust the KDF, refresh the verifier, keep one copy of the key.
          wipe(key)
          this.verifier = this.mac(password)
          return { dataKey: this.dataKey, held: true }
        }
        return { dataKey: key, held: false }
      } catch (err) {
        if (err instanceof WaiaasError && err.code === 'AUTH_BAD_PASSWORD') {
          const next = { count: failures.count + 1, lastAt: this.now() }
          this.db.transaction(() => {
            setMeta(this.db, 'auth_failures', next)
            appendAudit(this.db, { actor, action, outcome: 'denied', details: { reason: 'bad-password', failures: next.count } })
          })()
          this.log.warn('failed password attempt', { action, failures: next.count })
          throw new WaiaasError('AUTH_BAD_PASSWORD', 'Wrong master password', {
            details: { failures: next.count, retryAfterMs: retryAfter(next, this.now()) },
          })
        }
        throw err
      }
    }
    const result = this.queue.then(run, run)
    this.queue = result.catch(() => undefined)
    return result
  }

  /** Wipes keys; called on shutdown. */
  close(): void {
    this.lock()
    wipe(this.verifierKey)
  }
}

/** Milliseconds until another attempt is allowed: none for the first failures, then doubling from 1 s to 5 min. */
export function retryAfter(state: FailureState, now: number): number {
  if (state.count < FREE_FAILURES) return 0
  const backoff = Math.min(1000 * 2 ** (state.count - FREE_FAILURES), MAX_BACKOFF_MS)
  return Math.max(0, state.lastAt + backoff - now)
}

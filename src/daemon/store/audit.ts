/**
 * The append-only, hash-chained audit log.
 *
 * Each row's hash is SHA-256 over a canonical encoding of its seq, ts, actor, action, target, outcome, details (as
 * the stored canonical JSON text, keys sorted) and the previous row's hash; the first row links to 64 zeros. The hash
 * of the newest row and its seq are also kept in meta (`audit_head`), written in the same transaction as the row.
 *
 * What this detects, for someone who edits the database file with other tools (the triggers stop ordinary UPDATE and
 * DELETE, but anyone who can write the file can drop them):
 * - a changed field in any row (hash-mismatch at that row);
 * - a removed row in the middle (sequence-gap), inserted or reordered rows (prev-hash-mismatch / hash-mismatch);
 * - removed newest rows, which leave a valid-looking shorter chain (head-mismatch against the anchor).
 *   Later appends link to the anchor rather than to the last surviving row, so such a removal stays visible.
 *
 * What it cannot detect: someone with write access who edits rows, recomputes every later hash (the algorithm is not
 * secret and uses no key) AND rewrites the anchor, or who truncates the log and the anchor together. Catching that
 * needs an anchor outside this file (e.g. the head hash periodically sent to the operator or another machine), which
 * is future work. The chain proves internal consistency, not authenticity.
 */
import { createHash } from 'node:crypto'
import { WaiaasError } from '../../lib/errors.js'
import type { Db } from './db.js'
import { inTransaction, prepared } from './statements.js'

export type AuditOutcome = 'ok' | 'denied' | 'failed'

/** What a caller records. `details` must never hold a secret. */
export interface AuditInput {
  actor: string
  action: string
  target?: string | null
  outcome: AuditOutcome
  details?: Record<string, unknown>
}

export interface AuditEntry {
  seq: number
  ts: string
  actor: string
  action: string
  target: string | null
  outcome: AuditOutcome
  details: Record<string, unknown>
  prevHash: string
  hash: string
}

export type AuditBreak = 'hash-mismatch' | 'prev-hash-mismatch' | 'sequence-gap' | 'head-mismatch' | 'unparseable'

export interface AuditVerification {
  valid: boolean
  /** Rows in the log. */
  entries: number
  /** seq and hash of the newest row (0 and the genesis hash when the log is empty). */
  headSeq: number
  headHash: string
  /** The first problem found, in seq order; the head anchor is checked last. */
  brokenAt?: { seq: number; reason: AuditBreak }
}

/** prev_hash of the first row. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64)
/** meta key of the head anchor. */
export const AUDIT_HEAD_KEY = 'audit_head'

const HASH_DOMAIN = 'waiaas-audit/1'
const OUTCOMES: readonly string[] = ['ok', 'denied', 'failed'] satisfies AuditOutcome[]

interface DbAudit {
  seq: number
  ts: string
  actor: string
  action: string
  target: string | null
  outcome: string
  details: string
  prev_hash: string
  hash: string
}

interface Head {
  seq: number
  hash: string
}

/** Who wants to know when an entry is appended, per database (the event stream's waiting calls). */
const appendListeners = new WeakMap<Db, Set<() => void>>()

/**
 * Calls `fn` after every entry appended to `db`, until the returned function is called. It runs inside the writer's
 * transaction, so it must only schedule work (resolve a promise): what it wakes reads after the commit, and finds
 * nothing new when the transaction rolled back.
 */
export function onAuditAppend(db: Db, fn: () => void): () => void {
  let set = appendListeners.get(db)
  if (set === undefined) appendListeners.set(db, (set = new Set()))
  set.add(fn)
  return () => void set.delete(fn)
}

/**
 * Appends one entry and moves the head anchor, atomically. Inside a caller's `db.transaction(...)` it joins that
 * transaction (as a savepoint), so the entry commits or rolls back with the change it records.
 * Throws AUDIT_WRITE_FAILED on any failure (the caller must then not go ahead).
 */
export function appendAudit(db: Db, input: AuditInput, now: Date = new Date()): AuditEntry {
  try {
    if (!OUTCOMES.includes(input.outcome)) throw new Error(`outcome must be ok, denied or failed`)
    const ts = now.toISOString()
    const target = input.target ?? null
    const detailsText = canonicalJson(input.details ?? {})
    return inTransaction(db, () => {
      const prev = previous(db)
      const seq = prev.seq + 1
      const hash = auditHash({ seq, ts, actor: input.actor, action: input.action, target, outcome: input.outcome, details: detailsText, prevHash: prev.hash })
      prepared(db, 'INSERT INTO audit (seq, ts, actor, action, target, outcome, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        seq,
        ts,
        input.actor,
        input.action,
        target,
        input.outcome,
        detailsText,
        prev.hash,
        hash,
      )
      const head: Head = { seq, hash }
      prepared(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(AUDIT_HEAD_KEY, JSON.stringify(head))
      const listeners = appendListeners.get(db)
      if (listeners !== undefined) for (const fn of [...listeners]) fn()
      return {
        seq,
        ts,
        actor: input.actor,
        action: input.action,
        target,
        outcome: input.outcome,
        details: JSON.parse(detailsText) as Record<string, unknown>,
        prevHash: prev.hash,
        hash,
      }
    })
  } catch (err) {
    // No details from the input: they may be what failed, and they are the caller's to keep secret-free anyway.
    throw new WaiaasError('AUDIT_WRITE_FAILED', 'Could not write the audit log', { details: { action: input.action }, cause: err })
  }
}

/**
 * Reads entries. Without `afterSeq`: newest first, below `beforeSeq` if given (page backwards by passing the last
 * seq seen). With `afterSeq`: oldest first, above it (follow the log forwards); `beforeSeq` then bounds it above.
 * `limit` defaults to 100. A row whose details are not a JSON object is returned with details `{ unparseable: true }`;
 * `verifyAudit` reports it.
 */
export function listAudit(db: Db, opts: { limit?: number; afterSeq?: number; beforeSeq?: number; action?: string } = {}): AuditEntry[] {
  const limit = opts.limit ?? 100
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new WaiaasError('INPUT_INVALID', 'limit must be a positive integer', { details: { field: 'limit', value: limit } })
  }
  const where: string[] = []
  const params: (string | number)[] = []
  if (opts.afterSeq !== undefined) {
    where.push('seq > ?')
    params.push(opts.afterSeq)
  }
  if (opts.beforeSeq !== undefined) {
    where.push('seq < ?')
    params.push(opts.beforeSeq)
  }
  if (opts.action !== undefined) {
    where.push('action = ?')
    params.push(opts.action)
  }
  const order = opts.afterSeq === undefined ? 'DESC' : 'ASC'
  const sql = `SELECT seq, ts, actor, action, target, outcome, details, prev_hash, hash FROM audit
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${order} LIMIT ?`
  return prepared<(string | number)[], DbAudit>(db, sql)
    .all(...params, limit)
    .map(toEntry)
}

/** The seq of the newest entry (0 when the log is empty): where a follower that wants only new entries starts. */
export function latestAuditSeq(db: Db): number {
  return prepared<[], { seq: number | null }>(db, 'SELECT max(seq) AS seq FROM audit').get()?.seq ?? 0
}

/**
 * Walks the whole log in seq order without loading it into memory, recomputing each hash, checking each link and
 * that seq runs 1, 2, 3…, then compares the newest row with the head anchor. Reports the first break found.
 */
export function verifyAudit(db: Db): AuditVerification {
  // One read transaction, so the rows and the anchor are the same snapshot.
  return db.transaction((): AuditVerification => {
    const anchorText = prepared<[string], { value: string }>(db, 'SELECT value FROM meta WHERE key = ?').get(AUDIT_HEAD_KEY)?.value
    let entries = 0
    let last: Head = { seq: 0, hash: AUDIT_GENESIS_HASH }
    let brokenAt: AuditVerification['brokenAt']
    const rows = prepared<[], DbAudit>(db, 'SELECT seq, ts, actor, action, target, outcome, details, prev_hash, hash FROM audit ORDER BY seq').iterate()
    for (const r of rows) {
      entries += 1
      if (brokenAt === undefined) brokenAt = checkRow(r, last)
      last = { seq: r.seq, hash: r.hash }
    }
    if (brokenAt === undefined) brokenAt = checkAnchor(anchorText, last, entries)
    const result: AuditVerification = { valid: brokenAt === undefined, entries, headSeq: last.seq, headHash: last.hash }
    if (brokenAt !== undefined) result.brokenAt = brokenAt
    return result
  })()
}

function checkRow(r: DbAudit, prev: Head): AuditVerification['brokenAt'] {
  const textual = [r.ts, r.actor, r.action, r.details, r.prev_hash, r.hash].every((v) => typeof v === 'string')
  if (!textual || !(r.target === null || typeof r.target === 'string') || !OUTCOMES.includes(r.outcome) || parseDetails(r.details) === undefined) {
    return { seq: r.seq, reason: 'unparseable' }
  }
  if (r.seq !== prev.seq + 1) return { seq: r.seq, reason: 'sequence-gap' }
  if (r.prev_hash !== prev.hash) return { seq: r.seq, reason: 'prev-hash-mismatch' }
  const expected = auditHash({ seq: r.seq, ts: r.ts, actor: r.actor, action: r.action, target: r.target, outcome: r.outcome, details: r.details, prevHash: r.prev_hash })
  if (expected !== r.hash) return { seq: r.seq, reason: 'hash-mismatch' }
  return undefined
}

function checkAnchor(anchorText: string | undefined, last: Head, entries: number): AuditVerification['brokenAt'] {
  if (anchorText === undefined) return entries === 0 ? undefined : { seq: last.seq, reason: 'head-mismatch' }
  const anchor = parseHead(anchorText)
  if (anchor === undefined) return { seq: last.seq, reason: 'unparseable' }
  if (anchor.seq !== last.seq || anchor.hash !== last.hash) return { seq: Math.max(anchor.seq, last.seq), reason: 'head-mismatch' }
  return undefined
}

/**
 * Where the next row links to: the anchor, or the newest row if that is further along (or there is no anchor).
 * Linking to the anchor keeps a deletion of the newest rows detectable after later appends; taking the larger seq
 * means a stray row can never make the insert collide.
 */
function previous(db: Db): Head {
  const lastRow = prepared<[], Head>(db, 'SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get()
  const anchorText = prepared<[string], { value: string }>(db, 'SELECT value FROM meta WHERE key = ?').get(AUDIT_HEAD_KEY)?.value
  const anchor = anchorText === undefined ? undefined : parseHead(anchorText)
  if (anchor !== undefined && (lastRow === undefined || anchor.seq >= lastRow.seq)) return anchor
  return lastRow ?? { seq: 0, hash: AUDIT_GENESIS_HASH }
}

/** SHA-256 hex over an unambiguous encoding (a JSON array with a domain tag) of every field but the hash itself. */
export function auditHash(f: { seq: number; ts: string; actor: string; action: string; target: string | null; outcome: string; details: string; prevHash: string }): string {
  const encoded = JSON.stringify([HASH_DOMAIN, f.seq, f.ts, f.actor, f.action, f.target, f.outcome, f.details, f.prevHash])
  return createHash('sha256').update(encoded, 'utf8').digest('hex')
}

/**
 * JSON with object keys sorted (recursively), so equal details always give equal text and therefore equal hashes.
 * Follows JSON.stringify otherwise (toJSON, undefined/functions dropped from objects and null in arrays, non-finite
 * numbers as null), except that bigints become decimal strings. Throws on cycles.
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>()
  const enc = (v: unknown, inArray: boolean): string | undefined => {
    if (typeof v === 'object' && v !== null && 'toJSON' in v && typeof v.toJSON === 'function') v = (v.toJSON as () => unknown)()
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v)
      case 'number':
        return Number.isFinite(v) ? JSON.stringify(v) : 'null'
      case 'boolean':
        return v ? 'true' : 'false'
      case 'bigint':
        return JSON.stringify(v.toString())
      case 'undefined':
      case 'function':
      case 'symbol':
        return inArray ? 'null' : undefined
      case 'object': {
        if (v === null) return 'null'
        if (seen.has(v)) throw new TypeError('audit details contain a cycle')
        seen.add(v)
        let out: string
        if (Array.isArray(v)) {
          out = `[${v.map((x) => enc(x, true) ?? 'null').join(',')}]`
        } else {
          const obj = v as Record<string, unknown>
          const parts: string[] = []
          for (const k of Object.keys(obj).sort()) {
            const e = enc(obj[k], false)
            if (e !== undefined) parts.push(`${JSON.stringify(k)}:${e}`)
          }
          out = `{${parts.join(',')}}`
        }
        seen.delete(v)
        return out
      }
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('audit details must be an object')
  return enc(value, false) ?? '{}'
}

function parseDetails(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function parseHead(text: string): Head | undefined {
  try {
    const v: unknown = JSON.parse(text)
    if (typeof v === 'object' && v !== null && 'seq' in v && 'hash' in v && Number.isSafeInteger(v.seq) && typeof v.hash === 'string') {
      return { seq: v.seq as number, hash: v.hash }
    }
  } catch {
    // fall through
  }
  return undefined
}

function toEntry(r: DbAudit): AuditEntry {
  return {
    seq: r.seq,
    ts: r.ts,
    actor: r.actor,
    action: r.action,
    target: r.target,
    outcome: r.outcome as AuditOutcome,
    details: parseDetails(r.details) ?? { unparseable: true },
    prevHash: r.prev_hash,
    hash: r.hash,
  }
}

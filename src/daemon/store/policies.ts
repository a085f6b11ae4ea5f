/**
 * Policies and their history. Every write bumps the global policy revision (meta `policy_revision`) and appends a
 * row to policy_versions in the same transaction, so the revision a decision names can always be read back. The
 * current set is cached in memory per database and dropped on every write: evaluation reads it without SQL.
 */
import { randomBytes } from 'node:crypto'
import { WaiaasError } from '../../lib/errors.js'
import type { Policy, PolicyType } from '../policy/types.js'
import type { Db } from './db.js'
import { getMeta, setMeta } from './meta.js'
import { inTransaction, prepared } from './statements.js'

export interface PolicyRow extends Policy {
  createdAt: string
  updatedAt: string
}

export interface PolicyVersionRow {
  version: number
  revision: number
  rules: Record<string, unknown>
  enabled: boolean
  removed: boolean
  actor: string
  at: string
}

interface DbPolicy {
  id: string
  wallet_id: string | null
  network: string | null
  type: string
  rules: string
  version: number
  enabled: number
  created_at: string
  updated_at: string
}

const REVISION_KEY = 'policy_revision'
const cache = new WeakMap<Db, PolicyRow[]>()

const revisions = new WeakMap<Db, number>()

/** The global policy revision; cached like the policies and dropped with them on every write. */
export function policyRevision(db: Db): number {
  let r = revisions.get(db)
  if (r === undefined) {
    r = getMeta<number>(db, REVISION_KEY) ?? 0
    revisions.set(db, r)
  }
  return r
}

/** Every policy, cached. */
export function allPolicies(db: Db): readonly PolicyRow[] {
  let rows = cache.get(db)
  if (rows === undefined) {
    rows = prepared<[], DbPolicy>(db, 'SELECT * FROM policies ORDER BY created_at, id').all().map(toPolicy)
    cache.set(db, rows)
  }
  return rows
}

export function getPolicy(db: Db, id: string): PolicyRow {
  const row = allPolicies(db).find((p) => p.id === id)
  if (row === undefined) throw new WaiaasError('POLICY_NOT_FOUND', `No policy with id "${id}"`, { details: { id } })
  return row
}

export function policyHistory(db: Db, id: string): PolicyVersionRow[] {
  return prepared<[string], { version: number; revision: number; rules: string; enabled: number; removed: number; actor: string; at: string }>(
    db,
    'SELECT version, revision, rules, enabled, removed, actor, at FROM policy_versions WHERE policy_id = ? ORDER BY version',
  )
    .all(id)
    .map((r) => ({ version: r.version, revision: r.revision, rules: JSON.parse(r.rules) as Record<string, unknown>, enabled: r.enabled === 1, removed: r.removed === 1, actor: r.actor, at: r.at }))
}

/** Runs a policy write: bumps the revision, records the version, drops the cache. Returns the new revision. */
function write(db: Db, actor: string, p: PolicyRow, removed: boolean, change: () => void): number {
  return inTransaction(db, () => {
    change()
    const revision = (getMeta<number>(db, REVISION_KEY) ?? 0) + 1
    setMeta(db, REVISION_KEY, revision)
    revisions.delete(db)
    prepared(
      db,
      `INSERT INTO policy_versions (policy_id, version, revision, wallet_id, network, type, rules, enabled, removed, actor, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(p.id, p.version, revision, p.walletId, p.network, p.type, JSON.stringify(p.rules), p.enabled ? 1 : 0, removed ? 1 : 0, actor, p.updatedAt)
    cache.delete(db)
    return revision
  })
}

export function insertPolicy(
  db: Db,
  actor: string,
  input: { walletId: string | null; network: string | null; type: PolicyType; rules: Record<string, unknown> },
  now = new Date(),
): { policy: PolicyRow; revision: number } {
  const at = now.toISOString()
  const policy: PolicyRow = { id: `pol_${randomBytes(8).toString('hex')}`, ...input, version: 1, enabled: true, createdAt: at, updatedAt: at }
  const revision = write(db, actor, policy, false, () => {
    prepared(db, 'INSERT INTO policies (id, wallet_id, network, type, rules, version, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?)').run(
      policy.id,
      policy.walletId,
      policy.network,
      policy.type,
      JSON.stringify(policy.rules),
      at,
      at,
    )
  })
  return { policy, revision }
}

export function updatePolicy(
  db: Db,
  actor: string,
  id: string,
  change: { rules?: Record<string, unknown>; enabled?: boolean },
  now = new Date(),
): { policy: PolicyRow; revision: number } {
  const old = getPolicy(db, id)
  const policy: PolicyRow = { ...old, rules: change.rules ?? old.rules, enabled: change.enabled ?? old.enabled, version: old.version + 1, updatedAt: now.toISOString() }
  const revision = write(db, actor, policy, false, () => {
    const { changes } = prepared(db, 'UPDATE policies SET rules = ?, enabled = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?').run(
      JSON.stringify(policy.rules),
      policy.enabled ? 1 : 0,
      policy.version,
      policy.updatedAt,
      id,
      old.version,
    )
    if (changes !== 1) throw new WaiaasError('POLICY_NOT_FOUND', `Policy "${id}" changed or disappeared meanwhile`, { details: { id } })
  })
  return { policy, revision }
}

export function removePolicy(db: Db, actor: string, id: string, now = new Date()): { policy: PolicyRow; revision: number } {
  const old = getPolicy(db, id)
  const tomb: PolicyRow = { ...old, version: old.version + 1, updatedAt: now.toISOString() }
  const revision = write(db, actor, tomb, true, () => {
    prepared(db, 'DELETE FROM policies WHERE id = ?').run(id)
  })
  return { policy: old, revision }
}

/** Policies of a wallet go with it (their history stays). */
export function removeWalletPolicies(db: Db, actor: string, walletId: string): void {
  for (const p of allPolicies(db).filter((x) => x.walletId === walletId)) removePolicy(db, actor, p.id)
}

function toPolicy(r: DbPolicy): PolicyRow {
  return {
    id: r.id,
    walletId: r.wallet_id,
    network: r.network,
    type: r.type as PolicyType,
    rules: JSON.parse(r.rules) as Record<string, unknown>,
    version: r.version,
    enabled: r.enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

/** Drops the cached set; handlers call it after their outer transaction, committed or rolled back. */
export function dropPolicyCache(db: Db): void {
  cache.delete(db)
  revisions.delete(db)
}

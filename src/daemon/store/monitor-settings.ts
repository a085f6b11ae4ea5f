/**
 * What the operator configured for the monitor: the networks to watch (no public network is ever watched unless it
 * is listed here) and per wallet and network the native balance below which one `balance.low` alert is raised.
 */
import type { Db } from './db.js'
import { appendAudit } from './audit.js'
import { forgetCursors } from './incoming.js'
import { inTransaction, prepared } from './statements.js'

export interface WatchRow {
  network: string
  actor: string
  addedAt: number
}

/** The operator's watch list, oldest first. */
export function listWatched(db: Db): WatchRow[] {
  return prepared<[], { network: string; actor: string; added_at: number }>(db, 'SELECT network, actor, added_at FROM incoming_watch ORDER BY added_at, network')
    .all()
    .map((r) => ({ network: r.network, actor: r.actor, addedAt: r.added_at }))
}

/**
 * Adds (true) or removes (false) a network, audited; returns whether anything changed. Removing it drops its scan
 * cursors (watching it again starts at its head instead of catching up on everything since), unless `keepCursors`:
 * the network stays watched for another reason (the devnet's), and its scans go on from where they were.
 */
export function setWatched(db: Db, network: string, watch: boolean, actor: string, opts: { keepCursors?: boolean; now?: number } = {}): boolean {
  const now = opts.now ?? Date.now()
  return inTransaction(db, () => {
    const res = watch
      ? prepared(db, 'INSERT INTO incoming_watch (network, actor, added_at) VALUES (?, ?, ?) ON CONFLICT (network) DO NOTHING').run(network, actor, now)
      : prepared(db, 'DELETE FROM incoming_watch WHERE network = ?').run(network)
    if (!watch && opts.keepCursors !== true) forgetCursors(db, [network])
    if (res.changes > 0) appendAudit(db, { actor, action: watch ? 'incoming.watch' : 'incoming.unwatch', target: network, outcome: 'ok', details: { network } })
    return res.changes > 0
  })
}

export interface LowBalanceRow {
  walletId: string
  network: string
  /** Native minor units. */
  threshold: bigint
  /** An alert was raised and the balance has not come back up since. */
  low: boolean
  /** Native minor units at the last check, null before the first. */
  balance: bigint | null
  checkedAt: number | null
}

interface DbLow {
  wallet_id: string
  network: string
  threshold: string
  low: number
  balance: string | null
  checked_at: number | null
}

const toLow = (r: DbLow): LowBalanceRow => ({
  walletId: r.wallet_id,
  network: r.network,
  threshold: BigInt(r.threshold),
  low: r.low === 1,
  balance: r.balance === null ? null : BigInt(r.balance),
  checkedAt: r.checked_at,
})

/** Thresholds, all or of one network. */
export function listLowBalance(db: Db, network?: string): LowBalanceRow[] {
  const rows =
    network === undefined
      ? prepared<[], DbLow>(db, 'SELECT * FROM low_balance ORDER BY network, wallet_id').all()
      : prepared<[string], DbLow>(db, 'SELECT * FROM low_balance WHERE network = ? ORDER BY wallet_id').all(network)
  return rows.map(toLow)
}

/** Sets (a bigint) or clears (null) a threshold, audited. A new threshold re-arms the alert. */
export function setLowBalance(db: Db, walletId: string, network: string, threshold: bigint | null, actor: string, now = Date.now()): void {
  inTransaction(db, () => {
    if (threshold === null) prepared(db, 'DELETE FROM low_balance WHERE wallet_id = ? AND network = ?').run(walletId, network)
    else {
      prepared(
        db,
        `INSERT INTO low_balance (wallet_id, network, threshold, low, updated_at) VALUES (?, ?, ?, 0, ?)
         ON CONFLICT (wallet_id, network) DO UPDATE SET threshold = excluded.threshold, low = 0, updated_at = excluded.updated_at`,
      ).run(walletId, network, threshold.toString(), now)
    }
    appendAudit(db, {
      actor,
      action: 'incoming.setLowBalance',
      target: walletId,
      outcome: 'ok',
      details: { network, threshold: threshold === null ? null : threshold.toString() },
    })
  })
}

/**
 * Records a balance reading. When it is below the threshold and no alert is outstanding, raises ONE `balance.low`
 * audit entry (in the same transaction); at or above the threshold, re-arms. Returns true when it raised an alert.
 */
export function recordBalance(
  db: Db,
  row: LowBalanceRow,
  balance: bigint,
  info: { symbol: string; decimals: number },
  now = Date.now(),
): boolean {
  return inTransaction(db, () => {
    // Re-read: the operator may have changed or removed the threshold since the scan read it.
    const cur = prepared<[string, string], DbLow>(db, 'SELECT * FROM low_balance WHERE wallet_id = ? AND network = ?').get(row.walletId, row.network)
    if (cur === undefined) return false
    const threshold = BigInt(cur.threshold)
    const below = balance < threshold
    const raise = below && cur.low === 0
    prepared(db, 'UPDATE low_balance SET low = ?, balance = ?, checked_at = ? WHERE wallet_id = ? AND network = ?').run(
      below ? 1 : 0,
      balance.toString(),
      now,
      row.walletId,
      row.network,
    )
    if (raise) {
      appendAudit(db, {
        actor: 'daemon',
        action: 'balance.low',
        target: row.walletId,
        outcome: 'ok',
        details: { network: row.network, balance: balance.toString(), threshold: threshold.toString(), symbol: info.symbol, decimals: info.decimals },
      })
    }
    return raise
  })
}

/**
 * Incoming transfers and the monitor's scan cursors. A scan's findings and its cursor advance are written by
 * `commitScan` in ONE transaction, together with one audit entry per newly recorded transfer (the audit entry is
 * the event that notifications are made from). The UNIQUE (network, tx, idx, wallet) key makes a transfer that is
 * seen twice (two scanned addresses of one wallet, or a scan repeated after a crash) a no-op the second time.
 */
import { randomUUID } from 'node:crypto'
import type { Db } from './db.js'
import { appendAudit } from './audit.js'
import { inTransaction, prepared } from './statements.js'

/** One transfer to one of our wallets, as a scanner found it. `amount` is in minor units. */
export interface FoundTransfer {
  walletId: string
  network: string
  tx: string
  /** EVM: log index, or -1 for the transaction's native value. Solana: the account index in the transaction. */
  index: number
  /** 'native', or the token contract (EVM, checksummed) / mint (Solana). */
  asset: string
  amount: bigint
  decimals: number | null
  symbol: string | null
  from: string | null
  /** Block number (EVM) or slot (Solana). */
  block: number
  /** ms since the epoch, when the node said. */
  blockTime: number | null
}

export interface IncomingRow extends FoundTransfer {
  id: string
  detectedAt: number
}

interface DbIncoming {
  id: string
  wallet_id: string
  network: string
  tx_hash: string
  idx: number
  asset: string
  amount: string
  decimals: number | null
  symbol: string | null
  from_address: string | null
  block: number
  block_time: number | null
  detected_at: number
}

const toRow = (r: DbIncoming): IncomingRow => ({
  id: r.id,
  walletId: r.wallet_id,
  network: r.network,
  tx: r.tx_hash,
  index: r.idx,
  asset: r.asset,
  amount: BigInt(r.amount),
  decimals: r.decimals,
  symbol: r.symbol,
  from: r.from_address,
  block: r.block,
  blockTime: r.block_time,
  detectedAt: r.detected_at,
})

/** A cursor to write: `account` '' is the wallet's own row (see migration 5). */
export interface CursorWrite {
  walletId: string
  network: string
  account: string
  position: string
}

/**
 * Records what one scan found and moves its cursors, atomically: each transfer not recorded before gets a row and an
 * `incoming.transfer` audit entry. Returns the transfers that were new. `guard` runs first inside the transaction and
 * may throw to write nothing (the network was unwatched while the scan ran). Throws AUDIT_WRITE_FAILED (nothing is
 * written then, and the scan is repeated on the next tick).
 */
export function commitScan(db: Db, transfers: readonly FoundTransfer[], cursors: readonly CursorWrite[], guard?: () => void, now = Date.now()): FoundTransfer[] {
  return inTransaction(db, () => {
    guard?.()
    const added: FoundTransfer[] = []
    const insert = prepared(
      db,
      `INSERT INTO incoming (id, wallet_id, network, tx_hash, idx, asset, amount, decimals, symbol, from_address, block, block_time, detected_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (network, tx_hash, idx, wallet_id) DO NOTHING`,
    )
    for (const t of transfers) {
      const res = insert.run(randomUUID(), t.walletId, t.network, t.tx, t.index, t.asset, t.amount.toString(), t.decimals, t.symbol, t.from, t.block, t.blockTime, now)
      if (res.changes === 0) continue
      added.push(t)
      appendAudit(db, {
        actor: 'daemon',
        action: 'incoming.transfer',
        target: t.walletId,
        outcome: 'ok',
        details: {
          network: t.network,
          asset: t.asset,
          amount: t.amount.toString(),
          decimals: t.decimals,
          symbol: t.symbol,
          from: t.from,
          tx: t.tx,
          block: t.block,
        },
      })
    }
    for (const c of cursors) setCursor(db, c, now)
    return added
  })
}

/** Sets one cursor (inside the caller's transaction when there is one). */
function setCursor(db: Db, c: CursorWrite, now = Date.now()): void {
  prepared(
    db,
    `INSERT INTO incoming_cursors (wallet_id, network, account, position, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (wallet_id, network, account) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
  ).run(c.walletId, c.network, c.account, c.position, now)
}

/**
 * Records where watching starts (each wallet's account '' row, see monitor/watch-start.ts), except where the wallet
 * already has a cursor on that network: one scanned or started earlier is never moved by this.
 */
export function recordStarts(db: Db, starts: readonly Omit<CursorWrite, 'account'>[], now = Date.now()): void {
  const insert = prepared(
    db,
    `INSERT INTO incoming_cursors (wallet_id, network, account, position, updated_at) VALUES (?, ?, '', ?, ?)
     ON CONFLICT (wallet_id, network, account) DO NOTHING`,
  )
  inTransaction(db, () => {
    for (const c of starts) insert.run(c.walletId, c.network, c.position, now)
  })
}

/** Drops every cursor of these networks: their wallets start again at the head (see the scanners). */
export function forgetCursors(db: Db, networks: readonly string[]): void {
  for (const n of networks) prepared(db, 'DELETE FROM incoming_cursors WHERE network = ?').run(n)
}

/** Every cursor of one network: wallet id → account → position. */
export function cursorsOf(db: Db, network: string): Map<string, Map<string, string>> {
  const rows = prepared<[string], { wallet_id: string; account: string; position: string }>(
    db,
    'SELECT wallet_id, account, position FROM incoming_cursors WHERE network = ?',
  ).all(network)
  const out = new Map<string, Map<string, string>>()
  for (const r of rows) {
    let m = out.get(r.wallet_id)
    if (m === undefined) out.set(r.wallet_id, (m = new Map()))
    m.set(r.account, r.position)
  }
  return out
}

export interface IncomingQuery {
  walletId?: string
  /** Only these wallets (an agent session's). */
  walletIds?: readonly string[]
  network?: string
  /** ms since the epoch: detected at or after. */
  since?: number
  limit: number
}

/** The WHERE clause and its arguments of a query; null when it can match nothing (no wallets). */
function whereOf(q: Omit<IncomingQuery, 'limit'>): { sql: string; args: unknown[] } | null {
  const where: string[] = []
  const args: unknown[] = []
  if (q.walletId !== undefined) {
    where.push('wallet_id = ?')
    args.push(q.walletId)
  }
  if (q.walletIds !== undefined) {
    if (q.walletIds.length === 0) return null
    where.push(`wallet_id IN (${q.walletIds.map(() => '?').join(', ')})`)
    args.push(...q.walletIds)
  }
  if (q.network !== undefined) {
    where.push('network = ?')
    args.push(q.network)
  }
  if (q.since !== undefined) {
    where.push('detected_at >= ?')
    args.push(q.since)
  }
  return { sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '', args }
}

/** Recorded transfers, newest first (by detection, then block). */
export function listIncoming(db: Db, q: IncomingQuery): IncomingRow[] {
  const w = whereOf(q)
  if (w === null) return []
  return db
    .prepare<unknown[], DbIncoming>(`SELECT * FROM incoming ${w.sql} ORDER BY detected_at DESC, block DESC, idx DESC LIMIT ?`)
    .all(...w.args, q.limit)
    .map(toRow)
}

/** Every recorded transfer matching `q` (no limit), oldest first, one at a time: for summaries over a period. */
export function* eachIncoming(db: Db, q: Omit<IncomingQuery, 'limit'>): Generator<IncomingRow> {
  const w = whereOf(q)
  if (w === null) return
  for (const r of db.prepare<unknown[], DbIncoming>(`SELECT * FROM incoming ${w.sql} ORDER BY detected_at, block, idx`).iterate(...w.args)) yield toRow(r)
}

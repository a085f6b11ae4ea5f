/**
 * Hourly spend totals per wallet (table `spend_hours`): what counted requests add up to per hour of acceptance, the
 * spend ledger's buckets stored. requests.ts keeps them in the transaction that changes a request's counted amounts
 * (insert, decision, settlement, release), so a daemon with a million past requests reads ~720 rows per wallet at
 * start instead of every request of the last month.
 *
 * The totals are trusted only while meta `spend_hours` is set. It is unset by a migration that creates the table and
 * by a trigger when requests are deleted (the daemon never deletes them; tests and repairs may); the next read then
 * rebuilds every total from `requests` in one transaction.
 */
import type { Db } from './db.js'
import { inTransaction, prepared } from './statements.js'

export const HOUR_MS = 3_600_000
const BUILT = 'spend_hours'

/** Amounts per key: `usd` (micro-dollars, all networks) and `<network>|<asset>` (minor units). */
export type Sums = Map<string, bigint>

/** What one counted request adds to its wallet's hour. */
export interface CountedEntry {
  walletId: string
  acceptedAt: number
  network: string
  usdMicros: bigint | null
  amounts: readonly { asset: string; amount: bigint }[]
}

/** The keys and amounts a request adds to its hour (the ledger sums the same keys). */
export function spendKeys(network: string, usdMicros: bigint | null, amounts: readonly { asset: string; amount: bigint }[]): [string, bigint][] {
  const out: [string, bigint][] = amounts.map((a) => [`${network}|${a.asset}`, a.amount])
  if (usdMicros !== null && usdMicros > 0n) out.push(['usd', usdMicros])
  return out
}

/**
 * Adds (`sign` 1n) or takes away (-1n) what a counted request adds to its hour. Call it in the transaction that
 * changes the request, after the change.
 */
export function addToHour(db: Db, e: CountedEntry, sign: bigint): void {
  const keys = spendKeys(e.network, e.usdMicros, e.amounts)
  if (keys.length === 0) return
  const hour = Math.floor(e.acceptedAt / HOUR_MS)
  const row = prepared<[string, number], { sums: string }>(db, 'SELECT sums FROM spend_hours WHERE wallet_id = ? AND hour = ?').get(e.walletId, hour)
  const sums = row === undefined ? {} : (JSON.parse(row.sums) as Record<string, string>)
  for (const [k, v] of keys) sums[k] = (BigInt(sums[k] ?? '0') + sign * v).toString()
  write(db, e.walletId, hour, sums)
}

function write(db: Db, walletId: string, hour: number, sums: Record<string, string>): void {
  prepared(db, 'INSERT INTO spend_hours (wallet_id, hour, sums) VALUES (?, ?, ?) ON CONFLICT (wallet_id, hour) DO UPDATE SET sums = excluded.sums').run(
    walletId,
    hour,
    JSON.stringify(sums),
  )
}

/** A wallet's hourly totals from `fromHour` on (rebuilt from `requests` first if they are not trusted). */
export function spendHoursSince(db: Db, walletId: string, fromHour: number): { hour: number; sums: Sums }[] {
  ensureSpendHours(db)
  return prepared<[string, number], { hour: number; sums: string }>(db, 'SELECT hour, sums FROM spend_hours WHERE wallet_id = ? AND hour >= ?')
    .all(walletId, fromHour)
    .map((r) => ({ hour: r.hour, sums: new Map(Object.entries(JSON.parse(r.sums) as Record<string, string>).map(([k, v]) => [k, BigInt(v)])) }))
}

/** Rebuilds every total from `requests` unless they are trusted (meta `spend_hours`). */
export function ensureSpendHours(db: Db): void {
  if (prepared<[string], { value: string }>(db, 'SELECT value FROM meta WHERE key = ?').get(BUILT) !== undefined) return
  inTransaction(db, () => {
    const all = new Map<string, { walletId: string; hour: number; sums: Map<string, bigint> }>()
    const rows = prepared<[], { wallet_id: string; accepted_at: number; network: string; usd_text: string | null; amounts: string }>(
      db,
      'SELECT wallet_id, accepted_at, network, CAST(usd_micros AS TEXT) AS usd_text, amounts FROM requests WHERE counted = 1 AND accepted_at IS NOT NULL',
    )
    for (const r of rows.iterate()) {
      const hour = Math.floor(r.accepted_at / HOUR_MS)
      const id = `${r.wallet_id}\n${hour}`
      let b = all.get(id)
      if (b === undefined) all.set(id, (b = { walletId: r.wallet_id, hour, sums: new Map() }))
      for (const [k, v] of spendKeys(r.network, r.usd_text === null ? null : BigInt(r.usd_text), parseAmounts(r.amounts))) b.sums.set(k, (b.sums.get(k) ?? 0n) + v)
    }
    prepared(db, 'DELETE FROM spend_hours').run()
    for (const b of all.values()) write(db, b.walletId, b.hour, Object.fromEntries([...b.sums].map(([k, v]) => [k, v.toString()])))
    prepared(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(BUILT, '1')
  })
}

/** The `amounts` column: JSON of [{asset, amount: {$n: decimal}}] (requests.ts writes bigints as {$n}). */
export function parseAmounts(text: string): { asset: string; amount: bigint }[] {
  return (JSON.parse(text) as { asset: string; amount: { $n: string } | string | number }[]).map((a) => ({
    asset: a.asset,
    amount: BigInt(typeof a.amount === 'object' ? a.amount.$n : a.amount),
  }))
}

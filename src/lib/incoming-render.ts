/** Flag parsing and human output of `waiaas incoming …`. Pure: the CLI loads it. */
import type { Output } from './contract.js'
import { WaiaasError } from './errors.js'
import { fields, table, type Column, type TableOptions } from './render.js'

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/**
 * `--since` as an ISO time: an ISO 8601 time as given, or a duration back from `now` ("90s", "30m", "1h", "7d",
 * "2w"). USAGE naming the flag otherwise.
 */
export function sinceFlag(text: string, now: number = Date.now()): string {
  const rel = /^(\d{1,6})([smhdw])$/.exec(text.trim())
  if (rel !== null) return new Date(now - Number(rel[1]) * (UNIT_MS[rel[2] ?? 's'] ?? 1000)).toISOString()
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text))) return text
  throw new WaiaasError('USAGE', `--since must be an ISO time like 2026-01-01T00:00:00Z or a duration like 1h or 7d; got "${text.slice(0, 64)}"`, {
    details: { flag: '--since' },
  })
}

const short = (s: string | null): string => (s === null ? '-' : s.length > 20 ? `${s.slice(0, 8)}…${s.slice(-6)}` : s)

/** The columns of `incoming list`. */
export const INCOMING_COLUMNS: readonly Column[] = [['at', 'TIME'], ['wallet', 'WALLET'], ['network', 'NETWORK'], ['amount', 'AMOUNT'], ['from', 'FROM'], ['tx', 'TX']]

/** Transfers, newest first, one line each (addresses and hashes whole: a terminal cuts them in the middle to fit). */
export function incomingTable(transfers: Output<'incoming.list'>['transfers'], opts: TableOptions = {}): string {
  return table(
    transfers.map((t) => ({
      at: (t.blockTime ?? t.detectedAt).replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      wallet: t.walletName ?? t.walletId,
      network: t.network,
      amount: `${t.amount ?? `${t.raw} (raw)`} ${t.symbol ?? (t.asset === 'native' ? '' : short(t.asset))}`.trim(),
      from: t.from ?? '-',
      tx: t.tx,
    })),
    INCOMING_COLUMNS,
    'No incoming transfers.',
    opts,
  )
}

/** What the monitor watches and the low-balance thresholds. */
export function incomingStatus(s: Output<'incoming.status'>): string {
  const watching = table(
    s.watching.map((w) => ({
      network: `${w.name} (${w.network})`,
      source: w.source,
      through: w.scannedThrough ?? '-',
      last: w.lastError === null ? (w.lastScanAt ?? 'not yet') : `failing: ${w.lastError.code}`,
    })),
    [['network', 'NETWORK'], ['source', 'WATCHED BY'], ['through', 'SCANNED THROUGH'], ['last', 'LAST SCAN']],
    'No network is watched. Watch one with `waiaas incoming watch NETWORK` (the devnet\'s are watched while it runs).',
  )
  const low = table(
    s.lowBalance.map((l) => ({
      wallet: l.walletName ?? l.walletId,
      network: l.network,
      threshold: `${l.threshold} ${l.symbol}`,
      balance: l.balance === null ? '-' : `${l.balance} ${l.symbol}`,
      state: l.low ? 'LOW' : 'ok',
    })),
    [['wallet', 'WALLET'], ['network', 'NETWORK'], ['threshold', 'BELOW'], ['balance', 'BALANCE'], ['state', 'STATE']],
    'No low-balance thresholds.',
  )
  return [fields([['Scan interval', `${s.intervalMs} ms`]]), '', watching, '', low].join('\n')
}

/** Flag parsing and human output of `waiaas incoming …`. Pure: the CLI loads it. */
import type { Output } from '../lib/contract/index.js'
import { DURATIONS, durationBounds, durationFlag, durationGrammar } from '../lib/durations.js'
import { WaiaasError } from '../lib/errors.js'
import { fields, table, type Column, type TableOptions } from './render.js'

/**
 * `--since` as an ISO time: an ISO 8601 time as given, or a duration back from `now` in the one duration grammar
 * ("90s", "30m", "1.5h", "7d", "2w"). INPUT_INVALID naming the flag otherwise.
 */
export function sinceFlag(text: string, now: number = Date.now()): string {
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    if (!Number.isNaN(Date.parse(text))) return text
    throw new WaiaasError('INPUT_INVALID', `--since is not a valid ISO time; got "${text.slice(0, 64)}"`, {
      details: { field: '--since', issue: 'bad-time', value: text.slice(0, 64) },
      hint: `--since takes an ISO 8601 time like 2026-01-01T00:00:00Z, or a duration back from now (${durationBounds(DURATIONS.since)}).`,
    })
  }
  // A plain number is refused rather than read as seconds: "--since 2026" means a year to some and seconds to others.
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) {
    throw new WaiaasError('INPUT_INVALID', `--since needs a unit or a full date; got "${text.slice(0, 64)}"`, {
      details: { field: '--since', issue: 'not-a-duration', value: text.slice(0, 64) },
      hint: `--since takes ${durationGrammar('s').split(';')[0]} (${durationBounds(DURATIONS.since)}), or an ISO 8601 time like 2026-01-01T00:00:00Z.`,
    })
  }
  return new Date(now - durationFlag(text, '--since', DURATIONS.since) * 1000).toISOString()
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

import { formatAmount, parseAmount } from '../../lib/amounts.js'
import { DURATIONS, parseDuration } from '../../lib/durations.js'
import { WaiaasError } from '../../lib/errors.js'
import { assertFamily, resolveNetwork } from '../../lib/networks.js'
import type { Handler } from '../context.js'
import { effectiveNetwork } from '../networks.js'
import { eachIncoming, listIncoming, type IncomingRow } from '../store/incoming.js'
import { listLowBalance, setLowBalance as storeLowBalance, setWatched } from '../store/monitor-settings.js'
import { findWallet, listWallets } from '../store/wallets.js'

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/** `since` as ms since the epoch; INPUT_INVALID naming the field for anything but an ISO 8601 time. */
function parseSince(since: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(since) ? Date.parse(since) : NaN
  if (Number.isNaN(ms)) {
    throw new WaiaasError('INPUT_INVALID', `since must be an ISO 8601 time such as 2026-01-01T00:00:00Z, got ${JSON.stringify(since.slice(0, 64))}`, {
      details: { field: 'since' },
    })
  }
  return ms
}

export const list: Handler<'incoming.list'> = (ctx, p, caller) => {
  const walletId = p.wallet === undefined ? undefined : findWallet(ctx.db, p.wallet).id
  const rows = listIncoming(ctx.db, {
    limit: p.limit,
    ...(walletId !== undefined ? { walletId } : {}),
    // A session without a wallet named sees its own wallets' transfers only.
    ...(caller.session !== undefined ? { walletIds: caller.session.walletIds } : {}),
    ...(p.network !== undefined ? { network: resolveNetwork(p.network).id } : {}),
    ...(p.since !== undefined ? { since: parseSince(p.since) } : {}),
  })
  const names = new Map(listWallets(ctx.db).map((w) => [w.id, w.name]))
  return {
    transfers: rows.map((r: IncomingRow) => ({
      id: r.id,
      walletId: r.walletId,
      walletName: names.get(r.walletId) ?? null,
      network: r.network,
      asset: r.asset,
      symbol: r.symbol,
      decimals: r.decimals,
      amount: r.decimals === null ? null : formatAmount(r.amount, r.decimals),
      raw: r.amount.toString(),
      from: r.from,
      tx: r.tx,
      block: r.block,
      blockTime: iso(r.blockTime),
      detectedAt: new Date(r.detectedAt).toISOString(),
    })),
  }
}

/** The start of a summary's period: an ISO time, or a duration back from `now`. */
function periodStart(since: string, now: number): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(since)) return parseSince(since)
  return now - parseDuration(since, { ...DURATIONS.since, field: 'since' }) * 1000
}

const brief = (r: IncomingRow) => ({
  amount: r.decimals === null ? null : formatAmount(r.amount, r.decimals),
  raw: r.amount.toString(),
  from: r.from,
  tx: r.tx,
  detectedAt: new Date(r.detectedAt).toISOString(),
})

export const summary: Handler<'incoming.summary'> = (ctx, p, caller) => {
  const now = ctx.now()
  const since = periodStart(p.since, now)
  const walletId = p.wallet === undefined ? undefined : findWallet(ctx.db, p.wallet).id
  const groups = new Map<string, Map<string, { first: IncomingRow; count: number; total: bigint; largest: IncomingRow; latest: IncomingRow }>>()
  let count = 0
  for (const r of eachIncoming(ctx.db, {
    since,
    ...(walletId !== undefined ? { walletId } : {}),
    // A session without a wallet named sees its own wallets' transfers only.
    ...(caller.session !== undefined ? { walletIds: caller.session.walletIds } : {}),
    ...(p.network !== undefined ? { network: resolveNetwork(p.network).id } : {}),
  })) {
    if (r.detectedAt > now) continue
    count += 1
    let assets = groups.get(r.walletId)
    if (assets === undefined) groups.set(r.walletId, (assets = new Map()))
    const key = `${r.network}|${r.asset}`
    const g = assets.get(key)
    // Rows come oldest first, so the last seen is the latest; the first of equal amounts stays the largest.
    if (g === undefined) assets.set(key, { first: r, count: 1, total: r.amount, largest: r, latest: r })
    else {
      g.count += 1
      g.total += r.amount
      if (r.amount > g.largest.amount) g.largest = r
      g.latest = r
    }
  }
  const names = new Map(listWallets(ctx.db).map((w) => [w.id, w.name]))
  return {
    since: new Date(since).toISOString(),
    until: new Date(now).toISOString(),
    count,
    wallets: [...groups].map(([id, assets]) => ({
      walletId: id,
      walletName: names.get(id) ?? null,
      assets: [...assets.values()].map((g) => {
        // The decimals of the latest report (a token's decimals learnt later fill in earlier unknowns).
        const decimals = g.latest.decimals ?? g.first.decimals
        return {
          network: g.first.network,
          asset: g.first.asset,
          symbol: g.latest.symbol ?? g.first.symbol,
          decimals,
          count: g.count,
          total: decimals === null ? null : formatAmount(g.total, decimals),
          totalRaw: g.total.toString(),
          largest: brief(g.largest),
          latest: brief(g.latest),
        }
      }),
    })),
  }
}

export const status: Handler<'incoming.status'> = (ctx) => {
  const names = new Map(listWallets(ctx.db).map((w) => [w.id, w.name]))
  const now = ctx.now()
  const watching = ctx.monitor.status().map((s) => ({
    network: s.network,
    name: resolveNetwork(s.network).name,
    source: s.source,
    scannedThrough: s.scannedThrough,
    scans: s.scans,
    lastScanAt: s.lastScanAt?.toISOString() ?? null,
    lagSeconds: s.lastScanAt === null ? null : Math.max(0, Math.floor((now - s.lastScanAt.getTime()) / 1000)),
    lastError: s.lastError === null ? null : { code: s.lastError.code, message: s.lastError.message, at: s.lastError.at.toISOString() },
  }))
  const lags = watching.flatMap((w) => (w.lagSeconds === null ? [] : [w.lagSeconds]))
  return {
    intervalMs: ctx.monitor.intervalMs,
    watching,
    lagSeconds: lags.length === 0 ? null : Math.max(...lags),
    lowBalance: listLowBalance(ctx.db).map((r) => {
      const net = resolveNetwork(r.network)
      return {
        walletId: r.walletId,
        walletName: names.get(r.walletId) ?? null,
        network: r.network,
        symbol: net.nativeSymbol,
        threshold: formatAmount(r.threshold, net.nativeDecimals),
        low: r.low,
        balance: r.balance === null ? null : formatAmount(r.balance, net.nativeDecimals),
        checkedAt: iso(r.checkedAt),
      }
    }),
  }
}

const watchResult = (network: string, watched: boolean, changed: boolean): { network: string; name: string; watched: boolean; changed: boolean } => ({
  network,
  name: resolveNetwork(network).name,
  watched,
  changed,
})

export const watch: Handler<'incoming.watch'> = async (ctx, p, caller) => {
  const net = resolveNetwork(p.network)
  const changed = setWatched(ctx.db, net.id, true, caller.actor)
  // Watched from now on: every wallet starts at the network's head as of this call.
  if (changed) await ctx.monitor.startWatching([net.id])
  ctx.monitor.poke()
  return watchResult(net.id, true, changed)
}

export const unwatch: Handler<'incoming.unwatch'> = (ctx, p, caller) => {
  const net = resolveNetwork(p.network)
  // A local network stays watched while the devnet runs: its scans go on from where they were.
  const changed = setWatched(ctx.db, net.id, false, caller.actor, { keepCursors: ctx.monitor.watchedByDevnet(net.id) })
  return watchResult(net.id, ctx.monitor.watched().has(net.id), changed)
}

export const setLowBalance: Handler<'incoming.setLowBalance'> = (ctx, p, caller) => {
  const wallet = findWallet(ctx.db, p.wallet)
  const net = effectiveNetwork(ctx.db, p.network)
  assertFamily(net, wallet.chain)
  const threshold = p.threshold === null ? null : parseAmount(p.threshold, net.nativeDecimals, 'threshold')
  storeLowBalance(ctx.db, wallet.id, net.id, threshold, caller.actor)
  ctx.monitor.poke()
  return {
    walletId: wallet.id,
    walletName: wallet.name,
    network: net.id,
    symbol: net.nativeSymbol,
    threshold: threshold === null ? null : formatAmount(threshold, net.nativeDecimals),
    watched: ctx.monitor.watched().has(net.id),
  }
}

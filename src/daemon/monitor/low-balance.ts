/**
 * Low-balance alerts: after each scan of a network, the native balance of every wallet with a threshold there is
 * read; the first reading below it raises one `balance.low` audit entry (the notification), and a reading at or above
 * it re-arms the alert. See `recordBalance`.
 */
import type { AnyAdapter } from '../chains/registry.js'
import type { EffectiveNetwork } from '../networks.js'
import type { Db } from '../store/db.js'
import { listLowBalance, recordBalance } from '../store/monitor-settings.js'
import type { WalletRow } from '../store/wallets.js'

/** Checks the thresholds on `net`; returns how many alerts were raised. Throws on an RPC failure (retried next tick). */
export async function checkLowBalances(db: Db, net: EffectiveNetwork, adapter: AnyAdapter, wallets: readonly WalletRow[]): Promise<number> {
  const byId = new Map(wallets.map((w) => [w.id, w]))
  let raised = 0
  for (const row of listLowBalance(db, net.id)) {
    const wallet = byId.get(row.walletId)
    if (wallet === undefined) continue
    const balance = await adapter.getBalance(wallet.address)
    if (recordBalance(db, row, balance.amount, { symbol: net.nativeSymbol, decimals: net.nativeDecimals })) raised++
  }
  return raised
}

import { formatAmount } from '../../lib/amounts.js'
import { WaiaasError } from '../../lib/errors.js'
import { assertFamily, EVM_LOCAL_ID, SOLANA_LOCAL_ID } from '../../lib/networks.js'
import type { Balance } from '../chains/types.js'
import type { DaemonContext, Handler } from '../context.js'
import { effectiveNetwork } from '../networks.js'
import { usdText } from '../pipeline/view.js'
import { findWallet, listWallets, type WalletRow } from '../store/wallets.js'
import { toWallet } from '../wallet-view.js'

/** A balance as shown, with its USD value when a price source knows the asset (never a reason to fail the read). */
async function view(ctx: DaemonContext, network: string, b: Balance): Promise<{ token: string | null; symbol: string; decimals: number; amount: string; raw: string; usd: string | null }> {
  const micros = await ctx.prices.usdMicros({ network, token: b.token, symbol: b.symbol, decimals: b.decimals }, b.amount).catch(() => null)
  return { token: b.token, symbol: b.symbol, decimals: b.decimals, amount: formatAmount(b.amount, b.decimals), raw: b.amount.toString(), usd: usdText(micros) }
}

/** The default wallet until preferences exist: the only one, or a usage error naming `wallet`. */
function onlyWallet(ctx: DaemonContext): WalletRow {
  const all = listWallets(ctx.db)
  if (all.length === 1 && all[0] !== undefined) return all[0]
  throw new WaiaasError('INPUT_INVALID', all.length === 0 ? 'There are no wallets yet' : `There are ${all.length} wallets: name one`, {
    details: { field: 'wallet', wallets: all.length },
    hint: all.length === 0 ? 'Create one with `waiaas wallet create --chain evm`.' : 'Pass --wallet with an id or a name from `waiaas wallet list`.',
  })
}

export const get: Handler<'balance.get'> = async (ctx, params) => {
  const row = params.wallet !== undefined ? findWallet(ctx.db, params.wallet) : onlyWallet(ctx)
  let networkRef = params.network
  if (networkRef === undefined) {
    // Without a network, the local one is the only safe default, and only while the devnet runs.
    if (!ctx.devnet.info().running) {
      throw new WaiaasError('INPUT_INVALID', 'Name the network to read the balance on', { details: { field: 'network' }, hint: 'Pass --network, e.g. --network base.' })
    }
    networkRef = row.chain === 'evm' ? EVM_LOCAL_ID : SOLANA_LOCAL_ID
  }
  const net = effectiveNetwork(ctx.db, networkRef)
  assertFamily(net, row.chain)
  const adapter = await ctx.chains.adapter(net)
  const balances: Balance[] = []
  if (params.token !== undefined) {
    balances.push(await adapter.getBalance(row.address, params.token))
  } else {
    balances.push(await adapter.getBalance(row.address))
    if (adapter.family === 'solana') balances.push(...(await adapter.listTokenBalances(row.address)))
  }
  return { wallet: toWallet(row), network: net.id, balances: await Promise.all(balances.map((b) => view(ctx, net.id, b))) }
}

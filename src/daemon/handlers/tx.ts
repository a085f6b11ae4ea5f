import { formatAmount } from '../../lib/amounts.js'
import { assertFamily } from '../../lib/networks.js'
import type { Handler } from '../context.js'
import { toIntent } from '../intents.js'
import { effectiveNetwork } from '../networks.js'
import { findWallet } from '../store/wallets.js'

export const simulate: Handler<'tx.simulate'> = async (ctx, params) => {
  const row = findWallet(ctx.db, params.wallet)
  const net = effectiveNetwork(ctx.db, params.network)
  assertFamily(net, row.chain)
  const adapter = await ctx.chains.adapter(net)
  const intent = await toIntent(adapter, net, params)
  const prepared = await adapter.prepare(row.address, intent)
  try {
    const sim = await adapter.simulate(prepared)
    return {
      kind: intent.kind,
      network: net.id,
      from: row.address,
      ok: sim.ok,
      fee: { max: formatAmount(sim.fee.maxFee, net.nativeDecimals), symbol: net.nativeSymbol, details: sim.fee.details },
      error: sim.error ?? null,
      logs: sim.logs,
    }
  } finally {
    // A dry run must not hold an EVM nonce.
    if (adapter.family === 'evm') await adapter.releaseNonce(prepared)
  }
}

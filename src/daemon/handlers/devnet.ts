import { parseAmount } from '../../lib/amounts.js'
import { EVM_LOCAL_ID, SOLANA_LOCAL_ID } from '../../lib/networks.js'
import type { Handler } from '../context.js'
import { findWallet } from '../store/wallets.js'
import { toWallet } from '../wallet-view.js'

export const start: Handler<'devnet.start'> = async (ctx) => {
  const info = await ctx.devnet.start()
  // Its networks are watched while it runs: every wallet starts at their heads now (a no-op when it already ran).
  await ctx.monitor.startWatching([EVM_LOCAL_ID, SOLANA_LOCAL_ID])
  return info
}

export const stop: Handler<'devnet.stop'> = (ctx) => ctx.devnet.stop()

export const status: Handler<'devnet.status'> = (ctx) => ctx.devnet.info()

export const fund: Handler<'devnet.fund'> = async (ctx, params) => {
  const row = findWallet(ctx.db, params.wallet)
  const tokens = parseAmount(params.tokenAmount, 6, 'tokenAmount')
  const funded =
    row.chain === 'evm'
      ? await ctx.devnet.fundEvm(row.address, parseAmount(params.amount, 18), tokens)
      : await ctx.devnet.fundSolana(row.address, parseAmount(params.amount, 9), tokens)
  return { wallet: toWallet(row), funded }
}

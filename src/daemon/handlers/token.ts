/** `token.*`: the token registry of each network (built-in well-known tokens and the operator's). */
import { WaiaasError } from '../../lib/errors.js'
import { knownTokens, looksLikeSymbol } from '../../lib/tokens.js'
import type { Handler } from '../context.js'
import { effectiveNetwork, effectiveNetworks } from '../networks.js'
import { appendAudit } from '../store/audit.js'
import { deleteToken, insertToken } from '../store/tokens.js'
import { registryTokens, tokenByAddress, tokenBySymbol } from '../token-registry.js'

export const list: Handler<'token.list'> = (ctx, p) => {
  const networks = p.network === undefined ? effectiveNetworks(ctx.db).map((n) => n.id) : [effectiveNetwork(ctx.db, p.network).id]
  return { tokens: networks.flatMap((id) => registryTokens(ctx.db, id)) }
}

export const resolve: Handler<'token.resolve'> = async (ctx, p) => {
  const net = effectiveNetwork(ctx.db, p.network)
  if (looksLikeSymbol(p.token)) return tokenBySymbol(ctx.db, net.id, p.token)
  const address = (await ctx.chains.adapter(net)).normalizeAddress(p.token, 'token')
  const hit = tokenByAddress(ctx.db, net.id, address)
  if (hit === undefined) {
    throw new WaiaasError('TOKEN_UNKNOWN', `${address} is not in the token registry of ${net.id}`, { details: { field: 'token', network: net.id, address } })
  }
  return hit
}

export const add: Handler<'token.add'> = async (ctx, p, caller) => {
  const net = effectiveNetwork(ctx.db, p.network)
  const adapter = await ctx.chains.adapter(net)
  const address = adapter.normalizeAddress(p.address, 'address')
  const existing = tokenByAddress(ctx.db, net.id, address)
  if (existing !== undefined) {
    throw new WaiaasError(existing.source === 'built-in' ? 'TOKEN_BUILT_IN' : 'TOKEN_EXISTS', `${address} is already in the token registry of ${net.id} as ${existing.symbol}`, {
      details: { field: 'address', network: net.id, token: existing },
    })
  }
  const decimals = p.decimals ?? (await adapter.tokenInfo(address)).decimals
  const row = { network: net.id, address, symbol: p.symbol, decimals, name: p.name ?? null, createdAt: Date.now() }
  ctx.db.transaction(() => {
    if (!insertToken(ctx.db, row)) {
      throw new WaiaasError('TOKEN_EXISTS', `${address} is already in the token registry of ${net.id}`, { details: { field: 'address', network: net.id } })
    }
    appendAudit(ctx.db, { actor: caller.actor, action: 'token.add', target: `${net.id}/${address}`, outcome: 'ok', details: { symbol: p.symbol, decimals } })
  })()
  return { network: net.id, address, symbol: p.symbol, decimals, name: row.name, source: 'operator' }
}

export const remove: Handler<'token.remove'> = async (ctx, p, caller) => {
  const net = effectiveNetwork(ctx.db, p.network)
  const address = (await ctx.chains.adapter(net)).normalizeAddress(p.address, 'address')
  const existing = tokenByAddress(ctx.db, net.id, address)
  if (existing === undefined) {
    throw new WaiaasError('TOKEN_UNKNOWN', `${address} is not in the token registry of ${net.id}`, { details: { field: 'address', network: net.id, address } })
  }
  if (existing.source === 'built-in' || knownTokens(net.id).some((t) => t.address === existing.address)) {
    throw new WaiaasError('TOKEN_BUILT_IN', `${existing.symbol} (${address}) is a built-in token of ${net.id}`, { details: { field: 'address', network: net.id, token: existing } })
  }
  ctx.db.transaction(() => {
    deleteToken(ctx.db, net.id, existing.address)
    appendAudit(ctx.db, { actor: caller.actor, action: 'token.remove', target: `${net.id}/${existing.address}`, outcome: 'ok', details: { symbol: existing.symbol } })
  })()
  return { removed: existing }
}

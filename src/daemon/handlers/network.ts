import type { Network } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { redactUrl } from '../../lib/networks.js'
import type { Handler } from '../context.js'
import { probeNetworks } from '../network-probe.js'
import { effectiveNetwork, effectiveNetworks, type EffectiveNetwork } from '../networks.js'
import { appendAudit } from '../store/audit.js'
import { setNetworkSetting } from '../store/network-settings.js'

/** The public view: the RPC URL is always redacted. */
function toNetwork(n: EffectiveNetwork): Network {
  return {
    id: n.id,
    name: n.name,
    family: n.family,
    aliases: n.aliases,
    chainId: n.chainId ?? null,
    nativeSymbol: n.nativeSymbol,
    nativeDecimals: n.nativeDecimals,
    rpcUrl: n.rpcUrl === null ? null : redactUrl(n.rpcUrl),
    confirmations: n.confirmations,
    testnet: n.testnet,
    local: n.local,
    customized: n.customized,
  }
}

/** Throws INPUT_INVALID unless `url` is an absolute http(s) URL. */
function assertRpcUrl(url: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new WaiaasError('INPUT_INVALID', 'rpcUrl is not a valid URL', { details: { field: 'rpcUrl' } })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new WaiaasError('INPUT_INVALID', `rpcUrl must be http or https, got ${parsed.protocol.replace(':', '')}`, { details: { field: 'rpcUrl' } })
  }
}

export const list: Handler<'network.list'> = (ctx, params) => ({
  networks: effectiveNetworks(ctx.db)
    .filter((n) => params.family === undefined || n.family === params.family)
    .map(toNetwork),
})

export const set: Handler<'network.set'> = (ctx, params, caller) => {
  const net = effectiveNetwork(ctx.db, params.network)
  if (params.rpcUrl !== undefined && params.rpcUrl !== null) assertRpcUrl(params.rpcUrl)
  const patch: { rpcUrl?: string | null; confirmations?: number | null } = {}
  if (params.rpcUrl !== undefined) patch.rpcUrl = params.rpcUrl
  if (params.confirmations !== undefined) patch.confirmations = params.confirmations
  if (Object.keys(patch).length === 0) {
    throw new WaiaasError('INPUT_INVALID', 'Nothing to change: give rpcUrl and/or confirmations', { details: { field: 'rpcUrl' } })
  }
  ctx.db.transaction(() => {
    setNetworkSetting(ctx.db, net.id, patch)
    appendAudit(ctx.db, {
      actor: caller.actor,
      action: 'network.set',
      target: net.id,
      outcome: 'ok',
      details: {
        ...(patch.rpcUrl !== undefined ? { rpcUrl: patch.rpcUrl === null ? null : redactUrl(patch.rpcUrl) } : {}),
        ...(patch.confirmations !== undefined ? { confirmations: patch.confirmations } : {}),
      },
    })
  })()
  return toNetwork(effectiveNetwork(ctx.db, net.id))
}

export const status: Handler<'network.status'> = async (ctx) => ({
  networks: (await probeNetworks(ctx)).map((p) =>
    p.ok
      ? { network: p.network, name: p.label, reachable: true, latencyMs: p.ms, blockAgeSeconds: p.blockTime === null ? null : Math.round(Date.now() / 1000 - p.blockTime), error: null }
      : { network: p.network, name: p.label, reachable: false, latencyMs: null, blockAgeSeconds: null, error: { code: p.code, message: p.reason } },
  ),
})

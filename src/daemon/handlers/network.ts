import { getAddress } from 'ethers'
import type { Network } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { redactUrl } from '../../lib/networks.js'
import type { Handler } from '../context.js'
import { probeNetworks } from '../network-probe.js'
import { effectiveNetwork, effectiveNetworks, type EffectiveNetwork } from '../networks.js'
import { appendAudit } from '../store/audit.js'
import { setNetworkSetting, type NetworkPatch } from '../store/network-settings.js'

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
    batchContract: n.batchContract,
    batchCodeHash: n.batchCodeHash,
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

/**
 * The checksummed batching contract for an EVM network; INPUT_INVALID elsewhere (Solana batches need none) or for
 * anything but a 0x address. Its code is checked when a batch is planned, so it may be set before it is deployed.
 */
function batchContract(net: EffectiveNetwork, address: string): string {
  evmOnly(net, 'batchContract')
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new WaiaasError('INPUT_INVALID_ADDRESS', `\`batchContract\` must be a 0x address with 40 hex digits, got ${JSON.stringify(address.slice(0, 100))}`, { details: { field: 'batchContract' } })
  }
  return getAddress(address.toLowerCase())
}

/** A runtime code hash (0x + 64 hex digits, lower case) trusted for the batcher of an EVM network; INPUT_INVALID otherwise. */
function batchCodeHash(net: EffectiveNetwork, hash: string): string {
  evmOnly(net, 'batchCodeHash')
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) {
    throw new WaiaasError('INPUT_INVALID', `\`batchCodeHash\` must be 0x and 64 hex digits (keccak256 of the runtime code, e.g. \`cast codehash\`), got ${JSON.stringify(hash.slice(0, 100))}`, { details: { field: 'batchCodeHash' } })
  }
  return hash.toLowerCase()
}

function evmOnly(net: EffectiveNetwork, field: string): void {
  if (net.family !== 'evm') {
    throw new WaiaasError('INPUT_INVALID', `${net.name} batches transfers natively: a batching contract is for EVM networks`, { details: { field, network: net.id } })
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
  const patch: NetworkPatch = {}
  if (params.rpcUrl !== undefined) patch.rpcUrl = params.rpcUrl
  if (params.confirmations !== undefined) patch.confirmations = params.confirmations
  if (params.batchContract !== undefined) patch.batchContract = params.batchContract === null ? null : batchContract(net, params.batchContract)
  if (params.batchCodeHash !== undefined) patch.batchCodeHash = params.batchCodeHash === null ? null : batchCodeHash(net, params.batchCodeHash)
  if (Object.keys(patch).length === 0) {
    throw new WaiaasError('INPUT_INVALID', 'Nothing to change: give rpcUrl, confirmations, batchContract and/or batchCodeHash', { details: { field: 'rpcUrl' } })
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
        ...(patch.batchContract !== undefined ? { batchContract: patch.batchContract } : {}),
        ...(patch.batchCodeHash !== undefined ? { batchCodeHash: patch.batchCodeHash } : {}),
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

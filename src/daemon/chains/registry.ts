/**
 * One adapter per network, built on first use from the effective network settings and rebuilt when the operator
 * changes its RPC URL or confirmation depth. Chain libraries are imported only when a network is first used, so an
 * idle daemon that never touches a chain does not load them. All EVM accounts share one nonce manager backed by
 * SQLite, so nonces survive restarts.
 */
import { solanaCommitment } from '../../lib/networks.js'
import { WaiaasError } from '../../lib/errors.js'
import type { EffectiveNetwork } from '../networks.js'
import type { ChainsPort } from '../ports.js'
import type { Db } from '../store/db.js'
import { sqliteNonceStore } from '../store/nonces.js'
import type { EvmAdapter } from './evm/adapter.js'
import type { NonceManager } from './evm/nonce-manager.js'
import type { SolanaAdapter } from './solana/adapter.js'
import type { ChainFamily, OfflineSigner } from './types.js'

export type AnyAdapter = EvmAdapter | SolanaAdapter

export class ChainRegistry implements ChainsPort {
  private readonly adapters = new Map<string, { key: string; adapter: AnyAdapter }>()
  private nonces: NonceManager | undefined

  constructor(private readonly db: Db) {}

  /** The one nonce manager of every EVM account (created on first use). */
  async nonceManager(): Promise<NonceManager> {
    const { NonceManager } = await import('./evm/nonce-manager.js')
    this.nonces ??= new NonceManager(sqliteNonceStore(this.db))
    return this.nonces
  }

  /** The family's signer of what needs no node (loaded on first use; no RPC URL needed). */
  async offlineSigner(family: ChainFamily): Promise<OfflineSigner> {
    if (family === 'evm') return (await import('./evm/offline-signer.js')).evmOfflineSigner
    return (await import('./solana/offline-signer.js')).solanaOfflineSigner
  }

  /** The adapter for a network, from its current settings. Throws CHAIN_RPC_UNREACHABLE when no RPC URL is set. */
  async adapter(net: EffectiveNetwork): Promise<AnyAdapter> {
    if (net.rpcUrl === null) {
      throw new WaiaasError('CHAIN_RPC_UNREACHABLE', `No RPC URL is configured for ${net.name}`, {
        details: { network: net.id },
        hint: `Set one with \`waiaas network set ${net.aliases[0] ?? net.id} --rpc-url URL\`.`,
      })
    }
    const key = `${net.rpcUrl}|${net.confirmations}`
    const hit = this.adapters.get(net.id)
    if (hit !== undefined && hit.key === key) return hit.adapter
    let adapter: AnyAdapter
    if (net.family === 'evm') {
      const { createEvmAdapter } = await import('./evm/adapter.js')
      const nonces = await this.nonceManager()
      adapter = createEvmAdapter({
        network: net.id,
        chainId: net.chainId ?? 0,
        rpcUrl: net.rpcUrl,
        confirmations: net.confirmations,
        nonces,
        nativeSymbol: net.nativeSymbol,
      })
    } else {
      const { createSolanaAdapter } = await import('./solana/adapter.js')
      adapter = createSolanaAdapter({ network: net.id, rpcUrl: net.rpcUrl, commitment: solanaCommitment(net) })
    }
    this.adapters.set(net.id, { key, adapter })
    return adapter
  }
}

/**
 * Block explorers of the public networks, by CAIP-2 id. The daemon's network list carries no explorer (yet): a
 * network that names one (`explorerUrl`) wins; otherwise this table of the well-known public explorers is used.
 * Local networks (anvil, the devnet's Solana) have none.
 */
// The contract's type directly (not through api.ts, which needs the DOM types), so node-side tests can import this.
import type { Output } from '../../src/lib/contract/index.js'

type NetworkView = Output<'network.list'>['networks'][number]

const EVM: Record<number, string> = {
  1: 'https://etherscan.io',
  11155111: 'https://sepolia.etherscan.io',
  8453: 'https://basescan.org',
  84532: 'https://sepolia.basescan.org',
  42161: 'https://arbiscan.io',
  421614: 'https://sepolia.arbiscan.io',
  10: 'https://optimistic.etherscan.io',
  11155420: 'https://sepolia-optimism.etherscan.io',
  137: 'https://polygonscan.com',
  80002: 'https://amoy.polygonscan.com',
  56: 'https://bscscan.com',
  97: 'https://testnet.bscscan.com',
}

const SOLANA_CLUSTER: Record<string, string> = {
  'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp': '',
  'solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1': '?cluster=devnet',
  'solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z': '?cluster=testnet',
}

/** The explorer page of a transaction on `network`, or null (local or unknown networks). */
export function explorerTxUrl(network: NetworkView | undefined, hash: string): string | null {
  if (network === undefined || network.local) return null
  const own = (network as NetworkView & { explorerUrl?: unknown }).explorerUrl
  if (typeof own === 'string' && /^https:\/\//.test(own)) return `${own.replace(/\/$/, '')}/tx/${hash}`
  if (network.family === 'evm' && network.chainId !== null) {
    const base = EVM[network.chainId]
    return base === undefined ? null : `${base}/tx/${hash}`
  }
  const cluster = SOLANA_CLUSTER[network.id]
  return cluster === undefined ? null : `https://explorer.solana.com/tx/${hash}${cluster}`
}

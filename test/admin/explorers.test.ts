/** The admin UI's explorer links: public networks only, from the daemon's own network list. */
import { describe, expect, it } from 'vitest'
import { explorerTxUrl } from '../../admin/src/explorers.js'
import { listNetworks } from '../../src/lib/networks.js'

const HASH = `0x${'ab'.repeat(32)}`
type NetworkView = Parameters<typeof explorerTxUrl>[0] & object
const view = (id: string): NetworkView => {
  const n = listNetworks().find((x) => x.id === id)
  if (n === undefined) throw new Error(`no network ${id}`)
  return { id: n.id, name: n.name, family: n.family, aliases: n.aliases, chainId: n.chainId ?? null, nativeSymbol: n.nativeSymbol, nativeDecimals: n.nativeDecimals, rpcUrl: null, confirmations: n.confirmations, testnet: n.testnet, local: n.local, customized: false } as NetworkView
}

describe('explorerTxUrl', () => {
  it('links public EVM and Solana networks to their explorer', () => {
    expect(explorerTxUrl(view('eip155:1'), HASH)).toBe(`https://etherscan.io/tx/${HASH}`)
    expect(explorerTxUrl(view('eip155:8453'), HASH)).toBe(`https://basescan.org/tx/${HASH}`)
    expect(explorerTxUrl(view('solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp'), 'sig')).toBe('https://explorer.solana.com/tx/sig')
    expect(explorerTxUrl(view('solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1'), 'sig')).toBe('https://explorer.solana.com/tx/sig?cluster=devnet')
  })

  it('has none for local or unknown networks, and prefers an https explorer the daemon names', () => {
    expect(explorerTxUrl(view('eip155:31337'), HASH)).toBeNull()
    expect(explorerTxUrl(view('solana:waiaaslocal000000000000000'), 'sig')).toBeNull()
    expect(explorerTxUrl(undefined, HASH)).toBeNull()
    expect(explorerTxUrl({ ...view('eip155:1'), id: 'eip155:999999', chainId: 999999 }, HASH)).toBeNull()
    const own = { ...view('eip155:1'), explorerUrl: 'https://scan.example/' } as NetworkView
    expect(explorerTxUrl(own, HASH)).toBe(`https://scan.example/tx/${HASH}`)
    expect(explorerTxUrl({ ...own, explorerUrl: 'javascript:alert(1)' } as NetworkView, HASH)).toBe(`https://etherscan.io/tx/${HASH}`)
  })

  it('covers every public network the daemon knows (a new one needs its explorer here)', () => {
    const missing = listNetworks().filter((n) => !n.local && explorerTxUrl(view(n.id), HASH) === null).map((n) => n.id)
    expect(missing).toEqual([])
  })
})

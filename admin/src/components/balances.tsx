/**
 * A wallet's balances on the networks the operator uses: the watched ones, those whose RPC the operator set, and the
 * devnet's while it runs. Never every public network: each would be an RPC call to a node the operator did not choose.
 */
import type { Output } from '../api.js'
import { useCall } from '../data.js'
import { Amount } from './bits.js'
import type { NetworkMap } from './networks.js'

type WalletView = Output<'wallet.show'>
type Balance = Output<'balance.get'>['balances'][number] & { usd?: string | null }

/** The ids of the networks worth a balance call, per chain family. */
export function useBalanceNetworks(networks: NetworkMap): { evm: string[]; solana: string[] } {
  const watched = useCall('incoming.status', {}, ['incoming.watch', 'incoming.unwatch'])
  const devnet = useCall('devnet.status', {}, [])
  const ids = new Set<string>()
  for (const w of watched.data?.watching ?? []) ids.add(w.network)
  for (const n of networks.values()) if (n.customized) ids.add(n.id)
  if (devnet.data?.running === true) {
    if (devnet.data.evm !== null) ids.add(devnet.data.evm.network)
    if (devnet.data.solana !== null) ids.add(devnet.data.solana.network)
  }
  const out = { evm: [] as string[], solana: [] as string[] }
  for (const id of [...ids].sort()) {
    const n = networks.get(id)
    if (n !== undefined) out[n.family].push(n.id)
  }
  return out
}

/** Balances live: refetched when a request confirms, a transfer comes in or the devnet funds. */
const LIVE = ['tx.confirmed', 'incoming.transfer', 'wallet.'] as const

function NetworkBalances(props: { wallet: WalletView; network: string; networks: NetworkMap }) {
  const { data, error, loading } = useCall('balance.get', { wallet: props.wallet.id, network: props.network }, LIVE)
  const name = props.networks.get(props.network)?.name ?? props.network
  return (
    <li>
      <span class="muted">{name}: </span>
      {data === undefined && loading && <span class="muted">loading…</span>}
      {data !== undefined && data.balances.length === 0 && <span class="muted">nothing</span>}
      {data?.balances.map((b: Balance, i) => (
        <span key={b.token ?? 'native'} data-balance={b.token ?? 'native'}>
          {i > 0 && ', '}
          <Amount value={b.amount} symbol={b.symbol} usd={b.usd} />
        </span>
      ))}
      {error !== undefined && data === undefined && <span class="muted"> unavailable ({error.code})</span>}
    </li>
  )
}

export function WalletBalances(props: { wallet: WalletView; networkIds: readonly string[]; networks: NetworkMap }) {
  if (props.networkIds.length === 0) {
    return <p class="muted small">No network in use for this chain: watch one (Settings) or start the devnet to see balances.</p>
  }
  return (
    <ul class="balances" aria-label={`Balances of ${props.wallet.name}`}>
      {props.networkIds.map((n) => (
        <NetworkBalances key={n} wallet={props.wallet} network={n} networks={props.networks} />
      ))}
    </ul>
  )
}

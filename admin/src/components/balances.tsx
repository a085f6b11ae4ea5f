/**
 * A wallet's balances on the networks the operator uses: the watched ones, those whose RPC the operator set, and the
 * devnet's while it runs. Never every public network: each would be an RPC call to a node the operator did not choose.
 */
import type { Output } from '../api.js'
import { useCall } from '../data.js'
import { Amount } from './bits.js'
import type { NetworkMap } from './networks.js'

/** Starting or stopping the devnet is not audited (yet): only a `devnet.*` entry, if one comes, reloads its status (an empty list would mean every entry). */
const DEVNET_LIVE = ['devnet.'] as const

type WalletView = Output<'wallet.show'>
type Balance = Output<'balance.get'>['balances'][number]

export interface BalanceNetworks {
  evm: string[]
  solana: string[]
  /** ERC-20 tokens to show besides the native coin, by network (balance.get lists SPL tokens by itself, not ERC-20s). */
  tokens: Record<string, string[]>
}

/** The ids of the networks worth a balance call, per chain family, and the ERC-20 tokens known there. */
export function useBalanceNetworks(networks: NetworkMap): BalanceNetworks {
  const watched = useCall('incoming.status', {}, ['incoming.watch', 'incoming.unwatch'])
  const devnet = useCall('devnet.status', {}, DEVNET_LIVE)
  const ids = new Set<string>()
  for (const w of watched.data?.watching ?? []) ids.add(w.network)
  for (const n of networks.values()) if (n.customized) ids.add(n.id)
  if (devnet.data?.running === true) {
    if (devnet.data.evm !== null) ids.add(devnet.data.evm.network)
    if (devnet.data.solana !== null) ids.add(devnet.data.solana.network)
  }
  const out: BalanceNetworks = { evm: [], solana: [], tokens: {} }
  const evmToken = devnet.data?.running === true ? devnet.data.evm?.testToken : null
  if (evmToken !== null && evmToken !== undefined && devnet.data?.evm != null) out.tokens[devnet.data.evm.network] = [evmToken]
  for (const id of [...ids].sort()) {
    const n = networks.get(id)
    if (n !== undefined) out[n.family].push(n.id)
  }
  return out
}

/** Balances live: refetched when a request confirms, a transfer comes in or the devnet funds. */
const LIVE = ['tx.confirmed', 'incoming.transfer', 'wallet.'] as const

/** One ERC-20 balance, after the native coin. */
function TokenBalance(props: { wallet: WalletView; network: string; token: string }) {
  const { data } = useCall('balance.get', { wallet: props.wallet.id, network: props.network, token: props.token }, LIVE)
  const b: Balance | undefined = data?.balances[0]
  if (b === undefined) return null
  return (
    <span data-balance={props.token}>
      , <Amount value={b.amount} symbol={b.symbol} usd={b.usd} />
    </span>
  )
}

function NetworkBalances(props: { wallet: WalletView; network: string; networks: NetworkMap; tokens: readonly string[] }) {
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
      {/* Asked alongside the coin, not after it: one round of calls fewer before the page is complete. */}
      {props.tokens.map((t) => <TokenBalance key={t} wallet={props.wallet} network={props.network} token={t} />)}
      {error !== undefined && data === undefined && <span class="muted"> unavailable ({error.code})</span>}
    </li>
  )
}

export function WalletBalances(props: { wallet: WalletView; networkIds: readonly string[]; networks: NetworkMap; tokens?: Record<string, string[]> }) {
  if (props.networkIds.length === 0) {
    return <p class="muted small">No network in use for this chain: watch one (Settings) or start the devnet to see balances.</p>
  }
  return (
    <ul class="balances" aria-label={`Balances of ${props.wallet.name}`}>
      {props.networkIds.map((n) => (
        <NetworkBalances key={n} wallet={props.wallet} network={n} networks={props.networks} tokens={props.wallet.chain === 'evm' ? (props.tokens?.[n] ?? []) : []} />
      ))}
    </ul>
  )
}

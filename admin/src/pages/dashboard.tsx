/**
 * The dashboard: what needs the operator now (approvals, delays about to run, the kill switch), every wallet's
 * balances, the latest requests and incoming transfers, and whether the daemon is healthy. Live: each part refetches
 * when the audit log records something that concerns it.
 */
import { useState } from 'preact/hooks'
import type { Output } from '../api.js'
import { Address, Amount, DataTable, ErrorBox, Loading, Time } from '../components/bits.js'
import { useBalanceNetworks, WalletBalances } from '../components/balances.js'
import { FundButton } from '../components/devnet.js'
import { HealthCard } from '../components/health.js'
import { KillSwitchCard } from '../components/killswitch.js'
import { NetworkName, useNetworks, type NetworkMap } from '../components/networks.js'
import { TxDue, TxTable, kindLabel, txSymbol, type TxView } from '../components/tx.js'
import { useCall } from '../data.js'
import { href } from '../router.js'
import { TxActions } from './transactions/actions.js'
import type { PageProps } from './types.js'

function Waiting(props: { title: string; id: string; requests: readonly TxView[] | undefined; networks: NetworkMap; empty: string }) {
  return (
    <section class="card" aria-labelledby={props.id}>
      <h2 id={props.id}>
        {props.title} {props.requests !== undefined && props.requests.length > 0 && <span class="badge">{props.requests.length}</span>}
      </h2>
      {props.requests !== undefined && props.requests.length === 0 && <p class="muted">{props.empty}</p>}
      <ul class="balances">
        {props.requests?.map((tx) => (
          <li key={tx.id} data-id={tx.id}>
            <a href={href('transactions', tx.id)}>{kindLabel(tx.kind)}</a> of <Amount value={tx.amount} symbol={txSymbol(tx, props.networks)} /> from <strong>{tx.walletName}</strong> to <Address value={tx.to} short />{' '}
            <span class="muted small">
              on <NetworkName id={tx.network} networks={props.networks} /> · <TxDue tx={tx} />
            </span>
            <TxActions tx={tx} networks={props.networks} compact />
          </li>
        ))}
      </ul>
    </section>
  )
}

function Incoming(props: { networks: NetworkMap }) {
  const { data, error } = useCall('incoming.list', { limit: 10 }, ['incoming.transfer'])
  return (
    <>
      <h2>Incoming transfers</h2>
      <ErrorBox error={error} />
      {data !== undefined && (
        <DataTable
          rows={data.transfers}
          caption="Latest incoming transfers"
          empty="None seen yet on the watched networks."
          columns={['Wallet', 'Amount', 'From', 'Chain tx', 'Seen']}
          row={(t) => (
            <tr key={t.id}>
              <td>{t.walletName === null ? <span class="muted">deleted</span> : <a href={href('wallets', t.walletId)}>{t.walletName}</a>}</td>
              <td>
                {t.amount === null ? <span>{t.raw} (raw units)</span> : <Amount value={t.amount} symbol={t.symbol ?? (t.asset === 'native' ? props.networks.get(t.network)?.nativeSymbol : t.asset)} />}
                <div class="muted small">
                  <NetworkName id={t.network} networks={props.networks} />
                </div>
              </td>
              <td>
                <Address value={t.from} short />
              </td>
              <td>
                <Address value={t.tx} short label="transaction hash" />
              </td>
              <td>
                <Time iso={t.detectedAt} />
              </td>
            </tr>
          )}
        />
      )}
    </>
  )
}

function WalletCard(props: { wallet: Output<'wallet.show'>; networkIds: readonly string[]; networks: NetworkMap; tokens: Record<string, string[]> }) {
  const w = props.wallet
  // Funding from the devnet is not an audited act: the balances are fetched again when it is done.
  const [funded, setFunded] = useState(0)
  return (
    <article class="card" aria-labelledby={`wallet-${w.id}`} data-wallet={w.name}>
      <h3 id={`wallet-${w.id}`}>
        <a href={href('wallets', w.id)}>{w.name}</a> <span class="muted small">{w.chain}</span>
      </h3>
      <Address value={w.address} short />
      <WalletBalances key={funded} wallet={w} networkIds={props.networkIds} networks={props.networks} tokens={props.tokens} />
      <div class="actions">
        <FundButton wallet={w} onDone={() => setFunded((n) => n + 1)} />
      </div>
    </article>
  )
}

function Wallets(props: { networks: NetworkMap }) {
  const { data, error, loading } = useCall('wallet.list', {}, ['wallet.'])
  const use = useBalanceNetworks(props.networks)
  return (
    <>
      <h2>Wallets</h2>
      <ErrorBox error={error} />
      <Loading when={data === undefined && loading}>
        {data !== undefined && data.wallets.length === 0 && (
          <p class="muted">
            No wallets yet. <a href={href('wallets')}>Create one</a>.
          </p>
        )}
        <div class="cards">
          {data?.wallets.map((w) => (
            <WalletCard key={w.id} wallet={w} networkIds={use[w.chain]} networks={props.networks} tokens={use.tokens} />
          ))}
        </div>
      </Loading>
    </>
  )
}

export function DashboardPage(_props: PageProps) {
  const networks = useNetworks()
  const approvals = useCall('tx.list', { state: 'awaiting_approval', limit: 50 }, ['tx.'])
  const queued = useCall('tx.list', { state: 'queued', limit: 50 }, ['tx.'])
  const latest = useCall('tx.list', { limit: 10 }, ['tx.'])
  return (
    <>
      <h1>Dashboard</h1>
      <ErrorBox error={approvals.error ?? queued.error} />
      <div class="cards">
        <Waiting title="Awaiting approval" id="dash-approvals" requests={approvals.data?.requests} networks={networks} empty="Nothing awaits your approval." />
        <Waiting title="Delayed" id="dash-queued" requests={queued.data?.requests} networks={networks} empty="No request waits out a delay." />
        <KillSwitchCard />
        <HealthCard networks={networks} />
      </div>
      <Wallets networks={networks} />
      <h2>Latest transactions</h2>
      <ErrorBox error={latest.error} />
      {latest.data !== undefined && <TxTable requests={latest.data.requests} networks={networks} caption="Latest transaction requests" />}
      <p>
        <a href={href('transactions')}>All transactions</a>
      </p>
      <Incoming networks={networks} />
    </>
  )
}

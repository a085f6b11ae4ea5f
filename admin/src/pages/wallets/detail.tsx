/** One wallet: its balances, settings, the policies that apply to it, the sessions that include it and its history. */
import { useState } from 'preact/hooks'
import { Address, ErrorBox, Loading, StateBadge, Time } from '../../components/bits.js'
import { useBalanceNetworks, WalletBalances } from '../../components/balances.js'
import { FundButton } from '../../components/devnet.js'
import { useNetworks } from '../../components/networks.js'
import { TxTable } from '../../components/tx.js'
import { useCall } from '../../data.js'
import { href } from '../../router.js'
import { DeleteWallet, OwnerForm, RenameForm } from './edit.js'

const HISTORY = 10

function Policies(props: { walletId: string }) {
  const { data, error } = useCall('policy.list', { wallet: props.walletId }, ['policy.'])
  return (
    <section class="card" aria-labelledby="w-policies">
      <h2 id="w-policies">Policies</h2>
      <ErrorBox error={error} />
      {data !== undefined && data.policies.length === 0 && <p class="muted">No policy applies: every request is INSTANT up to the defaults.</p>}
      {data !== undefined && data.policies.length > 0 && (
        <ul>
          {data.policies.map((p) => (
            <li key={p.id}>
              <a href={href('policies', p.id)}>{p.type}</a> <span class="muted small">{p.scope}{p.network !== null ? ` · ${p.network}` : ''} · v{p.version}{p.enabled ? '' : ' · disabled'}</span>
            </li>
          ))}
        </ul>
      )}
      {data !== undefined && <p class="muted small">Policy revision {data.revision}. <a href={href('policies')}>Manage policies</a></p>}
    </section>
  )
}

function Sessions(props: { walletId: string }) {
  const { data, error } = useCall('session.list', {}, ['session.'])
  const mine = data?.sessions.filter((s) => s.wallets.some((w) => w.id === props.walletId)) ?? []
  return (
    <section class="card" aria-labelledby="w-sessions">
      <h2 id="w-sessions">Sessions</h2>
      <ErrorBox error={error} />
      {data !== undefined && mine.length === 0 && <p class="muted">No agent session includes this wallet.</p>}
      {mine.length > 0 && (
        <ul>
          {mine.map((s) => (
            <li key={s.id}>
              <a href={href('sessions', s.id)}>{s.name}</a> <StateBadge state={s.status} /> <span class="muted small">{s.permissions.join(', ')} · expires <Time iso={s.expiresAt} /></span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

export function WalletDetail(props: { id: string }) {
  const networks = useNetworks()
  const use = useBalanceNetworks(networks)
  const { data: w, error, loading, reload } = useCall('wallet.show', { wallet: props.id }, ['wallet.'])
  const history = useCall('tx.list', { wallet: props.id, limit: HISTORY }, ['tx.'])
  // Funding from the devnet is not an audited act: the balances are fetched again when it is done.
  const [funded, setFunded] = useState(0)
  if (w === undefined) {
    return (
      <>
        <p>
          <a href={href('wallets')}>← Wallets</a>
        </p>
        <ErrorBox error={error} />
        <Loading when={loading} />
      </>
    )
  }
  return (
    <>
      <p>
        <a href={href('wallets')}>← Wallets</a>
      </p>
      <div class="page-head">
        <h1>{w.name}</h1>
        <div class="row">
          <FundButton wallet={w} onDone={() => setFunded((n) => n + 1)} />
          <DeleteWallet wallet={w} />
        </div>
      </div>
      <div class="cards">
        <section class="card" aria-labelledby="w-about">
          <h2 id="w-about">Wallet</h2>
          <dl class="kv">
            <dt>Address</dt>
            <dd>
              <Address value={w.address} />
            </dd>
            <dt>Chain</dt>
            <dd>{w.chain}</dd>
            <dt>Key</dt>
            <dd>
              {w.source}
              {w.derivationPath !== null && <code class="muted"> {w.derivationPath}</code>}
            </dd>
            <dt>Created</dt>
            <dd>
              <Time iso={w.createdAt} />
            </dd>
            <dt>Id</dt>
            <dd>
              <code>{w.id}</code>
            </dd>
          </dl>
          <p class="muted small">
            Key export stays in the CLI: <code>waiaas wallet export {w.name}</code>
          </p>
        </section>
        <section class="card" aria-labelledby="w-balances">
          <h2 id="w-balances">Balances</h2>
          <WalletBalances key={funded} wallet={w} networkIds={use[w.chain]} networks={networks} tokens={use.tokens} />
        </section>
        <section class="card" aria-labelledby="w-settings">
          <h2 id="w-settings">Settings</h2>
          <RenameForm key={`n-${w.name}`} wallet={w} onDone={reload} />
          <OwnerForm key={`o-${w.owner ?? ''}`} wallet={w} onDone={reload} />
        </section>
        <Policies walletId={w.id} />
        <Sessions walletId={w.id} />
      </div>
      <h2>History</h2>
      <ErrorBox error={history.error} />
      {history.data !== undefined && <TxTable requests={history.data.requests} networks={networks} caption={`Latest requests of ${w.name}`} showWallet={false} />}
      <p>
        <a href={href('transactions', { wallet: w.id })}>All transactions of {w.name}</a>
      </p>
    </>
  )
}

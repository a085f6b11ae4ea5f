/**
 * One request in full: what it does, how the policy decided it (the deciding rule, the policy revision, what would
 * have let it pass), where it is on the chain (hash, explorer link on public networks), and the acts its state allows.
 */
import { Address, Amount, Countdown, ErrorBox, Loading, StateBadge, Time } from '../../components/bits.js'
import { useNetworks } from '../../components/networks.js'
import { kindLabel, txSymbol, type TxView } from '../../components/tx.js'
import { useCall } from '../../data.js'
import { explorerTxUrl } from '../../explorers.js'
import { href } from '../../router.js'
import { TxActions } from './actions.js'

function Decision(props: { tx: TxView }) {
  const d = props.tx.decision
  if (d === null) return <p class="muted">Not decided yet.</p>
  return (
    <dl class="kv">
      <dt>Tier</dt>
      <dd>{props.tx.tier ?? '—'}</dd>
      <dt>Reason</dt>
      <dd>{d.reason}</dd>
      <dt>Deciding rule</dt>
      <dd>
        {d.rule === null ? (
          <span class="muted">none (default)</span>
        ) : (
          <>
            <a href={href('policies', d.rule.policyId)}>{d.rule.type}</a> v{d.rule.version}
            {d.rule.field !== null && (
              <>
                {' '}
                · field <code>{d.rule.field}</code>
              </>
            )}
          </>
        )}
      </dd>
      <dt>Policy revision</dt>
      <dd>{d.policyRevision}</dd>
      {d.delaySeconds !== null && (
        <>
          <dt>Delay</dt>
          <dd>{d.delaySeconds} s</dd>
        </>
      )}
      <dt>Would pass</dt>
      <dd>{d.wouldPass ?? <span class="muted">—</span>}</dd>
    </dl>
  )
}

export function TransactionDetail(props: { id: string }) {
  const networks = useNetworks()
  const { data: tx, error, loading, reload } = useCall('tx.show', { id: props.id }, ['tx.'])
  if (tx === undefined) {
    return (
      <>
        <p>
          <a href={href('transactions')}>← Transactions</a>
        </p>
        <ErrorBox error={error} />
        <Loading when={loading} />
      </>
    )
  }
  const net = networks.get(tx.network)
  const explorer = tx.txHash === null ? null : explorerTxUrl(net, tx.txHash)
  return (
    <>
      <p>
        <a href={href('transactions')}>← Transactions</a>
      </p>
      <div class="page-head">
        <h1>
          {kindLabel(tx.kind)} <StateBadge state={tx.state} />
        </h1>
        <TxActions tx={tx} networks={networks} onDone={reload} />
      </div>
      <ErrorBox error={error} />
      <div class="cards">
        <section class="card" aria-labelledby="tx-what">
          <h2 id="tx-what">What</h2>
          <dl class="kv">
            <dt>Request</dt>
            <dd>
              <code>{tx.id}</code>
            </dd>
            <dt>Wallet</dt>
            <dd>
              <a href={href('wallets', tx.walletId)}>{tx.walletName}</a>
            </dd>
            <dt>From</dt>
            <dd>
              <Address value={tx.from} />
            </dd>
            <dt>{tx.kind === 'contract-call' ? 'Contract' : tx.kind === 'token-approve' ? 'Spender' : 'To'}</dt>
            <dd>
              <Address value={tx.to} />
            </dd>
            <dt>Amount</dt>
            <dd>
              <Amount value={tx.amount} symbol={txSymbol(tx, networks)} usd={tx.usd} />
            </dd>
            {tx.token !== null && (
              <>
                <dt>Token</dt>
                <dd>
                  <Address value={tx.token} />
                </dd>
              </>
            )}
            <dt>Network</dt>
            <dd>
              {net?.name ?? tx.network} <code class="muted">{tx.network}</code>
            </dd>
            <dt>Fee</dt>
            <dd>{tx.fee === null ? <span class="muted">—</span> : <Amount value={tx.fee} symbol={net?.nativeSymbol} />}</dd>
          </dl>
          {tx.actions.length > 0 && (
            <>
              <h3>Decoded call</h3>
              <ul data-testid="actions">
                {tx.actions.map((a, i) => (
                  <li key={i}>{a}</li>
                ))}
              </ul>
            </>
          )}
        </section>
        <section class="card" aria-labelledby="tx-decision">
          <h2 id="tx-decision">Policy decision</h2>
          <Decision tx={tx} />
        </section>
        <section class="card" aria-labelledby="tx-chain">
          <h2 id="tx-chain">Progress</h2>
          <dl class="kv">
            <dt>State</dt>
            <dd>
              <StateBadge state={tx.state} />
              {tx.final && <span class="muted small"> final</span>}
            </dd>
            {tx.state === 'queued' && tx.executeAt !== null && (
              <>
                <dt>Runs</dt>
                <dd>
                  <Countdown iso={tx.executeAt} /> (<Time iso={tx.executeAt} />)
                </dd>
              </>
            )}
            {tx.state === 'awaiting_approval' && tx.expiresAt !== null && (
              <>
                <dt>Expires</dt>
                <dd>
                  <Countdown iso={tx.expiresAt} /> (<Time iso={tx.expiresAt} />)
                </dd>
              </>
            )}
            <dt>Chain tx</dt>
            <dd>
              {tx.txHash === null ? (
                <span class="muted">not broadcast</span>
              ) : (
                <>
                  <Address value={tx.txHash} label="transaction hash" />
                  {explorer !== null && (
                    <div>
                      <a href={explorer} target="_blank" rel="noopener noreferrer">
                        View on explorer
                      </a>
                    </div>
                  )}
                </>
              )}
            </dd>
            {tx.error !== null && (
              <>
                <dt>Error</dt>
                <dd>
                  <code>{tx.error.code}</code> {tx.error.reason}
                </dd>
              </>
            )}
            <dt>Created</dt>
            <dd>
              <Time iso={tx.createdAt} />
            </dd>
            <dt>Updated</dt>
            <dd>
              <Time iso={tx.updatedAt} />
            </dd>
            <dt>Content hash</dt>
            <dd>
              <code>{tx.contentHash}</code>
            </dd>
            {tx.idempotencyKey !== null && (
              <>
                <dt>Idempotency key</dt>
                <dd>
                  <code>{tx.idempotencyKey}</code>
                </dd>
              </>
            )}
          </dl>
        </section>
      </div>
    </>
  )
}

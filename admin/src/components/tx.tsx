/** Transaction requests in a table, and what one does in a sentence: shared by the dashboard, wallets and transactions. */
import type { Output } from '../api.js'
import { href } from '../router.js'
import { Address, Amount, Countdown, DataTable, StateBadge, Time } from './bits.js'
import { NetworkName, type NetworkMap } from './networks.js'

export type TxView = Output<'tx.wait'>
/** A request as tx.show gives it: the view plus its decoded actions. */
export type TxDetail = Output<'tx.show'>

const KIND_LABEL: Record<TxView['kind'], string> = {
  'native-transfer': 'Transfer',
  'token-transfer': 'Token transfer',
  'contract-call': 'Contract call',
  'token-approve': 'Token approval',
  'sign-message': 'Sign message',
  'sign-typed-data': 'Sign typed data',
  'sign-tx': 'Sign transaction',
  batch: 'Batch of transfers',
}

export const kindLabel = (k: TxView['kind']): string => KIND_LABEL[k]

/** The symbol of a request's asset: the daemon's symbol, else the token address, else the network's coin. */
export function txSymbol(tx: TxView, networks: NetworkMap): string {
  return tx.symbol ?? tx.token ?? networks.get(tx.network)?.nativeSymbol ?? ''
}

/** What is due next for a request that waits: the end of its delay or of its approval window. */
export function TxDue(props: { tx: TxView }) {
  const { tx } = props
  if (tx.state === 'queued' && tx.executeAt !== null) return <span>runs <Countdown iso={tx.executeAt} /></span>
  if (tx.state === 'awaiting_approval' && tx.expiresAt !== null) return <span>expires <Countdown iso={tx.expiresAt} /></span>
  return null
}

export function TxTable(props: { requests: readonly TxView[]; networks: NetworkMap; caption: string; showWallet?: boolean; empty?: string }) {
  return (
    <DataTable
      rows={props.requests}
      caption={props.caption}
      empty={props.empty ?? 'No transactions.'}
      columns={['Request', props.showWallet !== false && 'Wallet', 'Amount', 'To', 'State', 'Created']}
      row={(tx) => (
        <tr key={tx.id} data-id={tx.id}>
          <td>
            <a href={href('transactions', tx.id)}>{kindLabel(tx.kind)}</a>
            <div class="muted small">
              <code>{tx.id.slice(0, 12)}</code> · <NetworkName id={tx.network} networks={props.networks} />
            </div>
          </td>
          {props.showWallet !== false && (
            <td>
              <a href={href('wallets', tx.walletId)}>{tx.walletName}</a>
            </td>
          )}
          <td>
            <Amount value={tx.amount} symbol={txSymbol(tx, props.networks)} usd={tx.usd} />
          </td>
          <td>
            <Address value={tx.to} short />
          </td>
          <td>
            <StateBadge state={tx.state} />
            {tx.tier !== null && <span class="muted small"> {tx.tier}</span>}
            <div class="small">
              <TxDue tx={tx} />
            </div>
          </td>
          <td>
            <Time iso={tx.createdAt} />
          </td>
        </tr>
      )}
    />
  )
}

/**
 * Approve, reject, cancel and speed up a request, each behind a dialog that states in full what it is about: the
 * amount with its symbol and network, the recipient, the wallet. The buttons offered are those the request's state
 * allows; the daemon still decides (TX_STATE_CONFLICT shows in the dialog).
 */
import { useState } from 'preact/hooks'
import { call } from '../../api.js'
import { announce } from '../../live.js'
import { Address, Amount } from '../../components/bits.js'
import { Confirm } from '../../components/dialog.js'
import { Field } from '../../components/field.js'
import type { NetworkMap } from '../../components/networks.js'
import { kindLabel, txSymbol, type TxView } from '../../components/tx.js'

type Act = 'approve' | 'reject' | 'cancel' | 'speedUp'

const UNSIGNED = new Set(['queued', 'awaiting_approval', 'approved'])

function allowed(tx: TxView, evm: boolean): Act[] {
  const acts: Act[] = []
  if (tx.state === 'awaiting_approval') acts.push('approve')
  if (tx.state === 'awaiting_approval' || tx.state === 'queued') acts.push('reject')
  if (UNSIGNED.has(tx.state) || (evm && tx.state === 'submitted')) acts.push('cancel')
  if (evm && tx.state === 'submitted') acts.push('speedUp')
  return acts
}

const LABEL: Record<Act, string> = { approve: 'Approve', reject: 'Reject', cancel: 'Cancel request', speedUp: 'Speed up' }

/** The request stated in full, as every dialog shows it. */
export function TxStatement(props: { tx: TxView; networks: NetworkMap }) {
  const { tx, networks } = props
  const net = networks.get(tx.network)
  return (
    <dl class="kv">
      <dt>What</dt>
      <dd>{kindLabel(tx.kind)}</dd>
      <dt>Amount</dt>
      <dd data-testid="dialog-amount">
        <Amount value={tx.amount} symbol={txSymbol(tx, networks)} />
        {tx.token !== null && (
          <div class="small">
            token <Address value={tx.token} />
          </div>
        )}
      </dd>
      <dt>Network</dt>
      <dd>
        {net?.name ?? tx.network} <code class="muted">{tx.network}</code>
      </dd>
      <dt>{tx.kind === 'contract-call' ? 'Contract' : tx.kind === 'token-approve' ? 'Spender' : 'Recipient'}</dt>
      <dd data-testid="dialog-recipient">
        <Address value={tx.to} />
      </dd>
      <dt>From wallet</dt>
      <dd>
        {tx.walletName} <Address value={tx.from} short />
      </dd>
      {tx.fee !== null && (
        <>
          <dt>Fee (max)</dt>
          <dd>
            <Amount value={tx.fee} symbol={net?.nativeSymbol} />
          </dd>
        </>
      )}
    </dl>
  )
}

export function TxActions(props: { tx: TxView; networks: NetworkMap; onDone?: () => void; compact?: boolean }) {
  const { tx, networks } = props
  const [open, setOpen] = useState<Act | null>(null)
  const [reason, setReason] = useState('')
  const [bump, setBump] = useState('20')
  const evm = networks.get(tx.network)?.family === 'evm' || tx.network.startsWith('eip155:')
  const acts = allowed(tx, evm)
  if (acts.length === 0) return null
  const run = async (act: Act): Promise<unknown> => {
    if (act === 'approve') return call('tx.approve', { id: tx.id })
    if (act === 'reject') return call('tx.reject', reason.trim() === '' ? { id: tx.id } : { id: tx.id, reason: reason.trim() })
    if (act === 'cancel') return call('tx.cancel', { id: tx.id })
    return call('tx.speedUp', { id: tx.id, bumpPercent: Number(bump) })
  }
  const close = (): void => {
    setOpen(null)
    setReason('')
    props.onDone?.()
  }
  const label = (a: Act): string => (props.compact === true ? LABEL[a] : `${LABEL[a]}…`)
  return (
    <div class="row">
      {acts.map((a) => (
        <button key={a} type="button" class={a === 'approve' ? 'primary' : a === 'reject' ? 'danger' : ''} onClick={() => setOpen(a)} aria-label={`${LABEL[a]} request ${tx.id}`}>
          {label(a)}
        </button>
      ))}
      {open !== null && (
        <Confirm
          title={`${LABEL[open]} this ${kindLabel(tx.kind).toLowerCase()}?`}
          confirmLabel={LABEL[open]}
          danger={open !== 'approve'}
          onConfirm={() => run(open).then(() => announce(`tx.${open}`))}
          onClose={close}
        >
          <TxStatement tx={tx} networks={networks} />
          {open === 'approve' && <p>It is signed and broadcast at once (unless the kill switch is on).</p>}
          {open === 'cancel' && tx.state === 'submitted' && <p>It is already broadcast: a 0-value replacement with higher fees is sent; it is cancelled only if that lands first.</p>}
          {open === 'reject' && (
            <Field label="Reason (optional)">
              {(id, d) => <input id={id} aria-describedby={d} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
            </Field>
          )}
          {open === 'speedUp' && (
            <Field label="Raise fees by (%)" help="10 to 500; the replacement is still bound by the fee cap.">
              {(id, d) => <input id={id} aria-describedby={d} type="number" min={10} max={500} step={1} value={bump} onInput={(e) => setBump(e.currentTarget.value)} />}
            </Field>
          )}
        </Confirm>
      )}
    </div>
  )
}

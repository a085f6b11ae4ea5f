/** A wallet's settings: rename, set or clear its owner, delete it (typing its name to confirm). */
import { useState } from 'preact/hooks'
import { ApiError, call, type Output } from '../../api.js'
import { Address } from '../../components/bits.js'
import { Confirm } from '../../components/dialog.js'
import { Field } from '../../components/field.js'
import { asApiError } from '../../data.js'
import { announce } from '../../live.js'
import { href, navigate } from '../../router.js'

type WalletView = Output<'wallet.show'>

/** A one-field form that calls the daemon and shows its error under the field. */
function useSubmit(act: () => Promise<unknown>, done: () => void): { busy: boolean; error: ApiError | undefined; submit: (e: Event) => void } {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | undefined>()
  const submit = (e: Event): void => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    act().then(
      () => {
        setBusy(false)
        announce('wallet.changed')
        done()
      },
      (err: unknown) => {
        setBusy(false)
        setError(asApiError(err))
      },
    )
  }
  return { busy, error, submit }
}

export function RenameForm(props: { wallet: WalletView; onDone: () => void }) {
  const [name, setName] = useState(props.wallet.name)
  const s = useSubmit(() => call('wallet.rename', { wallet: props.wallet.id, name: name.trim() }), props.onDone)
  return (
    <form class="inline-form" aria-label="Rename wallet" onSubmit={s.submit}>
      <Field label="Name" error={s.error?.message}>
        {(id, d) => <input id={id} aria-describedby={d} value={name} maxLength={64} autocomplete="off" onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <button type="submit" disabled={s.busy || name.trim() === '' || name.trim() === props.wallet.name}>
        Rename
      </button>
    </form>
  )
}

export function OwnerForm(props: { wallet: WalletView; onDone: () => void }) {
  const [owner, setOwner] = useState(props.wallet.owner ?? '')
  const [clearing, setClearing] = useState(false)
  const s = useSubmit(() => call('wallet.setOwner', { wallet: props.wallet.id, owner: owner.trim() }), props.onDone)
  return (
    <>
      <p>
        Owner: {props.wallet.owner === null ? <span class="muted">none</span> : <Address value={props.wallet.owner} label="owner address" />}
      </p>
      <form class="inline-form" aria-label="Set owner" onSubmit={s.submit}>
        <Field label="Owner address" error={s.error?.message} help="Its signature may approve or reject this wallet's requests; never a key this daemon holds.">
          {(id, d) => <input id={id} aria-describedby={d} value={owner} spellcheck={false} autocomplete="off" onInput={(e) => setOwner(e.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={s.busy || owner.trim() === ''}>
          Set owner
        </button>
        {props.wallet.owner !== null && (
          <button type="button" onClick={() => setClearing(true)}>
            Clear owner
          </button>
        )}
      </form>
      {clearing && (
        <Confirm title={`Clear the owner of ${props.wallet.name}?`} confirmLabel="Clear owner" danger onConfirm={() => call('wallet.setOwner', { wallet: props.wallet.id, owner: null }).then(() => announce('wallet.setOwner'))} onClose={() => (setClearing(false), setOwner(''), props.onDone())}>
          <p>
            <Address value={props.wallet.owner} label="owner address" /> will no longer be able to approve or reject this wallet's requests.
          </p>
        </Confirm>
      )}
    </>
  )
}

export function DeleteWallet(props: { wallet: WalletView }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" class="danger" onClick={() => setOpen(true)}>
        Delete wallet…
      </button>
      {open && (
        <Confirm
          title={`Delete ${props.wallet.name}?`}
          confirmLabel="Delete wallet"
          danger
          typeToConfirm={props.wallet.name}
          onConfirm={async () => {
            await call('wallet.delete', { wallet: props.wallet.id })
            // Away from this page at once: its parts would otherwise load the deleted wallet again (WALLET_NOT_FOUND).
            navigate(href('wallets'))
          }}
          onClose={() => setOpen(false)}
        >
          <p>
            Its encrypted key is deleted. Without an export or a backup, whatever <Address value={props.wallet.address} /> holds can never be moved again.
          </p>
          <p class="muted small">
            Export it first with the CLI: <code>waiaas wallet export {props.wallet.name}</code>
          </p>
        </Confirm>
      )}
    </>
  )
}

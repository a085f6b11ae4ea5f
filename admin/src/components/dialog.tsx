/**
 * Modal dialogs on the native <dialog> element (focus stays inside, Escape cancels). `Confirm` states what will
 * happen in full before an act that moves money or cannot be undone; `PasswordPrompt` asks the master password again
 * for the acts the daemon requires it for. Neither keeps what was typed after it closes.
 */
import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { ApiError } from '../api.js'
import { asApiError } from '../data.js'
import { ErrorBox } from './bits.js'

interface ConfirmProps {
  title: string
  children: ComponentChildren
  confirmLabel: string
  /** Runs the act; the dialog stays open with the error if it fails. */
  onConfirm: (password?: string) => Promise<unknown>
  onClose: () => void
  danger?: boolean
  /** The text the operator must type to enable the button (e.g. a wallet's name before deleting it). */
  typeToConfirm?: string
  /** Ask for the master password too. */
  password?: boolean
}

export function Confirm(props: ConfirmProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const [typed, setTyped] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | undefined>()
  useEffect(() => {
    const d = ref.current
    if (d !== null && !d.open) d.showModal()
    return () => d?.close()
  }, [])
  const blocked = busy || (props.typeToConfirm !== undefined && typed !== props.typeToConfirm) || (props.password === true && password === '')
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    if (blocked) return
    setBusy(true)
    setError(undefined)
    try {
      await props.onConfirm(props.password === true ? password : undefined)
      setPassword('')
      props.onClose()
    } catch (err) {
      setPassword('')
      setError(asApiError(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="dialog-title" onCancel={(e) => (e.preventDefault(), props.onClose())}>
      <form method="dialog" onSubmit={(e) => void submit(e)}>
        <h2 id="dialog-title">{props.title}</h2>
        <div class="dialog-body">{props.children}</div>
        {props.typeToConfirm !== undefined && (
          <label class="field">
            <span>
              Type <code>{props.typeToConfirm}</code> to confirm
            </span>
            <input value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autocomplete="off" spellcheck={false} />
          </label>
        )}
        {props.password === true && (
          <label class="field">
            <span>Master password</span>
            <input type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} autocomplete="current-password" />
          </label>
        )}
        <ErrorBox error={error} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class={props.danger === true ? 'danger' : 'primary'} disabled={blocked}>
            {busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  )
}

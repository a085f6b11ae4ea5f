/**
 * Adding a notification channel: its kind decides which fields it needs (a webhook's URL and signing secret, a
 * Telegram bot's token and chat, an ntfy topic…). Secrets are sent once and stored sealed; the list shows them
 * redacted, never their values.
 */
import { useState } from 'preact/hooks'
import { NOTIFY_EVENTS, NOTIFY_KINDS, type NotifyKind } from '../../../../src/lib/notify-events.js'
import { call, type ApiError, type Input } from '../../api.js'
import { ErrorBox } from '../../components/bits.js'
import { Field } from '../../components/field.js'
import { asApiError } from '../../data.js'
import { allShown, errorAt, fieldErrorsOf } from '../../field-errors.js'

type Key = 'url' | 'secret' | 'botToken' | 'chatId' | 'userId' | 'server' | 'topic' | 'token'
interface Spec {
  key: Key
  label: string
  help: string
  secret?: boolean
  required?: boolean
}

const FIELDS: Record<NotifyKind, Spec[]> = {
  webhook: [
    { key: 'url', label: 'URL', help: 'Where events are POSTed (an http:// or https:// URL)', required: true },
    { key: 'secret', label: 'Signing secret', help: 'Signs each delivery per Standard Webhooks, so the receiver can check it came from this daemon', secret: true, required: true },
  ],
  telegram: [
    { key: 'botToken', label: 'Bot token', help: 'From @BotFather', secret: true, required: true },
    { key: 'chatId', label: 'Chat id', help: 'The chat the bot writes to', required: true },
    { key: 'userId', label: 'Approver user id', help: 'The Telegram user whose Approve/Reject buttons count (optional: no buttons)' },
  ],
  slack: [{ key: 'url', label: 'Incoming-webhook URL', help: 'https://hooks.slack.com/services/…', secret: true, required: true }],
  discord: [{ key: 'url', label: 'Webhook URL', help: 'https://discord.com/api/webhooks/…', secret: true, required: true }],
  ntfy: [
    { key: 'server', label: 'Server', help: 'e.g. https://ntfy.sh', required: true },
    { key: 'topic', label: 'Topic', help: 'The topic to publish to', required: true },
    { key: 'token', label: 'Access token', help: 'For a protected topic (optional)', secret: true },
  ],
}

export function AddChannel(props: { onAdded: () => void }) {
  const [kind, setKind] = useState<NotifyKind>('webhook')
  const [name, setName] = useState('')
  const [values, setValues] = useState<Partial<Record<Key, string>>>({})
  const [events, setEvents] = useState<string[]>([])
  const [error, setError] = useState<ApiError | undefined>()
  const [busy, setBusy] = useState(false)
  const errors = fieldErrorsOf(error)
  const specs = FIELDS[kind]

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const params: Input<'notify.add'> = { kind }
      if (name.trim() !== '') params.name = name.trim()
      if (events.length > 0) params.events = events
      for (const s of specs) {
        const v = values[s.key]?.trim()
        if (v !== undefined && v !== '') params[s.key] = v
      }
      await call('notify.add', params)
      // The secrets typed leave the page's state once the daemon holds them.
      setValues({})
      setName('')
      setEvents([])
      props.onAdded()
    } catch (err) {
      setError(asApiError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card" onSubmit={(e) => void submit(e)} aria-labelledby="add-channel-title">
      <h2 id="add-channel-title">Add a channel</h2>
      <div class="row">
        <Field label="Kind" error={errorAt(errors, 'kind')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={kind} onChange={(e) => (setKind(e.currentTarget.value as NotifyKind), setValues({}), setError(undefined))}>
              {NOTIFY_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Name" error={errorAt(errors, 'name')} help="Optional, e.g. ops-webhook">
          {(id, d) => <input id={id} aria-describedby={d} value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" maxLength={64} />}
        </Field>
      </div>
      {specs.map((s) => (
        <Field key={`${kind}.${s.key}`} label={s.label} error={errorAt(errors, s.key)} help={`${s.help}${s.secret === true ? ' · stored sealed, never shown again' : ''}`}>
          {(id, d) => {
            const common = { id, 'aria-describedby': d, spellcheck: false, required: s.required === true, value: values[s.key] ?? '', onInput: (e: { currentTarget: HTMLInputElement }) => setValues({ ...values, [s.key]: e.currentTarget.value }) }
            return s.secret === true ? <input {...common} type="password" autocomplete="new-password" /> : <input {...common} type="text" autocomplete="off" />
          }}
        </Field>
      ))}
      <details>
        <summary>Events ({events.length === 0 ? 'all' : events.length})</summary>
        <fieldset class="field">
          <legend>Only these events (none ticked: every event)</legend>
          <div class="checks">
            {NOTIFY_EVENTS.map((ev) => (
              <label key={ev}>
                <input type="checkbox" checked={events.includes(ev)} onChange={(e) => setEvents(e.currentTarget.checked ? [...events, ev] : events.filter((x) => x !== ev))} /> <code>{ev}</code>
              </label>
            ))}
          </div>
        </fieldset>
      </details>
      {error !== undefined && !allShown(errors, ['kind', 'name', ...specs.map((s) => s.key)]) && <ErrorBox error={error} />}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add channel'}
        </button>
      </div>
    </form>
  )
}

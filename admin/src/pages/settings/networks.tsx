/**
 * The networks: their RPC URL as the daemon shows it (credentials and API keys redacted: the full URL never reaches
 * the browser) and confirmation depth, each overridable (network.set) or restored to its default.
 */
import { useState } from 'preact/hooks'
import { call, type ApiError, type Output } from '../../api.js'
import { ErrorBox, Loading } from '../../components/bits.js'
import { Field } from '../../components/field.js'
import { asApiError, useCall } from '../../data.js'
import { allShown, errorAt, fieldErrorsOf } from '../../field-errors.js'

type Network = Output<'network.list'>['networks'][number]

function EditNetwork(props: { n: Network; onDone: () => void }) {
  const { n } = props
  // The redacted URL is not offered for editing: saving it back would replace the real one with its redaction.
  const [rpcUrl, setRpcUrl] = useState('')
  const [confirmations, setConfirmations] = useState(String(n.confirmations))
  const [error, setError] = useState<ApiError | undefined>()
  const [busy, setBusy] = useState(false)
  const errors = fieldErrorsOf(error)
  const save = async (params: { rpcUrl?: string | null; confirmations?: number | null }): Promise<void> => {
    setBusy(true)
    setError(undefined)
    try {
      await call('network.set', { network: n.id, ...params })
      props.onDone()
    } catch (err) {
      setError(asApiError(err))
    } finally {
      setBusy(false)
    }
  }
  const submit = (e: Event): void => {
    e.preventDefault()
    const c = confirmations.trim()
    void save({ ...(rpcUrl.trim() !== '' ? { rpcUrl: rpcUrl.trim() } : {}), ...(c !== String(n.confirmations) ? { confirmations: /^\d+$/.test(c) ? Number(c) : (c as unknown as number) } : {}) })
  }
  return (
    <form class="card edit-network" onSubmit={submit} aria-label={`Edit ${n.name}`} noValidate>
      <h3>{n.name}</h3>
      <Field label="New RPC URL" error={errorAt(errors, 'rpcUrl')} help={`Now: ${n.rpcUrl ?? 'none'}. Empty keeps it. Credentials in it are kept by the daemon and shown redacted.`}>
        {(id, d) => <input id={id} aria-describedby={d} type="url" autoFocus value={rpcUrl} onInput={(e) => setRpcUrl(e.currentTarget.value)} autocomplete="off" spellcheck={false} placeholder="https://…" />}
      </Field>
      <Field label="Confirmations" error={errorAt(errors, 'confirmations')} help="Blocks to wait before a transaction counts as confirmed">
        {(id, d) => <input id={id} aria-describedby={d} value={confirmations} onInput={(e) => setConfirmations(e.currentTarget.value)} inputMode="numeric" autocomplete="off" />}
      </Field>
      {error !== undefined && !allShown(errors, ['rpcUrl', 'confirmations']) && <ErrorBox error={error} />}
      <div class="actions">
        {n.customized && (
          <button type="button" disabled={busy} onClick={() => void save({ rpcUrl: null, confirmations: null })}>
            Restore defaults
          </button>
        )}
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  )
}

export function Networks() {
  const list = useCall('network.list', {}, ['network.'])
  const [editing, setEditing] = useState<string | undefined>()
  const edited = list.data?.networks.find((n) => n.id === editing)
  return (
    <section aria-labelledby="networks-title">
      <h2 id="networks-title">Networks</h2>
      <ErrorBox error={list.error} />
      {edited !== undefined && (
        <EditNetwork
          key={edited.id}
          n={edited}
          onDone={() => {
            setEditing(undefined)
            list.reload()
          }}
        />
      )}
      <Loading when={list.data === undefined && list.error === undefined}>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Network</th>
                <th scope="col">RPC URL</th>
                <th scope="col">Confirmations</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data?.networks.map((n) => (
                <tr key={n.id}>
                  <td>
                    <strong>{n.name}</strong> {n.testnet && <span class="badge">testnet</span>} {n.local && <span class="badge">local</span>}
                    <div class="muted">
                      <code>{n.id}</code>
                      {n.aliases.length > 0 && ` · ${n.aliases.join(', ')}`} · {n.nativeSymbol}
                    </div>
                  </td>
                  <td>
                    {n.rpcUrl !== null ? <code>{n.rpcUrl}</code> : <span class="muted">none</span>}
                    {n.customized && <span class="badge">custom</span>}
                  </td>
                  <td>{n.confirmations}</td>
                  <td>
                    <button type="button" onClick={() => setEditing(n.id)} aria-label={`Edit ${n.name}`}>
                      Edit
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Loading>
    </section>
  )
}

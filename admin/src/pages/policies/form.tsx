/**
 * Adding or editing a policy: the scope (global, a wallet, a wallet on one network), the type, and the type's rule
 * fields generated from its module. The daemon validates; its field-level errors are shown next to their fields.
 * Editing replaces the rules (policy.update): the scope and type of a policy stay what they are.
 */
import types from 'virtual:policy-types'
import { useState } from 'preact/hooks'
import { call, type ApiError, type Output } from '../../api.js'
import { ErrorBox } from '../../components/bits.js'
import { Field } from '../../components/field.js'
import { asApiError, useCall } from '../../data.js'
import { allShown, errorAt, fieldErrorsOf } from '../../field-errors.js'
import { formValues, FormShapeError, RuleInput, toRules, type FormValue, type FormValues } from './rule-fields.js'

type Policy = Output<'policy.list'>['policies'][number]
type Scope = 'global' | 'wallet' | 'wallet-network'

const typeInfo = (type: string) => types.find((t) => t.type === type)

export function PolicyForm(props: { policy?: Policy | undefined; onDone: (p: Policy) => void; onCancel: () => void }) {
  const editing = props.policy
  const wallets = useCall('wallet.list', {})
  const networks = useCall('network.list', {})
  const [scope, setScope] = useState<Scope>(editing?.scope ?? 'wallet')
  const [wallet, setWallet] = useState(editing?.walletId ?? '')
  const [network, setNetwork] = useState(editing?.network ?? '')
  const [type, setType] = useState(editing?.type ?? types[0]?.type ?? '')
  const info = typeInfo(type)
  const [values, setValues] = useState<FormValues>(() => formValues(info?.fields ?? [], editing?.rules))
  const [error, setError] = useState<ApiError | undefined>()
  const [shapeErrors, setShapeErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)

  const changeType = (t: string): void => {
    setType(t)
    setValues(formValues(typeInfo(t)?.fields ?? []))
    setError(undefined)
    setShapeErrors({})
  }
  const set = (name: string, v: FormValue): void => setValues((old) => ({ ...old, [name]: v }))
  const errors = { ...fieldErrorsOf(error), ...shapeErrors }
  const paths = ['wallet', 'network', 'type', 'global', ...(info?.fields.map((f) => `rules.${f.name}`) ?? [])]

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    if (info === undefined) return
    setError(undefined)
    setShapeErrors({})
    let rules: Record<string, unknown>
    try {
      rules = toRules(info.fields, values)
    } catch (err) {
      if (err instanceof FormShapeError) return setShapeErrors({ [err.field]: err.message })
      throw err
    }
    setBusy(true)
    try {
      const out =
        editing !== undefined
          ? await call('policy.update', { id: editing.id, rules })
          : await call('policy.add', {
              type,
              rules,
              ...(scope === 'global' ? { global: true } : { wallet }),
              ...(scope === 'wallet-network' ? { network } : {}),
            })
      props.onDone(out.policy)
    } catch (err) {
      setError(asApiError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="policy-form" onSubmit={(e) => void submit(e)} aria-labelledby="policy-form-title" noValidate>
      <h2 id="policy-form-title">{editing !== undefined ? `Edit ${editing.type} policy` : 'Add a policy'}</h2>
      {editing !== undefined ? (
        <p class="muted">
          {editing.scope === 'global' ? 'Every wallet' : `Wallet ${editing.walletName ?? editing.walletId ?? ''}`}
          {editing.network !== null ? ` on ${editing.network}` : ''} · version {editing.version}. Saving replaces the rules and bumps the version.
        </p>
      ) : (
        <>
          <fieldset class="field">
            <legend>Applies to</legend>
            <div class="checks">
              {(
                [
                  ['global', 'Every wallet'],
                  ['wallet', 'One wallet'],
                  ['wallet-network', 'One wallet on one network'],
                ] as const
              ).map(([v, label]) => (
                <label key={v}>
                  <input type="radio" name="scope" value={v} checked={scope === v} onChange={() => setScope(v)} /> {label}
                </label>
              ))}
            </div>
          </fieldset>
          {scope !== 'global' && (
            <Field label="Wallet" error={errorAt(errors, 'wallet')}>
              {(id, describedBy) => (
                <select id={id} aria-describedby={describedBy} value={wallet} onChange={(e) => setWallet(e.currentTarget.value)} required>
                  <option value="">Choose a wallet…</option>
                  {wallets.data?.wallets.map((w) => (
                    <option key={w.id} value={w.id}>
                      {w.name} ({w.chain})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {scope === 'wallet-network' && (
            <Field label="Network" error={errorAt(errors, 'network')}>
              {(id, describedBy) => (
                <select id={id} aria-describedby={describedBy} value={network} onChange={(e) => setNetwork(e.currentTarget.value)} required>
                  <option value="">Choose a network…</option>
                  {networks.data?.networks.map((n) => (
                    <option key={n.id} value={n.id}>
                      {n.name} ({n.aliases[0] ?? n.id})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field label="Type" error={errorAt(errors, 'type')} help={info !== undefined ? info.doc + (info.aliases.length > 0 ? ` Also known as ${info.aliases.join(', ')}.` : '') : undefined}>
            {(id, describedBy) => (
              <select id={id} aria-describedby={describedBy} value={type} onChange={(e) => changeType(e.currentTarget.value)}>
                {types.map((t) => (
                  <option key={t.type} value={t.type}>
                    {t.type}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </>
      )}
      <fieldset class="rules">
        <legend>Rules</legend>
        {info?.fields.map((f) => <RuleInput key={`${type}.${f.name}`} field={f} value={values[f.name]} error={errorAt(errors, `rules.${f.name}`)} onChange={(v) => set(f.name, v)} />)}
      </fieldset>
      {error !== undefined && !allShown(fieldErrorsOf(error), paths) && <ErrorBox error={error} />}
      {error !== undefined && allShown(fieldErrorsOf(error), paths) && (
        <p class="field-error" role="status">
          The daemon refused these rules; see the field marked above.
        </p>
      )}
      <div class="actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy || (editing === undefined && scope !== 'global' && wallet === '') || (scope === 'wallet-network' && editing === undefined && network === '')}>
          {busy ? 'Saving…' : editing !== undefined ? 'Save rules' : 'Add policy'}
        </button>
      </div>
    </form>
  )
}

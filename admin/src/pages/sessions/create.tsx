/** The form of `session.create`: wallets, permissions, lifetime, renewals and an optional daily USD cap. */
import { useState } from 'preact/hooks'
import { call, type ApiError, type Output } from '../../api.js'
import { ErrorBox } from '../../components/bits.js'
import { Field } from '../../components/field.js'
import { asApiError, useCall } from '../../data.js'
import { allShown, errorAt, fieldErrorsOf } from '../../field-errors.js'

type Created = Output<'session.create'>
const PERMISSIONS = [
  ['read', 'Read: balances, history, policies'],
  ['send', 'Send: transfers and contract calls (under policies)'],
  ['sign', 'Sign: messages and typed data (under SIGNING_RULES)'],
] as const

export function CreateSession(props: { onCreated: (c: Created) => void }) {
  const wallets = useCall('wallet.list', {})
  const [name, setName] = useState('')
  const [picked, setPicked] = useState<string[]>([])
  const [perms, setPerms] = useState<string[]>(['read', 'send', 'sign'])
  const [ttl, setTtl] = useState('1d')
  const [renewals, setRenewals] = useState('0')
  const [cap, setCap] = useState('')
  const [error, setError] = useState<ApiError | undefined>()
  const [busy, setBusy] = useState(false)
  const errors = fieldErrorsOf(error)
  const toggle = (list: string[], v: string, on: boolean): string[] => (on ? [...list, v] : list.filter((x) => x !== v))

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const t = ttl.trim()
      const created = await call('session.create', {
        wallets: picked,
        ...(name.trim() !== '' ? { name: name.trim() } : {}),
        ttlSeconds: /^\d+$/.test(t) ? Number(t) : t,
        maxRenewals: /^\d+$/.test(renewals.trim()) ? Number(renewals.trim()) : (renewals as unknown as number),
        permissions: perms as ('read' | 'send' | 'sign')[],
        ...(cap.trim() !== '' ? { limitUsdPerDay: cap.trim() } : {}),
      })
      setName('')
      setPicked([])
      setCap('')
      props.onCreated(created)
    } catch (err) {
      setError(asApiError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="create-session-title" class="card create-session">
      <h2 id="create-session-title">Create a session</h2>
      <Field label="Name" error={errorAt(errors, 'name')} help="Who uses it, e.g. trader (optional)">
        {(id, d) => <input id={id} aria-describedby={d} value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" maxLength={64} />}
      </Field>
      <fieldset class={`field${errorAt(errors, 'wallets') !== undefined ? ' invalid' : ''}`}>
        <legend>Wallets</legend>
        <div class="checks">
          {wallets.data?.wallets.map((w) => (
            <label key={w.id}>
              <input type="checkbox" name="wallet" value={w.name} checked={picked.includes(w.id)} onChange={(e) => setPicked(toggle(picked, w.id, e.currentTarget.checked))} /> {w.name}{' '}
              <span class="muted">({w.chain})</span>
            </label>
          ))}
          {wallets.data?.wallets.length === 0 && <span class="muted">No wallet yet.</span>}
        </div>
        {errorAt(errors, 'wallets') !== undefined && (
          <small class="field-error" role="alert">
            {errorAt(errors, 'wallets')}
          </small>
        )}
      </fieldset>
      <fieldset class={`field${errorAt(errors, 'permissions') !== undefined ? ' invalid' : ''}`}>
        <legend>Permissions</legend>
        <div class="checks column">
          {PERMISSIONS.map(([p, label]) => (
            <label key={p}>
              <input type="checkbox" name="permission" value={p} checked={perms.includes(p)} onChange={(e) => setPerms(toggle(perms, p, e.currentTarget.checked))} /> {label}
            </label>
          ))}
        </div>
        {errorAt(errors, 'permissions') !== undefined && (
          <small class="field-error" role="alert">
            {errorAt(errors, 'permissions')}
          </small>
        )}
      </fieldset>
      <div class="row">
        <Field label="Lifetime" error={errorAt(errors, 'ttlSeconds')} help="Between renewals: 1m to 30d, e.g. 7d">
          {(id, d) => <input id={id} aria-describedby={d} value={ttl} onInput={(e) => setTtl(e.currentTarget.value)} autocomplete="off" />}
        </Field>
        <Field label="Renewals" error={errorAt(errors, 'maxRenewals')} help="How often waiaas mcp may renew it">
          {(id, d) => <input id={id} aria-describedby={d} value={renewals} onInput={(e) => setRenewals(e.currentTarget.value)} inputMode="numeric" autocomplete="off" />}
        </Field>
        <Field label="Daily cap (USD)" error={errorAt(errors, 'limitUsdPerDay')} help="On top of the wallets' policies; empty: none">
          {(id, d) => <input id={id} aria-describedby={d} value={cap} onInput={(e) => setCap(e.currentTarget.value)} inputMode="decimal" autocomplete="off" />}
        </Field>
      </div>
      {error !== undefined && !allShown(errors, ['name', 'wallets', 'permissions', 'ttlSeconds', 'maxRenewals', 'limitUsdPerDay']) && <ErrorBox error={error} />}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || picked.length === 0 || perms.length === 0}>
          {busy ? 'Creating…' : 'Create session'}
        </button>
      </div>
    </form>
  )
}

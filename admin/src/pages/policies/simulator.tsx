/**
 * `policy test` in the browser: a transfer as an agent would send it, and the tier it would get now, the rule that
 * decides it and what would change the outcome. Nothing is signed or reserved.
 */
import { useState } from 'preact/hooks'
import { call, type ApiError, type Output } from '../../api.js'
import { ErrorBox, StateBadge } from '../../components/bits.js'
import { Field } from '../../components/field.js'
import { asApiError, useCall } from '../../data.js'
import { errorAt, fieldErrorsOf } from '../../field-errors.js'

type Result = Output<'policy.test'>
type Verdict = Result['decisive']

function RuleLine(props: { v: Verdict }) {
  const r = props.v.rule
  if (r === null) return <span>the daemon's default rule</span>
  return (
    <span>
      {r.type} <code>{r.policyId}</code> v{r.version}
      {r.field !== null && (
        <>
          , field <code>{r.field}</code>
        </>
      )}
    </span>
  )
}

export function PolicySimulator() {
  const wallets = useCall('wallet.list', {})
  const networks = useCall('network.list', {})
  const [form, setForm] = useState({ wallet: '', network: '', to: '', amount: '', token: '' })
  const [result, setResult] = useState<Result | undefined>()
  const [error, setError] = useState<ApiError | undefined>()
  const [busy, setBusy] = useState(false)
  const errors = fieldErrorsOf(error)
  const chain = wallets.data?.wallets.find((w) => w.id === form.wallet)?.chain
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value })

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const params = { wallet: form.wallet, network: form.network, ...(form.to.trim() !== '' ? { to: form.to.trim() } : {}), ...(form.amount.trim() !== '' ? { amount: form.amount.trim() } : {}), ...(form.token.trim() !== '' ? { token: form.token.trim() } : {}) }
      setResult(await call('policy.test', params))
    } catch (err) {
      setResult(undefined)
      setError(asApiError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section aria-labelledby="sim-title" class="simulator">
      <h2 id="sim-title">Test a transfer</h2>
      <p class="muted">Which tier a transfer would get now, which rule decides and what would change it. Nothing is signed or reserved.</p>
      <form onSubmit={(e) => void submit(e)} class="grid-form">
        <Field label="Wallet" error={errorAt(errors, 'wallet')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={form.wallet} onChange={set('wallet')} required>
              <option value="">Choose a wallet…</option>
              {wallets.data?.wallets.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name} ({w.chain})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Network" error={errorAt(errors, 'network')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={form.network} onChange={set('network')} required>
              <option value="">Choose a network…</option>
              {networks.data?.networks
                .filter((n) => chain === undefined || n.family === chain)
                .map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.name} ({n.aliases[0] ?? n.id})
                  </option>
                ))}
            </select>
          )}
        </Field>
        <Field label="To" error={errorAt(errors, 'to')}>
          {(id, d) => <input id={id} aria-describedby={d} value={form.to} onInput={set('to')} autocomplete="off" spellcheck={false} placeholder="0x… or base58" />}
        </Field>
        <Field label="Amount" error={errorAt(errors, 'amount')} help="In whole units, e.g. 0.01">
          {(id, d) => <input id={id} aria-describedby={d} value={form.amount} onInput={set('amount')} inputMode="decimal" autocomplete="off" />}
        </Field>
        <Field label="Token (optional)" error={errorAt(errors, 'token')} help="An ERC-20 contract or SPL mint; empty for the native coin">
          {(id, d) => <input id={id} aria-describedby={d} value={form.token} onInput={set('token')} autocomplete="off" spellcheck={false} />}
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || form.wallet === '' || form.network === ''}>
            {busy ? 'Testing…' : 'Test'}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {result !== undefined && (
        <div class="card sim-result" aria-live="polite" data-tier={result.tier}>
          <p class="sim-tier">
            Tier: <StateBadge state={result.tier} />
            {result.delaySeconds !== null && <span class="muted"> (waits {result.delaySeconds} s)</span>}
          </p>
          <dl class="kv">
            <dt>Decided by</dt>
            <dd>
              <RuleLine v={result.decisive} />
            </dd>
            <dt>Why</dt>
            <dd>{result.decisive.reason}</dd>
            <dt>What would change it</dt>
            <dd>{result.decisive.wouldPass ?? <span class="muted">nothing short of another policy</span>}</dd>
            {result.usd !== null && (
              <>
                <dt>Value</dt>
                <dd>≈ ${result.usd}</dd>
              </>
            )}
            {result.maxFee !== null && (
              <>
                <dt>Max fee</dt>
                <dd>
                  <span class="num">{result.maxFee}</span> (native)
                </dd>
              </>
            )}
            <dt>Policy revision</dt>
            <dd>{result.policyRevision}</dd>
          </dl>
          {result.verdicts.length > 1 && (
            <details>
              <summary>Every verdict ({result.verdicts.length})</summary>
              <ul>
                {result.verdicts.map((v, i) => (
                  <li key={i}>
                    <StateBadge state={v.tier} /> <RuleLine v={v} />: {v.reason}
                    {v.wouldPass !== null && <span class="muted"> — {v.wouldPass}</span>}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  )
}

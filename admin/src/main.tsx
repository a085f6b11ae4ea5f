/** The admin console: the login form until there is an admin session, then the shell with its pages. */
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { ApiError, login, onSessionChange, restore } from './api.js'
import { ErrorBox } from './components/bits.js'
import { Field } from './components/field.js'
import { Shell } from './shell.js'
import './style.css'

function Login(props: { onDone: () => void }) {
  const [password, setPassword] = useState('')
  const [error, setError] = useState<ApiError | undefined>()
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await login(password)
      props.onDone()
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('INTERNAL', String(err), 0))
    } finally {
      // The password lives only in this input while typing; it is gone once the attempt is over.
      setPassword('')
      setBusy(false)
    }
  }
  return (
    <main class="login">
      <h1>waiaas</h1>
      <form onSubmit={(e) => void submit(e)} aria-label="Log in">
        <Field label="Master password">
          {(id, describedBy) => (
            <input id={id} type="password" aria-describedby={describedBy} autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          )}
        </Field>
        <ErrorBox error={error} />
        <button type="submit" class="primary" disabled={busy || password === ''}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
      </form>
    </main>
  )
}

function App() {
  const [state, setState] = useState<'checking' | 'out' | 'in'>('checking')
  const [error, setError] = useState<ApiError | undefined>()
  useEffect(() => {
    restore().then(
      (s) => setState(s === null ? 'out' : 'in'),
      (err: unknown) => {
        setError(err instanceof ApiError ? err : new ApiError('INTERNAL', String(err), 0))
        setState('out')
      },
    )
    return onSessionChange((loggedIn) => setState(loggedIn ? 'in' : 'out'))
  }, [])
  if (state === 'checking') return <p class="muted">Loading…</p>
  if (state === 'out') {
    return (
      <>
        <ErrorBox error={error} />
        <Login onDone={() => setState('in')} />
      </>
    )
  }
  return <Shell />
}

const root = document.getElementById('app')
if (root !== null) render(<App />, root)

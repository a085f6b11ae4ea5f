/** Every wallet, and the form that creates one (a new random key; importing a key stays in the CLI). */
import { useState } from 'preact/hooks'
import { ApiError, call } from '../../api.js'
import { Address, DataTable, ErrorBox, Loading, Time } from '../../components/bits.js'
import { FundButton } from '../../components/devnet.js'
import { Field } from '../../components/field.js'
import { asApiError, useCall } from '../../data.js'
import { announce } from '../../live.js'
import { href, navigate } from '../../router.js'

function CreateWallet(props: { onCreated: () => void }) {
  const [chain, setChain] = useState<'evm' | 'solana'>('evm')
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | undefined>()
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const w = await call('wallet.create', name.trim() === '' ? { chain } : { chain, name: name.trim() })
      setName('')
      announce('wallet.create')
      props.onCreated()
      navigate(href('wallets', w.id))
    } catch (err) {
      setError(asApiError(err))
    } finally {
      setBusy(false)
    }
  }
  const nameError = error?.code === 'INPUT_INVALID_NAME' || error?.code === 'WALLET_NAME_TAKEN' ? error.message : error?.fieldErrors().name
  return (
    <form class="card" aria-labelledby="create-title" onSubmit={(e) => void submit(e)}>
      <h2 id="create-title">Create a wallet</h2>
      <div class="inline-form">
        <Field label="Chain">
          {(id) => (
            <select id={id} value={chain} onChange={(e) => setChain(e.currentTarget.value as 'evm' | 'solana')}>
              <option value="evm">EVM</option>
              <option value="solana">Solana</option>
            </select>
          )}
        </Field>
        <Field label="Name" error={nameError} help="Optional; a name is made up when left empty.">
          {(id, d) => <input id={id} aria-describedby={d} value={name} maxLength={64} autocomplete="off" onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create wallet'}
        </button>
      </div>
      {nameError === undefined && <ErrorBox error={error} />}
      <p class="muted small">
        To import an existing key, use the CLI (keys are never typed into a browser): <code>waiaas wallet import --chain evm --name my-wallet</code>
      </p>
    </form>
  )
}

export function WalletList() {
  const { data, error, loading, reload } = useCall('wallet.list', {}, ['wallet.'])
  return (
    <>
      <h1>Wallets</h1>
      <ErrorBox error={error} />
      <Loading when={data === undefined && loading}>
        {data !== undefined && (
          <DataTable
            rows={data.wallets}
            caption="Wallets"
            empty="No wallets yet."
            columns={['Name', 'Chain', 'Address', 'Owner', 'Created', <span class="sr-only">Actions</span>]}
            row={(w) => (
              <tr key={w.id} data-wallet={w.name}>
                <td>
                  <a href={href('wallets', w.id)}>{w.name}</a>
                </td>
                <td>{w.chain}</td>
                <td>
                  <Address value={w.address} short />
                </td>
                <td>{w.owner === null ? <span class="muted">none</span> : <Address value={w.owner} short label="owner address" />}</td>
                <td>
                  <Time iso={w.createdAt} />
                </td>
                <td>
                  <FundButton wallet={w} />
                </td>
              </tr>
            )}
          />
        )}
      </Loading>
      <CreateWallet onCreated={reload} />
    </>
  )
}

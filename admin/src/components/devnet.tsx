/** The devnet's "Fund" action: native coins and the test token on the wallet's local network, while the devnet runs. */
import { useState } from 'preact/hooks'
import { call, type Output } from '../api.js'
import { useCall } from '../data.js'
import { announce } from '../live.js'
import { Confirm } from './dialog.js'

/** Starting or stopping the devnet is not audited (yet): only a `devnet.*` entry, if one comes, reloads its status (an empty list would mean every entry). */
const DEVNET_LIVE = ['devnet.'] as const

type WalletView = Output<'wallet.show'>

export function FundButton(props: { wallet: WalletView; onDone?: () => void }) {
  const devnet = useCall('devnet.status', {}, DEVNET_LIVE)
  const [open, setOpen] = useState(false)
  const [result, setResult] = useState<string | null>(null)
  const d = devnet.data
  const local = props.wallet.chain === 'evm' ? d?.evm : d?.solana
  if (d?.running !== true || local === null || local === undefined) return null
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} aria-label={`Fund ${props.wallet.name} from the devnet`}>
        Fund
      </button>
      {result !== null && (
        <span class="muted small" role="status">
          {result}
        </span>
      )}
      {open && (
        <Confirm
          title={`Fund ${props.wallet.name} from the devnet?`}
          confirmLabel="Fund"
          onConfirm={async () => {
            const r = await call('devnet.fund', { wallet: props.wallet.id })
            setResult(`Funded: ${r.funded.map((f) => `${f.amount} ${f.asset}`).join(', ')}`)
            announce('wallet.funded')
            props.onDone?.()
          }}
          onClose={() => setOpen(false)}
        >
          <p>
            Sends the devnet's default amounts (10 {props.wallet.chain === 'evm' ? 'ETH' : 'SOL'} and 1000 of the test token) to this wallet on the local network{' '}
            <code>{local.network}</code>. Local test coins only.
          </p>
        </Confirm>
      )}
    </>
  )
}

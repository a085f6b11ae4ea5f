/**
 * The kill switch: its state, who turned it on and why, and the button. Turning it on asks only for a confirmation
 * (stopping is always allowed); turning it off asks the master password again, as the daemon requires.
 */
import { useState } from 'preact/hooks'
import { call } from '../api.js'
import { useCall } from '../data.js'
import { announce } from '../live.js'
import { ErrorBox, Time } from './bits.js'
import { Confirm } from './dialog.js'
import { Field } from './field.js'

export function KillSwitchCard() {
  const { data, error, reload } = useCall('killswitch.status', {}, ['killswitch.'])
  const [open, setOpen] = useState<'on' | 'off' | null>(null)
  const [reason, setReason] = useState('')
  const on = data?.on === true
  return (
    <section class={`card killswitch${on ? ' on' : ''}`} aria-labelledby="ks-title">
      <h2 id="ks-title">Kill switch</h2>
      <ErrorBox error={error} />
      {data !== undefined && (
        <>
          <p role="status" data-state={on ? 'on' : 'off'}>
            {on ? (
              <>
                <strong>ON</strong>: nothing is signed or broadcast; queued work is held.
              </>
            ) : (
              'Off: signing runs normally.'
            )}
          </p>
          {on && (
            <dl class="kv">
              <dt>Since</dt>
              <dd>
                <Time iso={data.since} />
              </dd>
              <dt>By</dt>
              <dd>{data.actor ?? '—'}</dd>
              <dt>Reason</dt>
              <dd>{data.reason ?? <span class="muted">none given</span>}</dd>
            </dl>
          )}
          <div class="actions">
            {on ? (
              <button type="button" onClick={() => setOpen('off')}>
                Turn kill switch off…
              </button>
            ) : (
              <button type="button" class="danger" onClick={() => setOpen('on')}>
                Turn kill switch on…
              </button>
            )}
          </div>
        </>
      )}
      {open === 'on' && (
        <Confirm
          title="Turn the kill switch on?"
          confirmLabel="Stop all signing"
          danger
          onConfirm={() => call('killswitch.on', reason.trim() === '' ? {} : { reason: reason.trim() }).then(() => announce('killswitch.on'))}
          onClose={() => (setOpen(null), setReason(''), reload())}
        >
          <p>Every wallet stops signing at once: nothing is signed or broadcast until it is turned off (which needs the master password).</p>
          <Field label="Reason (optional)">{(id, d) => <input id={id} aria-describedby={d} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}</Field>
        </Confirm>
      )}
      {open === 'off' && (
        <Confirm title="Turn the kill switch off?" confirmLabel="Resume signing" password onConfirm={(password) => call('killswitch.off', {}, password === undefined ? {} : { password }).then(() => announce('killswitch.off'))} onClose={() => (setOpen(null), reload())}>
          <p>Signing resumes and held work continues. The daemon asks for the master password again.</p>
        </Confirm>
      )}
    </section>
  )
}

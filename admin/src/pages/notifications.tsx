/**
 * Notifications: the channels (secrets redacted), a test send to each, adding and removing them, and the delivery
 * log. Live: channel changes and every request event (which is what gets delivered) refresh the views.
 */
import './admin-pages.css'
import { useState } from 'preact/hooks'
import { call, type ApiError, type Output } from '../api.js'
import { DataTable, ErrorBox, Loading, StateBadge, Time } from '../components/bits.js'
import { Confirm } from '../components/dialog.js'
import { asApiError, useCall } from '../data.js'
import { AddChannel } from './notifications/add.js'
import type { PageProps } from './types.js'

type Channel = Output<'notify.list'>['channels'][number]
type TestResult = Output<'notify.test'>

function Channels(props: { channels: Channel[]; onChanged: () => void }) {
  const [removing, setRemoving] = useState<Channel | undefined>()
  const [tested, setTested] = useState<Record<string, TestResult | ApiError | 'busy'>>({})
  const test = async (c: Channel): Promise<void> => {
    setTested((t) => ({ ...t, [c.id]: 'busy' }))
    try {
      const r = await call('notify.test', { id: c.id })
      setTested((t) => ({ ...t, [c.id]: r }))
    } catch (err) {
      setTested((t) => ({ ...t, [c.id]: asApiError(err) }))
    }
    props.onChanged()
  }
  if (props.channels.length === 0) return <p class="muted">No channel yet: nothing is sent anywhere.</p>
  return (
    <>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Target</th>
              <th scope="col">Events</th>
              <th scope="col">Delivered / failed / queued</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.channels.map((c) => {
              const t = tested[c.id]
              return (
                <tr key={c.id}>
                  <td>
                    <strong>{c.name}</strong> <span class="badge">{c.kind}</span>
                    {!c.enabled && <span class="badge state-cancelled">disabled</span>}
                    <div class="muted">
                      <code>{c.id}</code>
                    </div>
                  </td>
                  <td>
                    <code>{c.target}</code>
                    {c.chatId !== null && <div class="muted">chat {c.chatId}</div>}
                    {c.secrets.length > 0 && <div class="muted">sealed: {c.secrets.join(', ')}</div>}
                  </td>
                  <td>{c.events === null ? 'all' : c.events.join(', ')}</td>
                  <td>
                    {c.delivered} / {c.failed} / {c.queued}
                    {c.retryAt !== null && (
                      <div class="warn-text">
                        {c.failures} failures in a row; next try <Time iso={c.retryAt} />
                      </div>
                    )}
                  </td>
                  <td class="row-actions">
                    <button type="button" onClick={() => void test(c)} disabled={t === 'busy'} aria-label={`Send a test to ${c.name}`}>
                      {t === 'busy' ? 'Sending…' : 'Test'}
                    </button>
                    <button type="button" class="danger-outline" onClick={() => setRemoving(c)} aria-label={`Remove channel ${c.name}`}>
                      Remove
                    </button>
                    {t !== undefined && t !== 'busy' && (
                      <p role="status" class={'ok' in t && t.ok ? 'ok-text' : 'field-error'}>
                        {'ok' in t ? (t.ok ? `Delivered (HTTP ${t.status ?? '—'})` : `Failed${t.status !== null ? ` (HTTP ${t.status})` : ''}: ${t.error ?? ''}`) : `${t.code}: ${t.message}`}
                      </p>
                    )}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {removing !== undefined && (
        <Confirm title={`Remove channel “${removing.name}”?`} confirmLabel="Remove channel" danger onConfirm={() => call('notify.remove', { id: removing.id }).then(props.onChanged)} onClose={() => setRemoving(undefined)}>
          <p>Nothing more is sent to {removing.target}; what is still queued for it is dropped. Its delivery log stays.</p>
        </Confirm>
      )}
    </>
  )
}

function Deliveries() {
  const [channel, setChannel] = useState('')
  const log = useCall('notify.deliveries', { limit: 100, ...(channel !== '' ? { channel } : {}) }, ['notify.', 'tx.', 'incoming.', 'killswitch.', 'balance.', 'auth.'])
  const channels = useCall('notify.list', {})
  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Delivery log</h2>
      <div class="toolbar">
        <label class="field">
          <span>Channel</span>
          <select value={channel} onChange={(e) => setChannel(e.currentTarget.value)}>
            <option value="">All channels</option>
            {channels.data?.channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={log.reload}>
          Refresh
        </button>
      </div>
      <ErrorBox error={log.error} />
      <Loading when={log.data === undefined && log.error === undefined}>
        {log.data !== undefined && (
          <DataTable
            rows={log.data.deliveries}
            empty="Nothing delivered yet."
            columns={['When', 'Event', 'Channel', 'State', 'Attempts', 'Last answer']}
            row={(d) => (
              <tr key={d.id}>
                <td>
                  <Time iso={d.createdAt} />
                </td>
                <td>
                  <code>{d.event}</code>
                </td>
                <td>{d.channelName ?? <code>{d.channel}</code>}</td>
                <td>
                  <StateBadge state={d.state === 'delivered' ? 'confirmed' : d.state} />
                  {d.state === 'delivered' && <span class="visually-hidden"> delivered</span>}
                </td>
                <td>{d.attempts}</td>
                <td>
                  {d.lastStatus !== null && `HTTP ${d.lastStatus}`} {d.lastError !== null && <span class="field-error">{d.lastError}</span>}
                  {d.nextAttemptAt !== null && (
                    <div class="muted">
                      next try <Time iso={d.nextAttemptAt} />
                    </div>
                  )}
                </td>
              </tr>
            )}
          />
        )}
      </Loading>
    </section>
  )
}

export function NotificationsPage(_props: PageProps) {
  const list = useCall('notify.list', {}, ['notify.'])
  return (
    <>
      <h1>Notifications</h1>
      <ErrorBox error={list.error} />
      <Loading when={list.data === undefined && list.error === undefined}>{list.data !== undefined && <Channels channels={list.data.channels} onChanged={list.reload} />}</Loading>
      <AddChannel onAdded={list.reload} />
      <Deliveries />
    </>
  )
}

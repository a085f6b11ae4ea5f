/**
 * Agent sessions: create one (its token shown once, with the MCP configuration), list them with their scope and
 * expiry, revoke. Live: sessions created, renewed or revoked elsewhere show without reload.
 */
import './admin-pages.css'
import { useState } from 'preact/hooks'
import { call, type Output } from '../api.js'
import { DataTable, ErrorBox, Loading, StateBadge, Time } from '../components/bits.js'
import { Confirm } from '../components/dialog.js'
import { useCall } from '../data.js'
import { CreateSession } from './sessions/create.js'
import { TokenDialog } from './sessions/token.js'
import type { PageProps } from './types.js'

type Session = Output<'session.list'>['sessions'][number]
const LIVE = ['session.'] as const

function renewalText(s: Session): string {
  return `${s.renewals} of ${s.maxRenewals}`
}

export function SessionsPage(_props: PageProps) {
  const list = useCall('session.list', {}, LIVE)
  // The data directory, for the MCP configuration of a session created here.
  const status = useCall('system.status', {})
  const [created, setCreated] = useState<{ name: string; token: string } | undefined>()
  const [revoking, setRevoking] = useState<Session | undefined>()
  return (
    <>
      <h1>Sessions</h1>
      <p class="muted">An agent acts with a session token, never the master password: only on its wallets, with its permissions, until it expires or is revoked.</p>
      <CreateSession
        onCreated={(c) => {
          setCreated({ name: c.session.name, token: c.token })
          list.reload()
        }}
      />
      {created !== undefined && <TokenDialog name={created.name} token={created.token} dataDir={status.data?.dataDir} onClose={() => setCreated(undefined)} />}
      <h2>All sessions</h2>
      <ErrorBox error={list.error} />
      <Loading when={list.data === undefined && list.error === undefined}>
        {list.data !== undefined && (
          <DataTable
            rows={list.data.sessions}
            empty="No session yet."
            columns={['Name', 'Status', 'Wallets', 'Permissions', 'Expires', 'Renewals', 'Daily cap', 'Last used', <span class="visually-hidden">Actions</span>]}
            row={(s) => (
              <tr key={s.id} data-session={s.id}>
                <td>
                  <strong>{s.name}</strong>
                  <div class="muted">
                    <code>{s.id}</code>
                  </div>
                </td>
                <td>
                  <StateBadge state={s.status} />
                </td>
                <td>{s.wallets.map((w) => w.name).join(', ')}</td>
                <td>{s.permissions.join(', ')}</td>
                <td>
                  <Time iso={s.expiresAt} />
                </td>
                <td>{renewalText(s)}</td>
                <td>{s.limitUsdPerDay === null ? <span class="muted">none</span> : `$${s.limitUsdPerDay}`}</td>
                <td>
                  <Time iso={s.lastUsedAt} />
                </td>
                <td>
                  {s.status === 'active' && (
                    <button type="button" class="danger-outline" onClick={() => setRevoking(s)} aria-label={`Revoke session ${s.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            )}
          />
        )}
      </Loading>
      {revoking !== undefined && (
        <Confirm title={`Revoke session “${revoking.name}”?`} confirmLabel="Revoke session" danger onConfirm={() => call('session.revoke', { id: revoking.id }).then(list.reload)} onClose={() => setRevoking(undefined)}>
          <p>
            Its token is refused from now on, by every transport (MCP, REST, socket). Agents using it ({revoking.wallets.map((w) => w.name).join(', ')}) stop working until given a new session.
          </p>
        </Confirm>
      )}
    </>
  )
}

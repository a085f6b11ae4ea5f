/** The policies by scope (every wallet, one wallet, one wallet on one network), each with its acts. */
import { useState } from 'preact/hooks'
import { call, type Output } from '../../api.js'
import { DataTable, Time } from '../../components/bits.js'
import { Confirm } from '../../components/dialog.js'
import { href } from '../../router.js'

type Policy = Output<'policy.list'>['policies'][number]

function ruleText(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ')
  if (v !== null && typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

function Rules(props: { rules: Record<string, unknown> }) {
  const entries = Object.entries(props.rules)
  if (entries.length === 0) return <span class="muted">no rules</span>
  return (
    <dl class="rules-kv">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            <code>{ruleText(v)}</code>
          </dd>
        </div>
      ))}
    </dl>
  )
}

const SCOPES = [
  { scope: 'global', title: 'Every wallet' },
  { scope: 'wallet', title: 'Per wallet' },
  { scope: 'wallet-network', title: 'Per wallet on one network' },
] as const

export function PolicyList(props: { policies: Policy[]; onChanged: () => void }) {
  const [removing, setRemoving] = useState<Policy | undefined>()
  const [toggling, setToggling] = useState<Policy | undefined>()
  return (
    <>
      {SCOPES.map(({ scope, title }) => {
        const list = props.policies.filter((p) => p.scope === scope)
        return (
          <section key={scope} aria-labelledby={`scope-${scope}`}>
            <h2 id={`scope-${scope}`}>
              {title} <span class="muted">({list.length})</span>
            </h2>
            <DataTable
              rows={list}
              empty="None."
              columns={['Type', scope !== 'global' && 'Applies to', 'Rules', 'State', 'Updated', <span class="visually-hidden">Actions</span>]}
              row={(p) => (
                <tr key={p.id} data-policy={p.id}>
                  <td>
                    <strong>{p.type}</strong>
                    <div class="muted">
                      <code>{p.id}</code> · v{p.version}
                    </div>
                  </td>
                  {scope !== 'global' && (
                    <td>
                      {p.walletName ?? p.walletId}
                      {p.network !== null && <span class="muted"> on {p.network}</span>}
                    </td>
                  )}
                  <td>
                    <Rules rules={p.rules} />
                  </td>
                  <td>
                    <span class={`badge ${p.enabled ? 'state-confirmed' : 'state-cancelled'}`}>{p.enabled ? 'enabled' : 'disabled'}</span>
                  </td>
                  <td>
                    <Time iso={p.updatedAt} />
                  </td>
                  <td class="row-actions">
                    <a class="button" href={href('policies', 'edit', p.id)} aria-label={`Edit ${p.type} policy ${p.id}`}>
                      Edit
                    </a>
                    <button type="button" onClick={() => setToggling(p)} aria-label={`${p.enabled ? 'Disable' : 'Enable'} ${p.type} policy ${p.id}`}>
                      {p.enabled ? 'Disable' : 'Enable'}
                    </button>
                    <button type="button" class="danger-outline" onClick={() => setRemoving(p)} aria-label={`Remove ${p.type} policy ${p.id}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              )}
            />
          </section>
        )
      })}
      {toggling !== undefined && (
        <Confirm
          title={`${toggling.enabled ? 'Disable' : 'Enable'} this ${toggling.type} policy?`}
          confirmLabel={toggling.enabled ? 'Disable' : 'Enable'}
          danger={toggling.enabled}
          onConfirm={() => call('policy.update', { id: toggling.id, enabled: !toggling.enabled }).then(props.onChanged)}
          onClose={() => setToggling(undefined)}
        >
          <p>
            {toggling.enabled
              ? 'While disabled it is not checked: requests it would escalate or deny may pass (and those it allows may no longer).'
              : 'Once enabled it is checked on every request again.'}{' '}
            The policy revision is bumped either way.
          </p>
        </Confirm>
      )}
      {removing !== undefined && (
        <Confirm
          title={`Remove this ${removing.type} policy?`}
          confirmLabel="Remove policy"
          danger
          onConfirm={() => call('policy.remove', { id: removing.id }).then(props.onChanged)}
          onClose={() => setRemoving(undefined)}
        >
          <p>
            <code>{removing.id}</code> ({removing.scope === 'global' ? 'every wallet' : (removing.walletName ?? removing.walletId)}
            {removing.network !== null ? ` on ${removing.network}` : ''}) stops applying now. Its history stays in the audit log.
          </p>
          <Rules rules={removing.rules} />
        </Confirm>
      )}
    </>
  )
}

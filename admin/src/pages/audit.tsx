/**
 * The audit log: newest first, paged by sequence number (`#/audit?before=<seq>`), filtered by action
 * (`#/audit?action=policy.add`), and the hash chain verified on demand with its result in words. The first page is
 * live: every entry the daemon records shows without reload.
 */
import './admin-pages.css'
import { useState } from 'preact/hooks'
import { call, type ApiError, type Output } from '../api.js'
import { DataTable, ErrorBox, Loading, Time } from '../components/bits.js'
import { asApiError, useCall } from '../data.js'
import { href, navigate } from '../router.js'
import type { PageProps } from './types.js'

const PAGE = 50
/** Live prefixes: the newest page follows every entry; an older page cannot change (no action starts with NUL). */
const EVERY: readonly string[] = []
const NONE: readonly string[] = ['\u0000']
/** The actions the daemon records (src/ appendAudit calls), offered as suggestions; any action may be typed. */
const ACTIONS = [
  'admin.login', 'admin.logout', 'auth.failures', 'backup.create', 'balance.low', 'incoming.setLowBalance',
  'incoming.transfer', 'killswitch.off', 'killswitch.on', 'network.set', 'notify.add', 'notify.remove',
  'notify.telegram-decision', 'plugin.disable', 'plugin.enable', 'policy.add', 'policy.remove', 'policy.update',
  'session.create', 'session.renew', 'session.revoke', 'sign.message', 'tx.approval-link', 'tx.approve', 'tx.cancel',
  'tx.cancelled', 'tx.confirmed', 'tx.decision', 'tx.delay-elapsed', 'tx.expired', 'tx.failed', 'tx.owner-decision',
  'tx.rebuild', 'tx.reject', 'tx.request', 'tx.signed', 'tx.speed-up', 'tx.submitted', 'vault.changePassword',
  'vault.init', 'vault.unlock', 'wallet.create', 'wallet.delete', 'wallet.export', 'wallet.import', 'wallet.rename',
  'wallet.setOwner',
]

type Verify = Output<'audit.verify'>

function VerifyResult(props: { r: Verify }) {
  const { r } = props
  if (r.valid) {
    return (
      <p class="verify ok-box" role="status" data-valid="true">
        <strong>The audit log is intact.</strong> All {r.entries} entries chain up to the head, entry #{r.headSeq} (hash <code>{r.headHash}</code>): none was changed, removed or inserted.
      </p>
    )
  }
  return (
    <div class="verify error" role="alert" data-valid="false">
      <strong>The audit log has been tampered with{r.brokenAt !== undefined ? ` at entry #${r.brokenAt.seq}` : ''}.</strong>
      {r.brokenAt !== undefined && <p>{r.brokenAt.reason}</p>}
      <p>Entries from there on cannot be trusted. Restore the data directory from a backup taken before it, and find out who could write to it.</p>
    </div>
  )
}

export function AuditPage(props: PageProps) {
  const q = props.route.query
  const action = q.get('action') ?? ''
  const beforeText = q.get('before')
  const before = beforeText !== null && /^\d+$/.test(beforeText) ? Number(beforeText) : undefined
  const list = useCall('audit.list', { limit: PAGE, ...(before !== undefined ? { beforeSeq: before } : {}), ...(action !== '' ? { action } : {}) }, before === undefined ? EVERY : NONE)
  const [typed, setTyped] = useState(action)
  const [verify, setVerify] = useState<Verify | ApiError | 'busy' | undefined>()
  const entries = list.data?.entries ?? []
  const last = entries[entries.length - 1]

  const runVerify = async (): Promise<void> => {
    setVerify('busy')
    try {
      setVerify(await call('audit.verify', {}))
    } catch (err) {
      setVerify(asApiError(err))
    }
  }

  return (
    <>
      <div class="page-head">
        <h1>Audit log</h1>
        <button type="button" class="primary" onClick={() => void runVerify()} disabled={verify === 'busy'}>
          {verify === 'busy' ? 'Verifying…' : 'Verify the hash chain'}
        </button>
      </div>
      {verify !== undefined && verify !== 'busy' && ('valid' in verify ? <VerifyResult r={verify} /> : <ErrorBox error={verify} />)}
      <form
        class="toolbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          navigate(href('audit', { action: typed.trim() }))
        }}
      >
        <label class="field">
          <span>Action</span>
          <input list="audit-actions" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} placeholder="every action" autocomplete="off" spellcheck={false} />
        </label>
        <datalist id="audit-actions">
          {ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <button type="submit">Filter</button>
        {action !== '' && (
          <a class="button" href={href('audit')} onClick={() => setTyped('')}>
            Clear
          </a>
        )}
      </form>
      <ErrorBox error={list.error} />
      <Loading when={list.data === undefined && list.error === undefined}>
        <DataTable
          rows={entries}
          class="audit"
          empty={<>No entry{action !== '' ? ` with action ${action}` : ''}{before !== undefined ? ` before #${before}` : ''}.</>}
          columns={['#', 'When', 'Actor', 'Action', 'Target', 'Outcome', 'Details']}
          row={(e) => (
            <tr key={e.seq} data-seq={e.seq}>
              <td>{e.seq}</td>
              <td>
                <Time iso={e.ts} />
              </td>
              <td>
                <code>{e.actor}</code>
              </td>
              <td>
                <a href={href('audit', { action: e.action })} onClick={() => setTyped(e.action)}>
                  <code>{e.action}</code>
                </a>
              </td>
              <td>{e.target !== null ? <code>{e.target}</code> : <span class="muted">—</span>}</td>
              <td>
                <span class={`badge outcome-${e.outcome}`}>{e.outcome}</span>
              </td>
              <td class="details">{Object.keys(e.details).length > 0 ? <code>{JSON.stringify(e.details)}</code> : <span class="muted">—</span>}</td>
            </tr>
          )}
        />
      </Loading>
      <nav class="pager" aria-label="Audit pages">
        {before !== undefined && (
          <a class="button" href={href('audit', { action })}>
            Newest
          </a>
        )}
        {last !== undefined && entries.length === PAGE && last.seq > 1 && (
          <a class="button" href={href('audit', { action, before: String(last.seq) })}>
            Older entries
          </a>
        )}
      </nav>
    </>
  )
}

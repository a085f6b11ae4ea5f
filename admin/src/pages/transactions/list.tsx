/**
 * The transaction list: filters (wallet, state, tier, kind, network, time range) live in the hash query so a filtered
 * view can be bookmarked and the Back button works; the daemon filters and pages (`before` cursor), the page never
 * fetches everything.
 */
import type { Input, Output } from '../../api.js'
import { ErrorBox, Loading } from '../../components/bits.js'
import { Field } from '../../components/field.js'
import { useNetworks } from '../../components/networks.js'
import { TxTable, type TxView } from '../../components/tx.js'
import { useCall } from '../../data.js'
import { href, navigate, type Route } from '../../router.js'

export const PAGE_SIZE = 25

const STATES: TxView['state'][] = ['pending', 'queued', 'awaiting_approval', 'approved', 'signed', 'submitted', 'confirmed', 'failed', 'denied', 'cancelled', 'rejected', 'expired', 'replaced']
const TIERS: NonNullable<TxView['tier']>[] = ['INSTANT', 'NOTIFY', 'DELAY', 'APPROVAL', 'DENY']
const KINDS: TxView['kind'][] = ['native-transfer', 'token-transfer', 'contract-call', 'token-approve', 'sign-message', 'sign-typed-data', 'sign-tx']
const FILTERS = ['wallet', 'state', 'tier', 'kind', 'network', 'since', 'until'] as const
type Filter = (typeof FILTERS)[number]

/** Rows per page: `limit` in the hash query (1 to 200), else PAGE_SIZE. */
export function pageSize(query: URLSearchParams): number {
  const n = Number(query.get('limit'))
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 200) : PAGE_SIZE
}

/** The filters of the hash query, as tx.list takes them (the server-side filters of issue 16). */
export function txListParams(query: URLSearchParams, limit = PAGE_SIZE): Input<'tx.list'> {
  const p: Record<string, unknown> = { limit }
  for (const f of FILTERS) {
    const v = query.get(f)
    if (v !== null && v !== '') p[f] = v
  }
  const before = query.get('before')
  if (before !== null && before !== '') p.before = before
  return p as Input<'tx.list'>
}

/** The cursor of the next (older) page: the daemon's `nextBefore`, or the last id of a full page. */
export function nextCursor(data: Output<'tx.list'> | undefined, limit = PAGE_SIZE): string | null {
  if (data === undefined) return null
  const next = (data as { nextBefore?: string | null }).nextBefore
  if (next !== undefined) return next
  return data.requests.length >= limit ? (data.requests.at(-1)?.id ?? null) : null
}

/** `datetime-local` value (the browser's zone) ⇄ ISO time in the query. */
const toLocalInput = (iso: string | null): string => {
  if (iso === null) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}
const fromLocalInput = (v: string): string | undefined => (v === '' ? undefined : new Date(v).toISOString())

export function TransactionList(props: { route: Route }) {
  const q = props.route.query
  const networks = useNetworks()
  const wallets = useCall('wallet.list', {}, ['wallet.'])
  const limit = pageSize(q)
  const list = useCall('tx.list', txListParams(q, limit), ['tx.'])
  /** The filters and page size of this view, to carry into links. */
  const kept: Record<string, string | undefined> = { limit: q.get('limit') ?? undefined }
  for (const f of FILTERS) kept[f] = q.get(f) ?? undefined
  const set = (changes: Partial<Record<Filter | 'before', string | undefined>>): void => {
    const next: Record<string, string | undefined> = { ...kept }
    // Any filter change starts again from the newest.
    Object.assign(next, { before: undefined }, changes)
    navigate(href('transactions', next))
  }
  const cursor = nextCursor(list.data, limit)
  const paged = q.get('before') !== null
  return (
    <>
      <h1>Transactions</h1>
      <form class="toolbar" aria-label="Filter transactions" onSubmit={(e) => e.preventDefault()}>
        <Field label="Wallet">
          {(id) => (
            <select id={id} value={q.get('wallet') ?? ''} onChange={(e) => set({ wallet: e.currentTarget.value || undefined })}>
              <option value="">All wallets</option>
              {wallets.data?.wallets.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="State">
          {(id) => (
            <select id={id} value={q.get('state') ?? ''} onChange={(e) => set({ state: e.currentTarget.value || undefined })}>
              <option value="">Any state</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {s.replaceAll('_', ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Tier">
          {(id) => (
            <select id={id} value={q.get('tier') ?? ''} onChange={(e) => set({ tier: e.currentTarget.value || undefined })}>
              <option value="">Any tier</option>
              {TIERS.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Kind">
          {(id) => (
            <select id={id} value={q.get('kind') ?? ''} onChange={(e) => set({ kind: e.currentTarget.value || undefined })}>
              <option value="">Any kind</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Network">
          {(id) => (
            <select id={id} value={q.get('network') ?? ''} onChange={(e) => set({ network: e.currentTarget.value || undefined })}>
              <option value="">Any network</option>
              {[...new Map([...networks.values()].map((n) => [n.id, n])).values()].map((n) => (
                <option key={n.id} value={n.id}>
                  {n.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="From (local time)">
          {(id) => <input id={id} type="datetime-local" value={toLocalInput(q.get('since'))} onChange={(e) => set({ since: fromLocalInput(e.currentTarget.value) })} />}
        </Field>
        <Field label="Until (local time)">
          {(id) => <input id={id} type="datetime-local" value={toLocalInput(q.get('until'))} onChange={(e) => set({ until: fromLocalInput(e.currentTarget.value) })} />}
        </Field>
        {FILTERS.some((f) => q.get(f) !== null) && (
          <button type="button" onClick={() => navigate(href('transactions'))}>
            Clear filters
          </button>
        )}
      </form>
      <ErrorBox error={list.error} />
      <Loading when={list.data === undefined && list.loading}>
        {list.data !== undefined && <TxTable requests={list.data.requests} networks={networks} caption="Transaction requests, newest first" empty={paged ? 'No older transactions.' : 'No transactions match.'} />}
      </Loading>
      <nav class="pager" aria-label="Pages">
        {paged ? <a href={href('transactions', kept)}>Newest</a> : <span />}
        {cursor !== null && <a href={href('transactions', { ...kept, before: cursor })}>Older</a>}
      </nav>
    </>
  )
}

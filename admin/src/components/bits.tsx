/** Small shared pieces: amounts, addresses, times, copy buttons, errors, state badges. */
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { ApiError } from '../api.js'
import { checksumAddress, countdown, groupDigits, localTime, shortAddress } from '../format.js'

/** An exact amount with its symbol and network: "0.015 ETH on evm-local". */
export function Amount(props: { value: string | null; symbol?: string | null | undefined; network?: string | undefined; usd?: string | null | undefined }) {
  if (props.value === null) return <span class="muted">—</span>
  return (
    <span class="amount">
      <span class="num">{groupDigits(props.value)}</span> {props.symbol ?? ''}
      {props.network !== undefined && <span class="muted"> on {props.network}</span>}
      {props.usd !== undefined && props.usd !== null && <span class="muted"> (≈ ${props.usd})</span>}
    </span>
  )
}

export function CopyButton(props: { text: string; label: string }) {
  const [done, setDone] = useState(false)
  const copy = (): void => {
    void navigator.clipboard?.writeText(props.text).then(() => {
      setDone(true)
      setTimeout(() => setDone(false), 1500)
    })
  }
  return (
    <button type="button" class="copy" onClick={copy} aria-label={`Copy ${props.label}`} title={`Copy ${props.label}`}>
      {done ? 'Copied' : 'Copy'}
    </button>
  )
}

/** An address with its checksum (EVM), shortened when `short`, always copyable in full. */
export function Address(props: { value: string | null; short?: boolean; label?: string }) {
  if (props.value === null) return <span class="muted">—</span>
  const full = checksumAddress(props.value)
  return (
    <span class="address">
      <code title={full} class={props.short === true ? 'short' : undefined}>{props.short === true ? shortAddress(full) : full}</code>
      <CopyButton text={full} label={props.label ?? 'address'} />
    </span>
  )
}

/** A time in the browser's zone, UTC on hover. */
export function Time(props: { iso: string | null }) {
  if (props.iso === null) return <span class="muted">—</span>
  const t = localTime(props.iso)
  return (
    <time dateTime={props.iso} title={t.utc}>
      {t.local}
    </time>
  )
}

/** A live countdown to `iso` ("in 4m 12s"), ticking every second. */
export function Countdown(props: { iso: string }) {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [])
  return (
    <time dateTime={props.iso} title={localTime(props.iso).utc}>
      {countdown(new Date(props.iso).getTime() - now)}
    </time>
  )
}

export function StateBadge(props: { state: string }) {
  return <span class={`badge state-${props.state}`}>{props.state.replaceAll('_', ' ')}</span>
}

/** A daemon error: its message, its hint, and its code for searching the docs. */
export function ErrorBox(props: { error: ApiError | undefined }) {
  if (props.error === undefined) return null
  return (
    <div class="error" role="alert">
      <strong>{props.error.message}</strong>
      {props.error.hint !== undefined && <p>{props.error.hint}</p>}
      <p class="muted">
        <code>{props.error.code}</code>
      </p>
    </div>
  )
}

export function Loading(props: { when: boolean; children?: ComponentChildren }) {
  return props.when ? <p class="muted" aria-live="polite">Loading…</p> : <>{props.children}</>
}

/**
 * The pages' one table: `empty` when there are no rows, else the scrolling wrapper, an optional screen-reader caption,
 * a header row (a `false` column is left out: a column shown only sometimes) and one `row` per item.
 */
export function DataTable<T>(props: {
  rows: readonly T[]
  columns: readonly ComponentChildren[]
  row: (item: T) => ComponentChildren
  empty: ComponentChildren
  caption?: string
  class?: string
}) {
  if (props.rows.length === 0) return <p class="muted">{props.empty}</p>
  return (
    <div class="table-wrap">
      <table class={props.class}>
        {props.caption !== undefined && <caption class="sr-only">{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((c) => c !== false && c !== undefined && c !== null && <th scope="col">{c}</th>)}
          </tr>
        </thead>
        <tbody>{props.rows.map(props.row)}</tbody>
      </table>
    </div>
  )
}

/** Loading a contract method's result into a view, with its error, refetched on demand or on live events. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, call, type Input, type MethodName, type Output } from './api.js'
import { useLive } from './live.js'

export interface Loaded<T> {
  data: T | undefined
  error: ApiError | undefined
  loading: boolean
  reload: () => void
}

/**
 * Reads shared between views, by method and params: views that mount together and ask the same (ten wallet rows
 * asking whether the devnet runs) share one request, and a view's first load starts while it renders rather than
 * after the browser has painted it (one frame less per round of calls on a busy machine). An answer is shared for
 * SHARE_MS after it arrives; every reload (after a live event or the page's own act) asks anew and becomes the shared
 * answer, so a view mounted later never sees one older than the latest reload.
 */
const SHARE_MS = 2000
const recent = new Map<string, { p: Promise<unknown>; settledAt?: number }>()

function fetchInto<M extends MethodName>(id: string, method: M, key: string): Promise<Output<M>> {
  const p = call(method, JSON.parse(key) as Input<M>)
  const entry: { p: Promise<unknown>; settledAt?: number } = { p }
  recent.set(id, entry)
  const settle = (): void => {
    entry.settledAt = Date.now()
  }
  const drop = (): void => {
    if (recent.get(id) === entry) recent.delete(id)
  }
  p.then(settle, drop)
  return p
}

function shared<M extends MethodName>(method: M, key: string): Promise<Output<M>> {
  const id = `${method} ${key}`
  const hit = recent.get(id)
  if (hit !== undefined && (hit.settledAt === undefined || Date.now() - hit.settledAt < SHARE_MS)) return hit.p as Promise<Output<M>>
  return fetchInto(id, method, key)
}

/**
 * `call(method, params)` when the view mounts, whenever `params` change (compared as JSON) and when a live event
 * with one of the `live` prefixes arrives. A stale answer (params changed meanwhile) is dropped.
 */
export function useCall<M extends MethodName>(method: M, params: Input<M> | null, live: readonly string[] = []): Loaded<Output<M>> {
  const [state, setState] = useState<{ data: Output<M> | undefined; error: ApiError | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: params !== null })
  const key = params === null ? null : JSON.stringify(params)
  const seq = useRef(0)
  const run = useCallback((share: boolean) => {
    if (key === null) return
    const mine = ++seq.current
    setState((s) => ({ ...s, loading: true }))
    ;(share ? shared(method, key) : fetchInto(`${method} ${key}`, method, key)).then(
      (data) => mine === seq.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => mine === seq.current && setState((s) => ({ data: s.data, error: asApiError(error), loading: false })),
    )
  }, [method, key])
  // The first load starts now, during the render (the effect below then finds it shared).
  useState(() => key !== null && void shared(method, key))
  const reload = useCallback(() => run(false), [run])
  useEffect(() => run(true), [run])
  useLive(live, reload)
  return { ...state, reload }
}

export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError('INTERNAL', err instanceof Error ? err.message : String(err), 0)
}

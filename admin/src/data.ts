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
 * `call(method, params)` when the view mounts, whenever `params` change (compared as JSON) and when a live event
 * with one of the `live` prefixes arrives. A stale answer (params changed meanwhile) is dropped.
 */
export function useCall<M extends MethodName>(method: M, params: Input<M> | null, live: readonly string[] = []): Loaded<Output<M>> {
  const [state, setState] = useState<{ data: Output<M> | undefined; error: ApiError | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: params !== null })
  const key = params === null ? null : JSON.stringify(params)
  const seq = useRef(0)
  const load = useCallback(() => {
    if (key === null) return
    const mine = ++seq.current
    setState((s) => ({ ...s, loading: true }))
    call(method, JSON.parse(key) as Input<M>).then(
      (data) => mine === seq.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => mine === seq.current && setState((s) => ({ data: s.data, error: asApiError(error), loading: false })),
    )
  }, [method, key])
  useEffect(load, [load])
  useLive(live, load)
  return { ...state, reload: load }
}

export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError('INTERNAL', err instanceof Error ? err.message : String(err), 0)
}

/**
 * Live updates: one event stream per page load (see api.ts `events`), fanned out to the views that listen. A view
 * says which audit actions concern it (by prefix: 'tx.' covers every request event) and is told when one arrives, so
 * it refetches what it shows; nothing is patched from the event's details alone, so a missed or odd event can never
 * leave a wrong figure on screen.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { events, type AuditEntryOut } from './api.js'

type Listener = (e: Pick<AuditEntryOut, 'action'>) => void
const listeners = new Set<Listener>()
let stop: (() => void) | undefined
let connected = false
const stateListeners = new Set<(open: boolean) => void>()

/** Opens the stream (after login). */
export function startLive(): void {
  if (stop !== undefined) return
  stop = events(
    (e) => {
      for (const l of listeners) l(e)
    },
    undefined,
    (open) => {
      connected = open
      for (const l of stateListeners) l(open)
    },
  )
}

/** Closes it (on logout). */
export function stopLive(): void {
  stop?.()
  stop = undefined
  connected = false
  for (const l of stateListeners) l(false)
}

/**
 * Tells the views that this page itself just did `action` (e.g. 'killswitch.on'), so every part that shows it
 * refetches at once, whether or not the stream is connected (its own entry, when it comes, refetches once more).
 */
export function announce(action: string): void {
  for (const l of listeners) l({ action })
}

/** Whether the stream is open right now. */
export function useLiveState(): boolean {
  const [open, setOpen] = useState(connected)
  useEffect(() => {
    stateListeners.add(setOpen)
    return () => void stateListeners.delete(setOpen)
  }, [])
  return open
}

/**
 * Calls `onEvent` (debounced by 150 ms, so a burst of entries causes one refetch) when an entry whose action starts
 * with one of `prefixes` is recorded. An empty list means every entry.
 */
export function useLive(prefixes: readonly string[], onEvent: () => void): void {
  const cb = useRef(onEvent)
  cb.current = onEvent
  const key = prefixes.join('|')
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const l: Listener = (e) => {
      if (prefixes.length > 0 && !prefixes.some((p) => e.action.startsWith(p))) return
      if (timer !== undefined) clearTimeout(timer)
      timer = setTimeout(() => cb.current(), 150)
    }
    listeners.add(l)
    return () => {
      listeners.delete(l)
      if (timer !== undefined) clearTimeout(timer)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])
}

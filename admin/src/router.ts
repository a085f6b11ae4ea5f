/**
 * Hash routing (`#/wallets/abc`): the server serves one page at /admin/, and a route never reaches the server, so no
 * id or filter of the operator's ends up in a server log or a Referer. Query parameters after `?` in the hash carry
 * list filters so a filtered view can be bookmarked.
 */
import { useEffect, useState } from 'preact/hooks'

export interface Route {
  /** The path segments after `#/`, e.g. ['wallets', 'abc']. */
  parts: string[]
  query: URLSearchParams
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '')
  const [path = '', query = ''] = raw.split('?', 2)
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) }
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash))
  useEffect(() => {
    const on = (): void => setRoute(parse(location.hash))
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return route
}

/** The href of a route: href('wallets', id) → '#/wallets/<id>'; a query object is appended after '?'. */
export function href(...parts: (string | Record<string, string | undefined>)[]): string {
  const segs = parts.filter((p): p is string => typeof p === 'string').map(encodeURIComponent)
  const q = parts.find((p): p is Record<string, string | undefined> => typeof p === 'object')
  const qs = q === undefined ? '' : new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString()
  return `#/${segs.join('/')}${qs === '' ? '' : `?${qs}`}`
}

export function navigate(to: string): void {
  location.hash = to.replace(/^#/, '')
}

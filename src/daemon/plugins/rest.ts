/**
 * The REST plugin's routes, derived from the contract: every method is `POST /v1/<topic>/<verb>` (the method name
 * with `.` as `/`) taking its params as a JSON body, except the few that only the owner-only socket offers. The seed
 * article's resource spellings are aliases of contract methods, and bodies may say `walletId` for `wallet`.
 */
import { contract, type MethodName } from '../../lib/contract.js'
import { WaiaasError } from '../../lib/errors.js'

/**
 * Only on the socket: the connection handshake, stopping the daemon, setting the first master password (nobody
 * could authenticate before it exists) and switching the HTTP plugins themselves on and off.
 */
export const SOCKET_ONLY: ReadonlySet<string> = new Set<MethodName>(['system.hello', 'system.shutdown', 'vault.init', 'plugin.enable', 'plugin.disable'])

export type Verb = 'GET' | 'POST'

export interface Route {
  verb: Verb
  path: string
  method: MethodName
  /** A resource spelling kept for the seed article's examples. */
  alias: boolean
}

/** The seed article's resource routes, each one contract method. GET aliases take their params as a query string. */
const ALIASES: readonly Omit<Route, 'alias'>[] = [
  { verb: 'POST', path: '/v1/policies', method: 'policy.add' },
  { verb: 'GET', path: '/v1/policies', method: 'policy.list' },
  { verb: 'GET', path: '/v1/wallets', method: 'wallet.list' },
]

export const OPENAPI_PATH = '/v1/openapi.json'

export function methodPath(method: string): string {
  return `/v1/${method.replaceAll('.', '/')}`
}

/** Every REST route: one POST per contract method offered over HTTP, then the aliases. */
export function restRoutes(): Route[] {
  const routes: Route[] = []
  for (const method of Object.keys(contract) as MethodName[]) {
    if (!SOCKET_ONLY.has(method)) routes.push({ verb: 'POST', path: methodPath(method), method, alias: false })
  }
  for (const a of ALIASES) routes.push({ ...a, alias: true })
  return routes
}

/** Routes by path, then by verb. */
export function routeTable(routes: readonly Route[] = restRoutes()): Map<string, Map<Verb, Route>> {
  const table = new Map<string, Map<Verb, Route>>()
  for (const r of routes) {
    const byVerb = table.get(r.path) ?? new Map<Verb, Route>()
    byVerb.set(r.verb, r)
    table.set(r.path, byVerb)
  }
  return table
}

/**
 * The params of a call from a JSON body (or a query string's fields): `walletId`, the seed article's spelling, is
 * read as `wallet`. Anything that is not an object goes through unchanged for the contract to refuse.
 */
export function restParams(body: unknown): unknown {
  if (body === undefined || body === null) return {}
  if (typeof body !== 'object' || Array.isArray(body) || !Object.hasOwn(body, 'walletId')) return body
  const { walletId, ...rest } = body as Record<string, unknown>
  if (Object.hasOwn(rest, 'wallet')) {
    throw new WaiaasError('INPUT_INVALID', 'Give the wallet as "wallet" or as "walletId", not both', { details: { issues: [{ path: 'walletId', message: 'duplicates wallet' }] } })
  }
  return { ...rest, wallet: walletId }
}

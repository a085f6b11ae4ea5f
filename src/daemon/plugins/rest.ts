/**
 * The REST plugin's routes, derived from the contract: every method is `POST /v1/<topic>/<verb>` (the method name
 * with `.` as `/`) taking its params as a JSON body, for each method the contract exposes on `rest`; methods
 * the contract marks read-only are also `GET` on the same path, their params in the query string. The seed
 * article's resource spellings are aliases of contract methods, and bodies may say `walletId` for `wallet`.
 */
import { z } from 'zod'
import { contract, methodsOn, type MethodName } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'

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

/**
 * Every REST route: one POST per contract method whose `transports` include `rest` (and a GET for each read-only
 * one), then the aliases.
 */
export function restRoutes(): Route[] {
  const routes: Route[] = []
  for (const method of methodsOn('rest')) {
    routes.push({ verb: 'POST', path: methodPath(method), method, alias: false })
    if (contract[method].readOnly === true) routes.push({ verb: 'GET', path: methodPath(method), method, alias: false })
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

interface QuerySchema {
  type?: string | string[]
  items?: QuerySchema
  anyOf?: QuerySchema[]
}

const querySchemas = new Map<MethodName, Record<string, QuerySchema>>()

/** The JSON Schema types a field accepts (through anyOf too). */
function typesOf(s: QuerySchema | undefined): Set<string> {
  const out = new Set<string>()
  if (s === undefined) return out
  for (const t of Array.isArray(s.type) ? s.type : s.type !== undefined ? [s.type] : []) out.add(t)
  for (const a of s.anyOf ?? []) for (const t of typesOf(a)) out.add(t)
  return out
}

/**
 * One query-string value as the field's schema takes it: the text where a string is accepted (amounts stay exact
 * decimal strings), else a number or boolean from its text; anything else stays text for the contract to refuse.
 */
function coerce(text: string, s: QuerySchema | undefined): unknown {
  const types = typesOf(s)
  if (types.has('string') || types.size === 0) return text
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true'
  if (types.has('null') && text === 'null') return null
  return text
}

/**
 * The params of a GET call from its query string, typed by the method's input schema: `?limit=10` is a number,
 * `?wallet=a&wallet=b` an array where the field is one. A scalar field given twice is INPUT_INVALID; what is still
 * wrong after this (an object in a query string, a word where a number goes) is left for the contract to refuse.
 */
export function queryParams(method: MethodName, query: URLSearchParams): Record<string, unknown> {
  let props = querySchemas.get(method)
  if (props === undefined) {
    const schema = z.toJSONSchema(contract[method].input, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, QuerySchema> }
    props = schema.properties ?? {}
    querySchemas.set(method, props)
  }
  const out: Record<string, unknown> = {}
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key)
    // `walletId` is read as `wallet` (restParams), so it takes wallet's schema.
    const s = Object.hasOwn(props, key) ? props[key] : key === 'walletId' ? props.wallet : undefined
    if (typesOf(s).has('array')) {
      out[key] = values.map((v) => coerce(v, s?.items ?? s?.anyOf?.find((a) => a.items !== undefined)?.items))
    } else if (values.length > 1) {
      throw new WaiaasError('INPUT_INVALID', `Query parameter "${key.slice(0, 64)}" was given ${values.length} times; it takes one value`, {
        details: { issues: [{ path: key.slice(0, 64), message: 'given more than once' }] },
      })
    } else {
      out[key] = coerce(values[0] ?? '', s)
    }
  }
  return out
}

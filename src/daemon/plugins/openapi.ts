/**
 * The REST plugin's OpenAPI 3.1 document, generated from the same contract and zod schemas the daemon validates
 * with: one operation per route, its role and accepted credentials, its request and response schemas as named
 * components (`TxSendInput`, `TxRequest`, `Wallet`, …), and the failures it can answer with, by HTTP status, all with
 * the one error envelope. Operation ids are identifiers a generator can use as function names (`txSend`).
 * It is checked against Redocly's recommended rules and used by a generated client in the tests.
 */
import { STATUS_CODES } from 'node:http'
import { z } from 'zod'
import { contract, NAMED_SCHEMAS, type MethodDef, type MethodName } from '../../lib/contract/index.js'
import { ERROR_CODES, type ErrorCode } from '../../lib/errors.js'
import { ADMIN_SCHEMAS, ADMIN_SECURITY_SCHEMES, adminPaths } from './openapi-admin.js'
import { EVENTS_PATH } from './events.js'
import { OPENAPI_PATH, restRoutes, type Route } from './rest.js'

type Json = Record<string, unknown>

const REF = '#/components/schemas/'
const ref = (name: string): Json => ({ $ref: `${REF}${name}` })

/** `tx.send` → `TxSend`: the stem of a method's component names. */
export function typeName(method: string): string {
  return method
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
}

/**
 * An operation id a generator can use as a function name: the method in camelCase for its POST (`txSend`), with
 * `get` before it for the GET of a read-only method (`getTxList`), and verb plus resource for the seed article's
 * resource routes (`postPolicies`, `getWallets`).
 */
export function operationId(route: Route): string {
  if (route.alias) return `${route.verb.toLowerCase()}${typeName(route.path.replace(/^\/v1\//, '').replaceAll('/', '.'))}`
  const name = typeName(route.method)
  return route.verb === 'GET' ? `get${name}` : name.charAt(0).toLowerCase() + name.slice(1)
}

/** What every topic of the contract is about (the tags of the document). */
const TAGS: Record<string, string> = {
  system: 'The daemon itself: status and checks',
  vault: 'The keystore: lock and unlock, the master password',
  wallet: 'Create, import, export and manage wallets',
  balance: 'Balances of a wallet on a network',
  tx: 'Transaction requests: send, call, approve tokens, simulate, list, wait, approve or reject, cancel, speed up',
  sign: 'Sign messages, typed data and transactions, checked against the policies',
  policy: 'Add, test and manage the policies every request is checked against',
  killswitch: 'Stop all signing at once, and resume it',
  network: 'The networks waiaas knows, their RPC URLs and confirmation depth',
  devnet: 'A local playground: anvil and a Solana RPC on loopback',
  audit: 'Read and verify the hash-chained audit log',
  event: 'The event stream as calls: the next events after a cursor, waiting for them (an agent session sees its own wallets\' only)',
  session: 'Agent sessions: scoped, expiring bearer tokens instead of the master password',
  plugin: 'The optional HTTP plugins: REST and MCP over HTTP',
  incoming: 'Incoming transfers to the wallets, the networks watched, low-balance alerts',
  notify: 'Notification channels: signed webhooks, Telegram, Slack, Discord, ntfy',
  backup: 'Encrypted backups of the data directory',
  admin: 'The admin web UI\'s session: log in with the master password, log out',
}
const topicOf = (method: string): string => method.split('.')[0] ?? method

/** Failures any call over HTTP can meet besides its method's own: bad params, credentials, throttling, a bug. */
const TRANSPORT_ERRORS: readonly ErrorCode[] = [
  'INPUT_INVALID', 'AUTH_REQUIRED', 'AUTH_BAD_PASSWORD', 'SESSION_INVALID', 'SESSION_EXPIRED', 'SESSION_REVOKED', 'SESSION_SCOPE',
  'HTTP_ORIGIN_REFUSED', 'AUTH_THROTTLED', 'INTERNAL',
]
/** And those of a JSON body. */
const BODY_ERRORS: readonly ErrorCode[] = ['HTTP_INVALID_JSON', 'HTTP_BODY_TOO_LARGE', 'HTTP_UNSUPPORTED_MEDIA_TYPE']

const WALLET_ID_NOTE = "Same as wallet (the seed article's spelling); give one of the two"

interface Components {
  schemas: Record<string, Json>
  input: Map<MethodName, string>
  /** Each input as zod converts it, before `walletId` is added: the query parameters of a GET. */
  plain: Map<MethodName, Json>
  /** The component of each method's result (a shared one like `TxRequest`, or `<Method>Result`). */
  output: Map<MethodName, string>
}

function convert(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output'): Record<string, Json> {
  const { schemas } = z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `${REF}${id}` })
  const out: Record<string, Json> = {}
  for (const [id, schema] of Object.entries(schemas)) {
    // zod names each component by `$id` (the uri above); components are named by their key, and a JSON Schema `$id`
    // may not be a fragment.
    const { $schema: _schema, $id: _id, ...rest } = schema as Json
    // The daemon refuses a field an input does not declare (dispatch.ts), and an output has only what it declares.
    out[id] = rest.type === 'object' && rest.additionalProperties === undefined ? { ...rest, additionalProperties: false } : rest
  }
  return out
}

/**
 * Where a method takes `wallet`, REST also takes `walletId` (rest.ts): both are listed. A required wallet is required
 * as one of the two spellings (a client generated from the document gets `{ wallet } | { walletId }`), never both.
 */
function withWalletId(input: Json): Json {
  const props = input.properties as Record<string, Json> | undefined
  if (props?.wallet === undefined) return input
  const walletId = { ...props.wallet, description: WALLET_ID_NOTE }
  const required = (input.required as string[] | undefined) ?? []
  if (!required.includes('wallet')) return { ...input, properties: { ...props, walletId } }
  const { wallet, ...rest } = props
  const { additionalProperties: _closed, ...open } = input
  return {
    ...open,
    properties: rest,
    required: required.filter((k) => k !== 'wallet'),
    oneOf: [
      { properties: { wallet }, required: ['wallet'] },
      { properties: { walletId }, required: ['walletId'] },
    ],
    // additionalProperties cannot see into oneOf; unevaluatedProperties (JSON Schema 2020-12) does.
    unevaluatedProperties: false,
  }
}

/** Every method's input and result as a named component, and the shared types they use. */
function components(routes: readonly Route[]): Components {
  const outputs = z.registry<{ id: string }>()
  const inputs = z.registry<{ id: string }>()
  for (const [id, schema] of Object.entries(NAMED_SCHEMAS)) outputs.add(schema, { id })
  const methods = [...new Set(routes.map((r) => r.method))]
  for (const m of methods) {
    const def: MethodDef = contract[m]
    if (!inputs.has(def.input)) inputs.add(def.input, { id: `${typeName(m)}Input` })
    if (!outputs.has(def.output)) outputs.add(def.output, { id: `${typeName(m)}Result` })
  }
  const schemas = { ...convert(outputs, 'output'), ...convert(inputs, 'input') }
  const input = new Map<MethodName, string>()
  const plain = new Map<MethodName, Json>()
  const output = new Map<MethodName, string>()
  for (const m of methods) {
    const def: MethodDef = contract[m]
    const id = inputs.get(def.input)?.id as string
    plain.set(m, schemas[id] as Json)
    input.set(m, id)
    output.set(m, outputs.get(def.output)?.id as string)
  }
  for (const id of new Set(input.values())) schemas[id] = withWalletId(schemas[id] as Json)
  return { schemas, input, plain, output }
}

/**
 * Over HTTP every call needs a credential: a session token where the method allows sessions, else the master password,
 * or the admin UI's cookie (with its CSRF token on a POST, and the password again where the contract says `reauth`;
 * never for `cliOnly` acts).
 */
function security(def: MethodDef, verb: Route['verb']): Json[] {
  const base = def.role !== 'operator' && def.session !== undefined ? [{ bearerAuth: [] }, { masterPassword: [] }] : [{ masterPassword: [] }]
  if (def.cliOnly === true) return base
  const cookie: Json = { adminCookie: [], ...(verb === 'POST' ? { csrfToken: [] } : {}), ...(def.reauth === true ? { masterPassword: [] } : {}) }
  return [...base, cookie]
}

/** What the admin cookie adds to a method's failures. */
function adminErrors(def: MethodDef): ErrorCode[] {
  if (def.cliOnly === true) return ['ADMIN_CLI_ONLY']
  return ['ADMIN_SESSION_INVALID', 'ADMIN_CSRF_INVALID', ...(def.reauth === true ? (['AUTH_PASSWORD_REQUIRED'] as const) : [])]
}

/** One response per HTTP status the operation can fail with, naming the error codes behind it. */
function failures(def: MethodDef, withBody: boolean): Record<string, Json> {
  const codes = new Set<ErrorCode>([...TRANSPORT_ERRORS, ...(withBody ? BODY_ERRORS : []), ...adminErrors(def), ...def.errors])
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of codes) {
    const status = ERROR_CODES[code].http
    if (status < 400) continue
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const out: Record<string, Json> = {}
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    out[String(status)] = {
      description: `${STATUS_CODES[status] ?? 'Error'}: ${(byStatus.get(status) ?? []).join(', ')}`,
      content: { 'application/json': { schema: ref('ErrorEnvelope') } },
    }
  }
  return out
}

function operation(route: Route, c: Components): Json {
  const def: MethodDef = contract[route.method]
  const inputId = c.input.get(route.method) as string
  const input = c.schemas[inputId] as Json
  const withBody = route.verb === 'POST'
  const op: Json = {
    operationId: operationId(route),
    summary: def.summary,
    tags: [topicOf(route.method)],
    'x-waiaas-method': route.method,
    'x-waiaas-role': def.role,
    'x-waiaas-session': def.session ?? null,
    'x-waiaas-errors': def.errors,
    ...(def.reauth === true ? { 'x-waiaas-reauth': true } : {}),
    ...(def.cliOnly === true ? { 'x-waiaas-cli-only': true } : {}),
    security: security(def, route.verb),
    responses: {
      '200': {
        description: 'The result',
        content: { 'application/json': { schema: { type: 'object', required: ['ok', 'data'], properties: { ok: { type: 'boolean', const: true }, data: ref(c.output.get(route.method) as string) } } } },
      },
      ...failures(def, withBody),
      default: { description: 'Another failure; the HTTP status follows the error code', content: { 'application/json': { schema: ref('ErrorEnvelope') } } },
    },
  }
  if (withBody) {
    // No body reads as {} (rest.ts): a body is required exactly when the method's input refuses {}.
    op.requestBody = { required: !def.input.safeParse({}).success, content: { 'application/json': { schema: ref(inputId) } } }
  } else {
    // A query may name the wallet `walletId` too; a parameter cannot be one-of-two, so `wallet` is the one required.
    const plain = c.plain.get(route.method) as Json
    const props = { ...((plain.properties ?? {}) as Record<string, Json>) }
    if (props.wallet !== undefined) props.walletId = { ...props.wallet, description: WALLET_ID_NOTE }
    const required = new Set((plain.required as string[] | undefined) ?? [])
    op.parameters = Object.entries(props).map(([name, schema]) => ({
      name,
      in: 'query',
      required: required.has(name),
      ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
      schema,
      ...(schema.type === 'array' ? { explode: true } : {}),
    }))
  }
  return op
}

const errorCode: Json = { type: 'string', enum: Object.keys(ERROR_CODES), description: 'A stable code (append-only); its HTTP status is fixed' }
const apiError: Json = {
  type: 'object',
  required: ['code', 'message', 'details', 'hint'],
  properties: {
    code: ref('ErrorCode'),
    message: { type: 'string' },
    details: { type: 'object', additionalProperties: {}, description: 'Typed by code, e.g. issues for INPUT_INVALID, the rule and what would pass for POLICY_DENIED' },
    hint: { type: 'string', description: 'What to try next' },
  },
}
const errorEnvelope: Json = { type: 'object', required: ['ok', 'error'], properties: { ok: { type: 'boolean', const: false }, error: ref('ApiError') } }
const health: Json = { type: 'object', required: ['status', 'version'], properties: { status: { type: 'string', const: 'ok' }, version: { type: 'string' } } }

/** `GET /v1/events` (plugins/events.ts): the audit log as server-sent events, for the operator. */
function eventsOperation(): Json {
  const envelope = (codes: string): Json => ({ description: codes, content: { 'application/json': { schema: ref('ErrorEnvelope') } } })
  return {
    operationId: 'events',
    summary: 'Follow the event stream: every entry the caller may see after a starting point, in seq order, then new ones as they are written (server-sent events).',
    description:
      'Each entry is one event: `id: <seq>`, `event: audit`, `data: <Event JSON>`. The operator sees every audit entry; an agent session ' +
      "only its own wallets' request state changes and incoming transfers, with fewer fields (as event.wait). Starts after the `Last-Event-ID` " +
      'header (a reconnect), else after `?after=<seq>`, else with the next new entry. A comment line every 15 s keeps it open; `retry: 2000`. ' +
      "When a session is revoked or expires, its stream gets one `event: error` (data: the error's code, message, details, hint) and ends.",
    tags: ['audit'],
    security: [{ bearerAuth: [] }, { masterPassword: [] }],
    'x-waiaas-role': 'agent',
    parameters: [
      { name: 'after', in: 'query', required: false, description: 'Start after this audit seq (0: from the first entry)', schema: { type: 'integer', minimum: 0 } },
      { name: 'Last-Event-ID', in: 'header', required: false, description: 'The last seq received; wins over `after`', schema: { type: 'integer', minimum: 0 } },
    ],
    responses: {
      '200': {
        description: 'The stream; each event\'s data is an Event',
        content: { 'text/event-stream': { schema: { type: 'string' }, 'x-waiaas-event-data': ref('Event') } },
      },
      '400': envelope('Bad Request: INPUT_INVALID (after or Last-Event-ID is not a seq)'),
      '401': envelope('Unauthorized: AUTH_REQUIRED, AUTH_BAD_PASSWORD, SESSION_INVALID, SESSION_EXPIRED, SESSION_REVOKED'),
      '403': envelope('Forbidden: SESSION_SCOPE (a session without the read permission), HTTP_ORIGIN_REFUSED'),
      '423': envelope('Locked: KILL_SWITCH_ON (agent sessions are suspended)'),
      '404': envelope('Not Found: HTTP_ROUTE_NOT_FOUND (the REST plugin is not enabled)'),
      '429': envelope('Too Many Requests: EVENTS_TOO_MANY_STREAMS, AUTH_THROTTLED'),
      default: envelope('Another failure; the HTTP status follows the error code'),
    },
  }
}

/** The document for a server reachable at `serverUrl`. */
export function openApiDocument(version: string, serverUrl: string): Json {
  const routes = restRoutes()
  const c = components(routes)
  const paths: Record<string, Json> = {
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Liveness for container health checks; needs no credential and shows no data.',
        tags: ['system'],
        security: [],
        responses: {
          '200': { description: 'Up', content: { 'application/json': { schema: ref('Health') } } },
          '4XX': { description: 'A request the HTTP server cannot parse (400; 431 for headers over 16 KiB), answered without a body' },
        },
      },
    },
    [OPENAPI_PATH]: {
      get: {
        operationId: 'openapi',
        summary: 'This document.',
        tags: ['system'],
        security: [],
        responses: {
          '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object', additionalProperties: {} } } } },
          '403': { description: 'Forbidden: HTTP_ORIGIN_REFUSED', content: { 'application/json': { schema: ref('ErrorEnvelope') } } },
          '404': { description: 'Not Found: HTTP_ROUTE_NOT_FOUND (the REST plugin is not enabled)', content: { 'application/json': { schema: ref('ErrorEnvelope') } } },
        },
      },
    },
  }
  Object.assign(paths, adminPaths())
  paths[EVENTS_PATH] = { get: eventsOperation() }
  for (const route of routes) {
    const item = paths[route.path] ?? {}
    item[route.verb.toLowerCase()] = operation(route, c)
    paths[route.path] = item
  }
  const topics = [...new Set(routes.map((r) => topicOf(r.method)))]
  return {
    openapi: '3.1.0',
    info: {
      title: 'waiaas REST',
      version,
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'Every operation of the waiaas contract as POST /v1/<topic>/<verb> with a JSON body; the read-only ones also as GET with ' +
        'their params in the query string (repeat a key for a list). Success: 200 {"ok":true,"data":…}; ' +
        'failure: {"ok":false,"error":{code,message,details,hint}} with the status of its code. Amounts are decimal strings.',
    },
    servers: [{ url: serverUrl }],
    tags: [...new Set(['system', ...topics, 'admin'])].map((name) => ({ name, description: TAGS[name] ?? `${name} methods` })),
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An agent session token (waiaas session create)' },
        masterPassword: { type: 'apiKey', in: 'header', name: 'X-Master-Password', description: 'The master password: the operator' },
        ...ADMIN_SECURITY_SCHEMES,
      },
      schemas: { ...c.schemas, ErrorEnvelope: errorEnvelope, ApiError: apiError, ErrorCode: errorCode, Health: health, ...ADMIN_SCHEMAS },
    },
    paths,
  }
}

/**
 * The REST plugin's OpenAPI 3.1 document, generated from the same contract and zod schemas the daemon validates
 * with: one operation per route, its role and accepted credentials, its request and response schemas.
 */
import { z } from 'zod'
import { contract, type MethodDef } from '../../lib/contract.js'
import { ERROR_CODES } from '../../lib/errors.js'
import { OPENAPI_PATH, restRoutes, type Route } from './rest.js'

type Json = Record<string, unknown>

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json
  delete out.$schema
  return out
}

const errorEnvelope: Json = {
  type: 'object',
  required: ['ok', 'error'],
  properties: {
    ok: { const: false },
    error: {
      type: 'object',
      required: ['code', 'message', 'details', 'hint'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES) },
        message: { type: 'string' },
        details: { type: 'object' },
        hint: { type: 'string' },
      },
    },
  },
}

/** Over HTTP every call needs a credential: a session token where the method allows sessions, else the master password. */
function security(def: MethodDef): Json[] {
  return def.role !== 'operator' && def.session !== undefined ? [{ bearerAuth: [] }, { masterPassword: [] }] : [{ masterPassword: [] }]
}

function operation(route: Route): Json {
  const def: MethodDef = contract[route.method]
  const input = jsonSchema(def.input, 'input')
  const props = input.properties as Json | undefined
  if (props?.wallet !== undefined) props.walletId = { ...(props.wallet as Json), description: "Same as wallet (the seed article's spelling)" }
  const op: Json = {
    operationId: route.alias ? `${route.method}#${route.verb.toLowerCase()}${route.path.replaceAll('/', '_')}` : route.verb === 'GET' ? `${route.method}#get` : route.method,
    summary: def.summary,
    'x-waiaas-method': route.method,
    'x-waiaas-role': def.role,
    'x-waiaas-session': def.session ?? null,
    'x-waiaas-errors': def.errors,
    security: security(def),
    responses: {
      '200': {
        description: 'The result',
        content: { 'application/json': { schema: { type: 'object', required: ['ok', 'data'], properties: { ok: { const: true }, data: jsonSchema(def.output, 'output') } } } },
      },
      default: { description: 'A failure; the HTTP status follows the error code', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  }
  if (route.verb === 'POST') {
    op.requestBody = { required: false, content: { 'application/json': { schema: input } } }
  } else {
    const props = (input.properties ?? {}) as Record<string, Json>
    const required = new Set((input.required as string[] | undefined) ?? [])
    op.parameters = Object.entries(props).map(([name, schema]) => ({ name, in: 'query', required: required.has(name), schema, ...(schema.type === 'array' ? { explode: true } : {}) }))
  }
  return op
}

/** The document for a server reachable at `serverUrl`. */
export function openApiDocument(version: string, serverUrl: string): Json {
  const paths: Record<string, Json> = {
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Liveness for container health checks; needs no credential and shows no data.',
        security: [],
        responses: { '200': { description: 'Up', content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' }, version: { type: 'string' } } } } } } },
      },
    },
    [OPENAPI_PATH]: {
      get: { operationId: 'openapi', summary: 'This document.', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } },
    },
  }
  for (const route of restRoutes()) {
    const item = paths[route.path] ?? {}
    item[route.verb.toLowerCase()] = operation(route)
    paths[route.path] = item
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'waiaas REST',
      version,
      description:
        'Every operation of the waiaas contract as POST /v1/<topic>/<verb> with a JSON body; the read-only ones also as GET with ' +
        'their params in the query string (repeat a key for a list). Success: 200 {"ok":true,"data":…}; ' +
        'failure: {"ok":false,"error":{code,message,details,hint}} with the status of its code. Amounts are decimal strings.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An agent session token (waiaas session create)' },
        masterPassword: { type: 'apiKey', in: 'header', name: 'X-Master-Password', description: 'The master password: the operator' },
      },
      schemas: { Error: errorEnvelope },
    },
    paths,
  }
}

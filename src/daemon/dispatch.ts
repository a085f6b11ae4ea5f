/**
 * Transport-free dispatch: look the method up in the contract, validate params, authorise the caller, run the
 * handler, validate the result. The socket server calls this; the REST and MCP plugins will call the same.
 */
import { z } from 'zod'
import { contract, exposes, type MethodDef, type MethodName } from '../lib/contract/index.js'
import { toWaiaasError, WaiaasError } from '../lib/errors.js'
import type { WireAuth } from '../lib/wire.js'
import { httpSource, SOCKET_SOURCE } from './auth-throttle.js'
import type { Caller, DaemonContext, Handler } from './context.js'
import { handlers } from './handlers/index.js'
import { checkSessionCall, checkSessionMethod, sessionCaller } from './session-auth.js'

/** Turns zod issues into secret-free details: where, and what was wrong, never the value given. */
function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[] }): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
}

/**
 * Establishes who the caller is for this method: the operator (master password), an agent session (token), or an
 * anonymous caller, who may call public methods only on the socket (over HTTP every call needs a credential).
 */
async function authorise(ctx: DaemonContext, method: MethodName, def: MethodDef, auth: WireAuth | undefined, transport: Transport, source: string, admin: boolean): Promise<Caller> {
  if (auth?.password !== undefined) {
    const grant = await ctx.keyring.authorize(auth.password, 'operator', method, source)
    // Only backup.create sees the password itself (the backup key is derived from it, not from the data key).
    return { role: 'operator', actor: 'operator', grant, source, ...(method === 'backup.create' ? { password: auth.password } : {}) }
  }
  if (auth?.token !== undefined) {
    const caller = sessionCaller(ctx, auth.token)
    if (caller.session !== undefined) checkSessionMethod(ctx, method, def, caller.session)
    return { ...caller, source }
  }
  // A live admin cookie (checked by the HTTP server, with its CSRF token): the operator, with the daemon's held key.
  if (admin && transport === 'http') return { role: 'operator', actor: 'operator', grant: { dataKey: ctx.keyring.heldDataKey(), release: () => {} }, source }
  if (def.role === 'public' && transport === 'socket') return { role: 'public', actor: 'socket', source }
  throw new WaiaasError('AUTH_REQUIRED', `${method} needs the master password${def.session === undefined ? '' : ' or a session token'}`, {
    details: { method, role: def.role },
  })
}

/** Where a call came from: the owner-only socket, or an HTTP plugin (where nothing is callable without a credential). */
export type Transport = 'socket' | 'http'

/** The password-throttle source of a call: the socket, or the HTTP client's address (see auth-throttle.ts). */
function sourceOf(transport: Transport, peer: string | undefined): string {
  return transport === 'socket' ? SOCKET_SOURCE : httpSource(peer)
}

/**
 * Checks that a credential is valid without calling a method, for an HTTP endpoint that must turn strangers away at
 * the door (MCP over HTTP); every call made behind it is still authorised by `dispatch`. AUTH_REQUIRED without one.
 */
export async function verifyCredential(ctx: DaemonContext, auth: WireAuth, peer: string | undefined): Promise<void> {
  if (auth.password !== undefined) return (await ctx.keyring.authorize(auth.password, 'operator', 'http.connect', httpSource(peer))).release()
  if (auth.token !== undefined) return void sessionCaller(ctx, auth.token)
  throw new WaiaasError('AUTH_REQUIRED', 'A session token (Authorization: Bearer) or the master password (X-Master-Password) is required', { details: {} })
}

/**
 * Fields of `params` that the method's input does not declare, at any depth of its objects and lists (as paths:
 * `transfers.0.tokn`). They are refused, not dropped: a misspelt `tokn` would otherwise send the native coin instead
 * of the token, in a batch's transfer as at the top. (Names only, never values, go into the error.)
 */
function unknownFields(schema: z.ZodType, params: unknown, at = ''): string[] {
  const inner = unwrapped(schema)
  if (inner instanceof z.ZodArray && Array.isArray(params)) {
    return params.flatMap((item, i) => unknownFields(inner.element as z.ZodType, item, `${at}${i}.`))
  }
  if (!(inner instanceof z.ZodObject) || typeof params !== 'object' || params === null || Array.isArray(params)) return []
  // A loose object (a catch-all, such as a policy's rules, checked by its own type) keeps what it does not name.
  if (inner.def.catchall !== undefined && !(inner.def.catchall instanceof z.ZodNever)) return []
  const shape = inner.shape as Record<string, z.ZodType>
  return Object.entries(params).flatMap(([k, v]) =>
    Object.hasOwn(shape, k) ? unknownFields(shape[k] as z.ZodType, v, `${at}${k}.`) : [`${at}${k}`.slice(0, 64)],
  )
}

/** The schema inside optional, nullable and default wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let s = schema
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.def.innerType as z.ZodType
  return s
}

/**
 * Runs one call. Every failure comes back as a WaiaasError with a stable code. `peer` is the HTTP client's address
 * (its failed passwords are throttled apart from the socket's). `admin`: the HTTP server found a live admin session
 * cookie (src/daemon/plugins/admin.ts) and no other credential, so the caller is the operator. `signal`: aborts when
 * the transport will not deliver the answer (its client left, or it is closing), so a call that waits ends.
 */
export async function dispatch(
  ctx: DaemonContext,
  method: string,
  rawParams: unknown,
  auth: WireAuth | undefined,
  transport: Transport = 'socket',
  peer?: string,
  admin = false,
  signal?: AbortSignal,
): Promise<unknown> {
  // Over HTTP the plugins route only what the contract exposes on REST or MCP; the socket checks its own column here.
  if (!Object.hasOwn(contract, method) || (transport === 'socket' && !exposes(contract[method as MethodName], 'socket'))) {
    throw new WaiaasError('RPC_METHOD_NOT_FOUND', `Unknown method ${JSON.stringify(method.slice(0, 64))}`, { details: { method: method.slice(0, 64) } })
  }
  const name = method as MethodName
  const def: MethodDef = contract[name]
  // Who is asking comes before what is asked: a caller without the right credential learns nothing about the params.
  const caller = await authorise(ctx, name, def, auth, transport, sourceOf(transport, peer), admin)
  if (signal !== undefined) caller.signal = signal
  try {
    const unknown = unknownFields(def.input, rawParams)
    const parsed = def.input.safeParse(rawParams ?? {})
    if (!parsed.success || unknown.length > 0) {
      const issues = [...(parsed.success ? [] : issuesOf(parsed.error)), ...unknown.map((k) => ({ path: k, message: `${name} has no field "${k}"` }))]
      throw new WaiaasError('INPUT_INVALID', `Invalid params for ${name}`, {
        details: { method: name, issues },
        ...(unknown.length > 0 ? { hint: `Check the spelling of ${unknown.map((k) => `"${k}"`).join(', ')}: a field the method does not know is refused, never ignored.` } : {}),
      })
    }
    const params = caller.session === undefined ? parsed.data : checkSessionCall(ctx, name, def, caller.session, parsed.data as Record<string, unknown>)
    const handler = handlers[name] as Handler<MethodName>
    const result = await handler(ctx, params as never, caller)
    const out = def.output.safeParse(result)
    if (!out.success) {
      ctx.log.error('handler returned a result outside its schema', { method: name, issues: issuesOf(out.error) })
      throw new WaiaasError('INTERNAL', `${name} produced an invalid result`)
    }
    return out.data
  } catch (err) {
    const e = toWaiaasError(err)
    if (e.code === 'INTERNAL') ctx.log.error('internal error', { method: name, error: err instanceof Error ? err.stack ?? err.message : String(err) })
    throw e
  } finally {
    caller.grant?.release()
  }
}

/**
 * Transport-free dispatch: look the method up in the contract, validate params, authorise the caller, run the
 * handler, validate the result. The socket server calls this; the REST and MCP plugins will call the same.
 */
import { contract, ROLE_RANK, type MethodDef, type MethodName } from '../lib/contract.js'
import { toWaiaasError, WaiaasError } from '../lib/errors.js'
import type { WireAuth } from '../lib/wire.js'
import type { Caller, DaemonContext, Handler } from './context.js'
import { handlers } from './handlers/index.js'

/** Turns zod issues into secret-free details: where, and what was wrong, never the value given. */
function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[] }): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
}

/** Establishes who the caller is for this method, checking the password where the method needs the operator. */
async function authorise(ctx: DaemonContext, method: MethodName, def: MethodDef, auth: WireAuth | undefined): Promise<Caller> {
  if (def.role === 'public') return { role: 'public', actor: 'socket' }
  if (auth?.password === undefined) {
    throw new WaiaasError('AUTH_REQUIRED', `${method} needs the master password`, { details: { method, role: def.role } })
  }
  const grant = await ctx.keyring.authorize(auth.password, 'operator', method)
  const caller: Caller = { role: 'operator', actor: 'operator', grant }
  if (ROLE_RANK[caller.role] < ROLE_RANK[def.role]) {
    grant.release()
    throw new WaiaasError('AUTH_FORBIDDEN', `${method} is not allowed for this credential`, { details: { method } })
  }
  return caller
}

/** Runs one call. Every failure comes back as a WaiaasError with a stable code. */
export async function dispatch(ctx: DaemonContext, method: string, rawParams: unknown, auth: WireAuth | undefined): Promise<unknown> {
  if (!Object.hasOwn(contract, method)) {
    throw new WaiaasError('RPC_METHOD_NOT_FOUND', `Unknown method ${JSON.stringify(method.slice(0, 64))}`, { details: { method: method.slice(0, 64) } })
  }
  const name = method as MethodName
  const def: MethodDef = contract[name]
  const parsed = def.input.safeParse(rawParams ?? {})
  if (!parsed.success) {
    throw new WaiaasError('INPUT_INVALID', `Invalid params for ${name}`, { details: { method: name, issues: issuesOf(parsed.error) } })
  }
  const caller = await authorise(ctx, name, def, auth)
  try {
    const handler = handlers[name] as Handler<MethodName>
    const result = await handler(ctx, parsed.data as never, caller)
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

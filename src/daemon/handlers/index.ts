/**
 * The dispatch table, built from the handler modules: the handler of contract method `ns.verb` is the export named
 * `verb` of `handlers/<ns>.ts` (a verb that is no identifier, like `set-owner`, by its camelCase `setOwner`; a
 * reserved word like `delete` is declared under another name and exported as the verb). The type of `modules` makes
 * a missing handler, or one of the wrong method, a compile error; test/unit/handlers-mirror.test.ts checks that no
 * module exports anything else.
 */
import { contract, type MethodName, type Namespace } from '../../lib/contract/index.js'
import type { Handler, HandlerTable } from '../context.js'
import * as audit from './audit.js'
import * as backup from './backup.js'
import * as balance from './balance.js'
import * as calldata from './calldata.js'
import * as devnet from './devnet.js'
import * as event from './event.js'
import * as incoming from './incoming.js'
import * as killswitch from './killswitch.js'
import * as network from './network.js'
import * as notify from './notify.js'
import * as plugin from './plugin.js'
import * as policy from './policy.js'
import * as session from './session.js'
import * as sign from './sign.js'
import * as system from './system.js'
import * as token from './token.js'
import * as tx from './tx.js'
import * as vault from './vault.js'
import * as wallet from './wallet.js'

/** The export name of a verb: itself, or its camelCase when it has dashes (`set-owner` → `setOwner`). */
export function exportName(verb: string): string {
  return verb.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** What `handlers/<N>.ts` must export: one handler per verb of namespace N, under the verb. */
type NamespaceModule<N extends Namespace> = { readonly [M in MethodName as M extends `${N}.${infer V}` ? V : never]: Handler<M> }

/** Each namespace's handler module. */
export const modules: { readonly [N in Namespace]: NamespaceModule<N> } = {
  system, vault, wallet, balance, tx, sign, calldata, policy, killswitch, network, devnet, audit, event, session, plugin, incoming, notify, backup, token,
}

/** One implementation per contract method. */
export const handlers: HandlerTable = Object.fromEntries(
  (Object.keys(contract) as MethodName[]).map((method) => {
    const [ns, verb] = method.split('.') as [Namespace, string]
    return [method, (modules[ns] as unknown as Record<string, unknown>)[exportName(verb)]]
  }),
) as HandlerTable

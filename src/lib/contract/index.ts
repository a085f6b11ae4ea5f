/**
 * The one contract: every operation the daemon offers, with its input and output schema, the least role that may
 * call it and the transports that expose it. The socket server validates and authorises from this table, the CLI
 * client is typed from it, and the REST routes, the OpenAPI document and the MCP tools are generated from it. No
 * transport keeps its own list of methods.
 *
 * Each namespace (`tx`, `wallet`, …) is one file beside this one, and its handlers are the exports of the same name in
 * `src/daemon/handlers/<namespace>.ts`. This file only assembles the table and names its types.
 *
 * The CLI imports the contract only as types (`import type`), so zod never loads in a command that just talks to the
 * daemon; validation happens in the daemon, on the way in and on the way out.
 */
import type { z } from 'zod'
import { exposes, type MethodDef, type REQUEST_KINDS, type TransportName, type TX_STATES } from './common.js'
import { auditEntry, auditMethods } from './audit.js'
import { backupMethods } from './backup.js'
import { balanceMethods } from './balance.js'
import { calldataMethods } from './calldata.js'
import { devnetInfo, devnetMethods } from './devnet.js'
import { eventEntry, eventMethods } from './event.js'
import { incomingMethods } from './incoming.js'
import { killSwitch, killswitchMethods } from './killswitch.js'
import { network, networkMethods } from './network.js'
import { notifyChannel, notifyDelivery, notifyMethods } from './notify.js'
import { pluginMethods } from './plugin.js'
import { policy, policyMethods, verdict } from './policy.js'
import { pluginStatus, ruleRef, txRequest, wallet } from './schemas.js'
import { sessionMethods, sessionView } from './session.js'
import { signMethods } from './sign.js'
import { systemMethods } from './system.js'
import { registryToken, tokenMethods } from './token.js'
import { txMethods } from './tx.js'
import { kdfSummary, vaultMethods } from './vault.js'
import { walletMethods } from './wallet.js'

export {
  chainSchema,
  exposes,
  TRANSPORTS,
  type TransportName,
  REQUEST_KINDS,
  SESSION_PERMISSIONS,
  SIGN_MESSAGE_FORMATS,
  type SignMessageFormat,
  TIER_NAMES,
  TX_STATES,
  type MethodDef,
  type Role,
  type SessionAccess,
  type SessionPermission,
} from './common.js'
export { MAX_FRAME_BYTES, PROTOCOL_VERSION } from '../wire.js'
export { EVENTS_MAX_WAIT_MS, SESSION_EVENT_ACTIONS, type SessionEventAction } from './event.js'
/** The optional HTTP plugins; both share one HTTP server (its address is the rest plugin's host and port). */
export { PLUGIN_NAMES, type PluginName } from '../plugin-names.js'

/** Every method, namespace by namespace. */
export const contract = {
  ...systemMethods,
  ...vaultMethods,
  ...walletMethods,
  ...balanceMethods,
  ...txMethods,
  ...signMethods,
  ...calldataMethods,
  ...policyMethods,
  ...killswitchMethods,
  ...networkMethods,
  ...devnetMethods,
  ...auditMethods,
  ...eventMethods,
  ...sessionMethods,
  ...pluginMethods,
  ...incomingMethods,
  ...notifyMethods,
  ...backupMethods,
  ...tokenMethods,
} as const satisfies Record<string, MethodDef>

/**
 * The shared result types by the name clients know them by: the REST plugin's OpenAPI document publishes each as
 * `components/schemas/<name>` (a generated client gets `TxRequest`, `Wallet`, …). Per-method inputs and results are
 * named after their method there (`tx.send` → `TxSendInput`); only types shared by several methods are listed here.
 */
export const NAMED_SCHEMAS = {
  Wallet: wallet,
  TxRequest: txRequest,
  Policy: policy,
  Session: sessionView,
  Network: network,
  AuditEntry: auditEntry,
  Event: eventEntry,
  KillSwitch: killSwitch,
  PluginStatus: pluginStatus,
  NotifyChannel: notifyChannel,
  NotifyDelivery: notifyDelivery,
  DevnetInfo: devnetInfo,
  Verdict: verdict,
  RuleRef: ruleRef,
  Kdf: kdfSummary,
  RegistryToken: registryToken,
} as const satisfies Record<string, z.ZodType>

/** The methods `transport` exposes, in the table's order. */
export function methodsOn(transport: TransportName): MethodName[] {
  return (Object.keys(contract) as MethodName[]).filter((m) => exposes(contract[m], transport))
}

export type Contract = typeof contract
export type MethodName = keyof Contract
/** The namespaces of the contract (`tx`, `wallet`, …): the part of a method's name before the dot. */
export type Namespace = MethodName extends `${infer N}.${string}` ? N : never
/** What a caller sends (defaults optional). */
export type Input<M extends MethodName> = z.input<Contract[M]['input']>
/** What a handler receives after validation (defaults applied). */
export type Params<M extends MethodName> = z.output<Contract[M]['input']>
export type Output<M extends MethodName> = z.output<Contract[M]['output']>
export type Wallet = z.output<typeof wallet>
export type Network = z.output<typeof network>
export type RegistryTokenView = z.output<typeof registryToken>
export type AuditEntryOut = z.output<typeof auditEntry>
/** One entry of the event stream (`event.wait`, `GET /v1/events`, the SDKs' `client.events()`). */
export type EventEntry = z.output<typeof eventEntry>
export type TxRequestView = z.output<typeof txRequest>
export type PolicyView = z.output<typeof policy>
export type SessionView = z.output<typeof sessionView>
export type PluginStatus = z.output<typeof pluginStatus>
export type NotifyChannelView = z.output<typeof notifyChannel>
export type NotifyDeliveryView = z.output<typeof notifyDelivery>
export type TxState = (typeof TX_STATES)[number]
export type RequestKind = (typeof REQUEST_KINDS)[number]

/**
 * The context handlers run with and who is calling. Interfaces only: the parts are named by their ports
 * (src/daemon/ports.ts), so this file loads no implementation (test/unit/context-interface.test.ts).
 */
import type { MethodName, Output, Params, Role } from '../lib/contract/index.js'
import type { Clock } from '../lib/clock.js'
import type { Paths } from '../lib/paths.js'
import type { ResolvedSettings } from '../lib/resolve-settings.js'
import type {
  ChainsPort,
  Db,
  DevnetPort,
  KeyGrant,
  KeyringPort,
  Logger,
  MonitorPort,
  NotifierPort,
  PipelinePort,
  PluginsPort,
  PricesPort,
} from './ports.js'
import type { SessionRow } from './store/session-types.js'

/** Everything a handler may use, built once at start-up and passed down; there are no singletons. */
export interface DaemonContext {
  paths: Paths
  db: Db
  keyring: KeyringPort
  log: Logger
  /** Chain adapters per network, built on first use. */
  chains: ChainsPort
  /** Requests from validation to confirmation: policy, reservations, delays, approvals, signing, following. */
  pipeline: PipelinePort
  /** The local playground; its chain modules load only when it starts. */
  devnet: DevnetPort
  /** The optional HTTP plugins (REST, MCP over HTTP); their server module loads only when one is enabled. */
  plugins: PluginsPort
  /** Watches networks for incoming transfers and low balances (src/daemon/monitor). */
  monitor: MonitorPort
  /** USD prices, the same the policies judge by (balances show their value with them). */
  prices: PricesPort
  /** Notification channels: follows the audit log, delivers to webhooks, Telegram, Slack, Discord, ntfy. */
  notifier: NotifierPort
  version: string
  startedAt: Date
  /** What agent sessions' expiry and renewal are measured by: the wall clock, or a test's clock (src/lib/clock.ts). */
  now: Clock
  /** Started by the CLI's launcher (so a CLI of another version may restart it). */
  managed: boolean
  /** Every setting as resolved at start (environment, config file, default): what `waiaas config list` shows. */
  settings: ResolvedSettings
  /** The prices.json in use (WAIAAS_PRICES_FILE, else <data dir>/prices.json when present); backups include it. */
  pricesFile?: string | undefined
  /** The base URL approval links are given under, when the owner reaches the REST plugin through another address. */
  restPublicUrl?: string | undefined
  /** Asks the daemon to shut down after the current response is written. */
  requestShutdown(): void
}

/** Who is calling, as established by the server from the connection and the credential presented. */
export interface Caller {
  role: Role
  /** Name written to the audit log: `operator`, `socket`, `daemon`, later `session:<id>`. */
  actor: string
  /** The data key for the length of this request, present for operator calls. */
  grant?: KeyGrant
  /** The master password of an operator call, already verified; only backup.create reads it (to derive the backup key). */
  password?: string
  /** The agent session, for calls made with a session token: its scope limits what the handler returns and does. */
  session?: SessionRow
  /** Where the call came from, as the password throttle counts it: `socket`, or `http:<address>`. */
  source?: string
  /** Aborts when nobody will read the answer any more (the client left, or the server is closing): a call that waits stops. */
  signal?: AbortSignal
}

/** A contract method's implementation: transport-free, validated params in, a value matching the output schema out. */
export type Handler<M extends MethodName> = (ctx: DaemonContext, params: Params<M>, caller: Caller) => Promise<Output<M>> | Output<M>

export type HandlerTable = { [M in MethodName]: Handler<M> }

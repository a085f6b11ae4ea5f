/**
 * What the pipeline's modules share: the daemon's parts they use, the options, the clock, and the few pieces of
 * state that live as long as the pipeline (spend ledger, group commit, signing-key cache, waiters, work in flight,
 * the kill switch). Built once by the Pipeline facade and passed to every stage as its first argument.
 */
import type { PreparedTx, EffectReport } from '../chains/types.js'
import type { DaemonContext } from '../context.js'
import type { PriceService } from '../prices/index.js'
import type { RequestRow } from '../store/requests.js'
import type { KillSwitchState } from './facade-types.js'
import type { GroupCommit } from './group-commit.js'
import type { KeyCache } from './keys.js'
import type { SpendLedger } from './ledger.js'
import type { TokenMeta } from './plan.js'
import type { Waiters } from './waiters.js'
import type { InFlight } from './work.js'

export type PipelineEnv = Pick<DaemonContext, 'db' | 'keyring' | 'chains' | 'log'>

export interface PipelineOptions {
  prices: PriceService
  /** How often the sweep runs: due delays, expiries, held work, confirmations. */
  tickMs: number
  /** How long an APPROVAL waits unless the deciding SPENDING_LIMIT sets `approval_timeout_seconds`. */
  approvalTtlMs: number
  now?: () => number
  /** Test hook: SIGKILL this process right after the named stage commits (only with WAIAAS_TEST_HOOKS=1). */
  crashAt?: string | undefined
}

export type { KillSwitchState } from './facade-types.js'

export interface PipelineCtx {
  readonly env: PipelineEnv
  readonly opts: PipelineOptions
  readonly now: () => number
  readonly ledger: SpendLedger
  readonly commits: GroupCommit
  readonly keys: KeyCache
  readonly waiters: Waiters
  readonly work: InFlight
  /** The kill switch as last read or written (the pipeline is its only writer); undefined until first read. */
  kill: KillSwitchState | undefined
  /** Set by stop(): waits return at once. */
  stopped: boolean
  /** Test hook: SIGKILL this process right after the named stage commits (see PipelineOptions.crashAt). */
  crashHook(stage: string): void
}

/** What a request row's `payload` holds. */
export type Payload = {
  body: Record<string, unknown>
  tokens: Record<string, TokenMeta>
  maxFee: bigint | null
  /** How the decision saw the transaction's effect (see PolicyRequest.effects); `simulated` is checked again at signing. */
  effects?: EffectReport['status']
}

/** The row's payload, as the pipeline wrote it. */
export function payloadOf(row: Pick<RequestRow, 'payload'>): Payload {
  return row.payload as Payload
}

/** The row's stored prepared transaction, as the pipeline wrote it (null until one is built for signing). */
export function preparedOf(row: Pick<RequestRow, 'prepared'>): PreparedTx | null {
  return row.prepared as PreparedTx | null
}

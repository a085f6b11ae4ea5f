/**
 * The transaction pipeline: validate → authorise → policy + reservation → wait (delay or approval) → sign →
 * broadcast → confirm. Each stage is a compare-and-set state change of the request's row in SQLite, written in the
 * same transaction as its audit entry (transition.ts: if the audit write fails, the stage did not happen).
 *
 * - Policy + reservation is one synchronous SQLite transaction: evaluation reads the spend ledger and the row is
 *   reserved before any other request can be evaluated, so cumulative limits cannot be raced (decide.ts).
 * - The signed raw transaction is stored before it is broadcast; broadcasting takes only stored bytes (execute.ts).
 *   After a crash, `start()` resumes every request from its stored state (sweep.ts).
 * - EVM nonces are taken only when a request may really be signed, and stored before signing.
 * - The kill switch holds everything before signing and broadcasting; submitted transactions are still followed.
 *
 * This class is a facade: one module per job (submit, decide, policy-test, execute, follow, operator, owner,
 * killswitch, sweep, keys, waiters), sharing one PipelineCtx.
 */
import type { RequestKind } from '../../lib/contract/index.js'
import type { PreparedTx } from '../chains/types.js'
import type { PolicyFacts } from '../policy/types.js'
import type { PipelinePort } from '../ports.js'
import type { RequestRow } from '../store/requests.js'
import type { KillSwitchState, PipelineCtx, PipelineEnv, PipelineOptions } from './context.js'
import type { SpendView } from './facade-types.js'
import { facts } from './decide.js'
import { execute } from './execute.js'
import { GroupCommit } from './group-commit.js'
import { KeyCache } from './keys.js'
import { killSwitch, setKillSwitch } from './killswitch.js'
import { SpendLedger } from './ledger.js'
import { approve, cancel, reject, speedUp } from './operator.js'
import { approvalMessage, ownerDecide } from './owner.js'
import type { SubmitInput } from './plan.js'
import { policyTest, type TestResult } from './policy-test.js'
import { submit } from './submit.js'
import { resume, sweep } from './sweep.js'
import { Waiters, wait } from './waiters.js'
import { InFlight } from './work.js'

export type { KillSwitchState, PipelineEnv, PipelineOptions } from './context.js'
export type { TestResult } from './policy-test.js'

export class Pipeline implements PipelinePort {
  readonly ledger: SpendLedger
  private readonly ctx: PipelineCtx
  private timer: NodeJS.Timeout | undefined
  private ticking: Promise<void> | undefined

  constructor(env: PipelineEnv, opts: PipelineOptions) {
    const ledger = new SpendLedger(env.db)
    this.ledger = ledger
    this.ctx = {
      env,
      opts,
      now: opts.now ?? Date.now,
      ledger,
      // A batch that fails to commit takes its reservations with it: rebuild the ledger from SQLite.
      commits: new GroupCommit(env.db, () => ledger.forget()),
      keys: new KeyCache(env.keyring),
      waiters: new Waiters(),
      work: new InFlight(env.log),
      kill: undefined,
      stopped: false,
      crashHook: (stage) => {
        if (opts.crashAt === stage) process.kill(process.pid, 'SIGKILL')
      },
    }
  }

  /** Resumes every unfinished request, then sweeps every tickMs. Call before the daemon takes requests. */
  async start(): Promise<void> {
    await resume(this.ctx)
    this.timer = setInterval(() => void this.tick(), this.ctx.opts.tickMs)
    this.timer.unref()
    void this.tick()
  }

  /** Stops sweeping and waits for work in flight. */
  async stop(): Promise<void> {
    this.ctx.stopped = true
    if (this.timer !== undefined) clearInterval(this.timer)
    await this.ticking
    await this.ctx.work.settled()
  }

  /** Validates, records, decides and (when allowed at once) signs and broadcasts. POLICY_DENIED for a denial. */
  submit(input: SubmitInput, actor: string): Promise<RequestRow> {
    return submit(this.ctx, input, actor)
  }

  /** `policy test`: the same evaluation on the same facts, with nothing recorded or reserved. */
  test(input: SubmitInput, actor = 'operator'): Promise<TestResult> {
    return policyTest(this.ctx, input, actor)
  }

  /** Runs the next stages of an approved or signed request; concurrent calls for one request share one run. */
  execute(id: string, hint?: PreparedTx): Promise<void> {
    return execute(this.ctx, id, hint)
  }

  /** Operator approval of a request awaiting approval. */
  approve(id: string, actor: string): Promise<RequestRow> {
    return approve(this.ctx, id, actor)
  }

  /** Operator rejection of a request awaiting approval or waiting out a delay. */
  reject(id: string, actor: string, reason: string | undefined): RequestRow {
    return reject(this.ctx, id, actor, reason)
  }

  /** Cancels a request that has not been signed, or a broadcast EVM transaction by replacement. */
  cancel(id: string, actor: string): Promise<RequestRow> {
    return cancel(this.ctx, id, actor)
  }

  /** Replaces a submitted EVM transaction with higher fees (same nonce), within FEE_CAP. */
  speedUp(id: string, bumpPercent: number, actor: string): Promise<RequestRow> {
    return speedUp(this.ctx, id, bumpPercent, actor)
  }

  /** The canonical message the owner signs, with a fresh single-use nonce. */
  approvalMessage(id: string, decision: 'approve' | 'reject'): { message: string; owner: string; expiresAt: string } {
    return approvalMessage(this.ctx, id, decision)
  }

  /** Owner approval or rejection by signature (see owner.ts); `inside` runs in the transaction that records it. */
  ownerDecide(id: string, message: string, signature: string, inside?: () => void): Promise<RequestRow> {
    return ownerDecide(this.ctx, id, message, signature, inside)
  }

  /** Drops a deleted wallet's cached signing key, or every one (on lock). */
  forgetKey(walletId?: string): void {
    this.ctx.keys.forget(walletId)
  }

  /** The kill switch, kept in memory (the pipeline is its only writer) and persisted in meta. */
  killSwitch(): KillSwitchState {
    return killSwitch(this.ctx)
  }

  setKillSwitch(on: boolean, actor: string, reason: string | null): KillSwitchState {
    const state = setKillSwitch(this.ctx, on, actor, reason)
    if (!on) void this.tick()
    return state
  }

  /** Resolves when request `id` is final or `timeoutMs` passed. */
  wait(id: string, timeoutMs: number): Promise<RequestRow> {
    return wait(this.ctx, id, timeoutMs)
  }

  /** One sweep: expiries, due delays, held work, broadcasts to retry and confirmations to read. */
  tick(): Promise<void> {
    if (this.ctx.stopped) return Promise.resolve()
    this.ticking ??= sweep(this.ctx).finally(() => (this.ticking = undefined))
    return this.ticking
  }

  /** What a wallet has used of its limits on a network now: the decision's own facts, and when its windows' spend leaves them. */
  spendView(walletId: string, network: string): SpendView {
    const now = this.ctx.now()
    return { now, facts: facts(this.ctx, walletId, network, now), hours: this.ledger.spentHours(walletId, network, now) }
  }

  /** The facts the rules judge a wallet's request on (for bench/policy.js, which times them). */
  facts(walletId: string, network: string, now: number): PolicyFacts {
    return facts(this.ctx, walletId, network, now)
  }
}

/** Kinds whose amounts count against limits (for callers that list them). */
export const VALUE_KINDS: readonly RequestKind[] = ['native-transfer', 'token-transfer', 'contract-call', 'sign-tx']

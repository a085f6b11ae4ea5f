/**
 * What `send`, `call` and `approve` share: the idempotency key, `--wait` with its timeout, the request block as
 * human output, and the exit code a request ends the run with.
 */
import type { Command } from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags, sessionFlags } from './base-command.js'
import type { DaemonClient } from './client.js'
import type { Input, TxRequestView } from '../lib/contract/index.js'
import { DURATIONS, durationBounds, durationFlag } from '../lib/durations.js'
import { WaiaasError } from '../lib/errors.js'
import { nextStep, requestFields } from './tx-render.js'

/** tx.wait holds a call open at most this long; longer waits are several calls. */
const WAIT_SLICE_MS = 60_000
const DEFAULT_TIMEOUT = '120s'

/** Flags of every command that submits a request. */
export const submitFlags = {
  ...passwordFlags,
  ...sessionFlags,
  'idempotency-key': Flags.string({ description: 'A key of yours for this request: the same key never moves funds twice (a retry returns the first request)' }),
  wait: Flags.boolean({ description: 'Wait until the request is final (confirmed, failed, rejected…) or --timeout passes' }),
  timeout: Flags.string({ description: `With --wait: how long to wait, e.g. 90s, 5m, 1d (${durationBounds(DURATIONS.waitTimeout)}; plain seconds; default ${DEFAULT_TIMEOUT})`, dependsOn: ['wait'] }),
}

/**
 * How a run that produced this request ends. Nothing to report when it got what was asked (or was only submitted,
 * without --wait); with --wait, TX_NOT_COMPLETED (exit 1) when it ended anything but confirmed (or signed, for
 * sign-only requests) and PENDING_APPROVAL (exit 5) when it was still going when the wait ran out. The request is
 * in the error's details either way.
 */
export function requestOutcome(r: TxRequestView, waited: boolean): WaiaasError | undefined {
  if (r.final) {
    if (r.state === 'confirmed' || (r.state === 'signed' && r.signature !== null)) return undefined
    const why = r.error?.reason ?? r.decision?.reason
    return new WaiaasError('TX_NOT_COMPLETED', `Request ${r.id} ended ${r.state}${why === undefined ? '' : `: ${why}`}`, {
      details: { id: r.id, state: r.state, request: r },
    })
  }
  if (!waited) return undefined
  const next = nextStep(r)
  return new WaiaasError('PENDING_APPROVAL', `Request ${r.id} is still ${r.state}`, {
    details: { id: r.id, state: r.state, request: r },
    ...(next === undefined ? {} : { hint: next }),
  })
}

/** Waits (through tx.wait, a minute per call at most) until the request is final or `timeoutMs` has passed. */
export async function waitUntilFinal(client: DaemonClient, request: TxRequestView, timeoutMs: number): Promise<TxRequestView> {
  const deadline = Date.now() + timeoutMs
  let r = request
  while (!r.final) {
    const left = deadline - Date.now()
    if (left <= 0) break
    r = await client.call('tx.wait', { id: r.id, timeoutMs: Math.min(left, WAIT_SLICE_MS) })
  }
  return r
}

type SubmitMethod = 'tx.send' | 'tx.sendBatch' | 'tx.call' | 'tx.tokenApprove'

/** Base of the commands that submit a transaction request. */
export abstract class SubmitCommand<T extends typeof Command> extends BaseCommand<T> {
  /** The idempotency key flag, ready to spread into params. */
  protected idempotency(): { idempotencyKey?: string } {
    const key = this.stringFlag('idempotency-key')
    return key === undefined ? {} : { idempotencyKey: key }
  }

  /**
   * Submits as the agent session when a token was given, else as the operator; waits when --wait was given, and
   * sets the exit code from the request it ends with.
   */
  protected async submit<M extends SubmitMethod>(method: M, params: Input<M>): Promise<TxRequestView> {
    const wait = this.parsedFlags.wait === true
    const timeoutMs = durationFlag(this.stringFlag('timeout') ?? DEFAULT_TIMEOUT, '--timeout', DURATIONS.waitTimeout)
    const auth = await this.agentAuth()
    const client = await this.daemon()
    const submitted: TxRequestView = await client.call(method, params, auth)
    let r = submitted
    if (wait && !r.final) {
      r = await this.spin(
        () => `Waiting for ${submitted.id} (${submitted.state})`,
        (start) => {
          start()
          return waitUntilFinal(client, submitted, timeoutMs)
        },
      )
    }
    const outcome = requestOutcome(r, wait)
    if (outcome !== undefined) throw outcome
    return r
  }

  protected override render(r: TxRequestView): void {
    this.log(requestFields(r))
    const next = nextStep(r)
    if (next !== undefined) this.log(next)
  }
}

type SignMethod = 'sign.message' | 'sign.typedData' | 'sign.tx'

/**
 * Base of the `sign` commands. Human output is the signature alone, so a script can capture it; a request the
 * policies queued or sent for approval has none yet: then the request is shown and the run exits 5.
 */
export abstract class SignCommand<T extends typeof Command> extends BaseCommand<T> {
  protected async sign<M extends SignMethod>(method: M, params: Input<M>): Promise<TxRequestView> {
    const r: TxRequestView = await this.agentCall(method, params)
    // No signature yet (delayed or held for approval) is "still going": exit 5 with the request in the details.
    const outcome = requestOutcome(r, true)
    if (outcome !== undefined) throw outcome
    return r
  }

  protected override render(r: TxRequestView): void {
    if (r.signature !== null) {
      this.log(r.signature)
      return
    }
    this.log(requestFields(r))
    const next = nextStep(r)
    if (next !== undefined) this.log(next)
  }
}

/**
 * What the pipeline facade takes and returns, as plain data, so interface files (src/daemon/ports.ts) can name
 * them without loading the pipeline.
 */
import type { SignMessageFormat } from '../../lib/contract/index.js'
import type { Decision, PolicyFacts, WindowName } from '../../lib/policy-types/model.js'

/** How a message is framed before it is signed (see policy/message-guard.ts). */
type MessageFormat = SignMessageFormat

export type SubmitInput =
  | { kind: 'transfer'; wallet: string; network: string; to: string; amount: string; token?: string | undefined; idempotencyKey?: string | undefined }
  | {
      kind: 'call'
      wallet: string
      network: string
      to: string
      data?: string | undefined
      function?: string | undefined
      args?: unknown[] | undefined
      amount?: string | undefined
      idempotencyKey?: string | undefined
    }
  | {
      kind: 'batch'
      wallet: string
      network: string
      transfers: Array<{ to: string; amount: string; token?: string | undefined }>
      idempotencyKey?: string | undefined
    }
  | { kind: 'approve'; wallet: string; network: string; token: string; spender: string; amount: string; idempotencyKey?: string | undefined }
  | { kind: 'sign-message'; wallet: string; network?: string | undefined; message: string; encoding: 'utf8' | 'hex'; format?: MessageFormat | undefined }
  | { kind: 'sign-typed-data'; wallet: string; network?: string | undefined; typedData: string | Record<string, unknown> }
  | { kind: 'sign-tx'; wallet: string; network: string; transaction: string | Record<string, unknown>; idempotencyKey?: string | undefined }

export interface TestResult {
  decision: Decision
  revision: number
  usdMicros: bigint | null
  /** The most the fee can cost (native minor units), when the request is a transaction and it is known. */
  maxFee: bigint | null
  nativeDecimals: number
  policies: string[]
}

export interface KillSwitchState {
  on: boolean
  since: string | null
  actor: string | null
  reason: string | null
}

/** The first and last hour (ms since the epoch / 1 h) holding a counted amount. */
export interface HourSpan {
  first: number
  last: number
}

/** The spend ledger's amounts (PolicyFacts['spent']), each as the hours of its oldest and newest counted spend (null: none). */
export interface SpentHours {
  usdMicros: HourSpan | null
  native: HourSpan | null
  nativeClass: HourSpan | null
  tokens: Record<string, HourSpan>
}

/** What a wallet has used of its limits on a network now: the facts the rules would judge a request on, and when each window's counted spend leaves it. */
export interface SpendView {
  now: number
  facts: PolicyFacts
  hours: Record<WindowName, SpentHours>
}

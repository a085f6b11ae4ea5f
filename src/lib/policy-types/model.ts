/**
 * The policy engine's vocabulary, shared by the rules validator, the evaluator, the calldata decoder, the price
 * service and the pipeline. The engine itself is pure: it sees a request already decoded into actions, the facts
 * the pipeline read from SQLite in the same transaction (rolling sums, counts, known recipients), and the policies
 * that apply; it returns one decision. All money is bigint: minor units for assets, micro-dollars for USD.
 */
import type { PolicyType } from './index.js'

/** Outcomes from least to most strict. The strictest outcome of all matching rules wins. */
export const TIERS = ['INSTANT', 'NOTIFY', 'DELAY', 'APPROVAL', 'DENY'] as const
export type Tier = (typeof TIERS)[number]
export const TIER_RANK: Record<Tier, number> = { INSTANT: 0, NOTIFY: 1, DELAY: 2, APPROVAL: 3, DENY: 4 }

/** The types and their rule fields: one module per type (src/lib/policy-types/index.ts). */
export type { PolicyType } from './index.js'

/** Cumulative windows, in seconds. */
export const WINDOWS = { day: 86_400, week: 7 * 86_400, month: 30 * 86_400 } as const
export type WindowName = keyof typeof WINDOWS

/**
 * One thing a request does, decoded from what will actually be signed. A plain send is one action; an EVM contract
 * call whose calldata is an ERC-20 transfer is a `token-transfer` (not a `contract-call`); an `approve` inside a
 * call is a `token-approve`; a Solana transaction given to `sign tx` may hold several actions.
 *
 * Addresses are canonical keys: EVM lower-case 0x hex, Solana base58 as is. `network` is the CAIP-2 id.
 */
export type Action =
  /**
   * `via`: the contract the value is sent to that pays it on to `to` (an EVM batcher's disperseEther), so the
   * simulated effect (value from the wallet to `via`) is matched to it.
   */
  | { kind: 'native-transfer'; to: string; amount: bigint; via?: string }
  | { kind: 'token-transfer'; token: string; to: string; amount: bigint }
  /** `amount` is the allowance; `unlimited` when it is the type's maximum (or ≥ 2^255 on EVM). */
  | { kind: 'token-approve'; token: string; spender: string; amount: bigint; unlimited: boolean }
  /** A call that is none of the above. `selector` is 0x + 8 hex (EVM) or null (Solana program / no data). */
  | { kind: 'contract-call'; contract: string; selector: string | null; value: bigint }
  | { kind: 'sign-message' }
  | { kind: 'sign-typed-data'; domain: TypedDataDomain }
  /**
   * A change of who controls one of the wallet's accounts, seen in the simulated effect of a transaction (an owner,
   * authority or close authority that changes, a Solana account reassigned to another program, an `Ownable` contract
   * the wallet owns handed over). No policy allows it: it is always denied.
   */
  | { kind: 'authority-change'; account: string; what: string }

export interface TypedDataDomain {
  name?: string
  version?: string
  chainId?: bigint
  /** Canonical key (lower-case 0x hex). */
  verifyingContract?: string
}

/** A request as the engine sees it. */
export interface PolicyRequest {
  walletId: string
  chain: 'evm' | 'solana'
  /** CAIP-2 id. */
  network: string
  actions: Action[]
  /**
   * Upper bound of the fee in native minor units; null for requests that are not transactions (messages, typed data).
   * The fee leaves the wallet like any value: SPENDING_LIMITs that count the native coin count it too.
   */
  maxFee: bigint | null
  /**
   * The most a fee may be when no FEE_CAP applies (the network's suggested fee × FEE_BOUND_FACTOR), for transactions
   * whose fees the caller chose (`sign tx`); null when the daemon chose the fees itself (they are the market's).
   */
  feeBound?: bigint | null
  /**
   * USD value of what the request moves, in micro-dollars: native value, the maximum fee and token amounts. null when
   * any moved asset has no fresh price (then every USD rule fails closed). 0n when nothing of value moves.
   */
  usdMicros: bigint | null
  /** Native-unit value moved (sum of native transfers and call values), minor units; the fee is not in it. */
  nativeValue: bigint
  /**
   * How the transaction's effect was checked: `simulated` (the node ran it and its effects are in `actions`),
   * `reverted` (the node ran it and it failed, so it showed no effect), `unavailable` (the node cannot simulate), or
   * absent when no simulation was needed (nothing runs beyond what the actions say). A contract call that neither the
   * decoder nor a simulation explains is escalated to APPROVAL.
   */
  effects?: 'simulated' | 'reverted' | 'unavailable'
  /** Decimals of the native coin and of every token named in the actions (canonical key → decimals). */
  nativeDecimals: number
  tokenDecimals: Record<string, number>
}

/** The facts the pipeline reads from SQLite inside the evaluation transaction. */
export interface PolicyFacts {
  /** Milliseconds since the epoch (injectable for tests). */
  now: number
  /**
   * Committed plus reserved amounts of this wallet within each window, BEFORE this request:
   * `usdMicros` across all networks; `native` on this request's network; `nativeClass` on every network whose native
   * coin is the same asset (`nativeAssetClass`: e.g. ETH on Ethereum, Base, Arbitrum and OP mainnets); `tokens` per
   * token key on this network.
   */
  spent: Record<WindowName, { usdMicros: bigint; native: bigint; nativeClass: bigint; tokens: Record<string, bigint> }>
  /** Requests of this wallet accepted (not denied) within the last `seconds`, for RATE_LIMIT. */
  countSince(seconds: number): number
  /** Requests of this wallet in a non-final state (queued, awaiting_approval, approved, signed, submitted). */
  pending: number
  /** Whether this wallet has sent to `to` before (any accepted, non-failed request), for NEW_RECIPIENT_TIER. */
  knownRecipient(to: string): boolean
}

/** A stored policy, rules already validated and normalised by rules.ts. */
export interface Policy {
  id: string
  /** null: global. */
  walletId: string | null
  /** CAIP-2 id; only together with walletId. */
  network: string | null
  type: PolicyType
  rules: Record<string, unknown>
  /** This policy's own version, bumped on every update. */
  version: number
  enabled: boolean
}

/**
 * A rule that is not a stored policy: a session's own daily USD cap (`session create --limit-usd-per-day`), judged
 * by the engine after every policy. Its RuleRef is `{ type: 'SESSION_CAP', policyId: 'session:<id>' }`.
 */
export const SESSION_CAP = 'SESSION_CAP'

/** A session's daily cap and what the session spent, read by the pipeline in the decision's transaction. */
export interface SessionCap {
  sessionId: string
  capUsdMicros: bigint
  /** USD micro-dollars of this session's counted requests (reservations included) in the last 24 h. */
  spentUsdMicros(): bigint
}

/** Which rule decided, for the decision record and the denial message. */
export interface RuleRef {
  /** The policy's id; for a SESSION_CAP, `session:<session id>`. */
  policyId: string
  type: PolicyType | typeof SESSION_CAP
  version: number
  /** The field of the rules that decided, e.g. `instant_max_usd`, `daily_limit`, `recipients`. */
  field: string | null
}

/** One rule's verdict on a request. */
export interface Verdict {
  tier: Tier
  /** Seconds, for DELAY. */
  delaySeconds?: number
  rule: RuleRef | null
  /** Human sentence: why. Never a secret; addresses and amounts are fine. */
  reason: string
  /** Where it can say: what would get a lower tier ("amount ≤ 60 USD would be INSTANT"). */
  wouldPass?: string
}

export interface Decision {
  tier: Tier
  /** Seconds, when tier is DELAY: the longest delay of every DELAY verdict. */
  delaySeconds: number
  /** The verdict that set the tier (the strictest; on ties the first in evaluation order). */
  decisive: Verdict
  /** Every verdict above INSTANT, strictest first, for `policy test` and the audit log. */
  verdicts: Verdict[]
  /** Seconds an APPROVAL waits before it expires, when a SPENDING_LIMIT sets `approval_timeout_seconds`. */
  approvalTimeoutSeconds?: number
}

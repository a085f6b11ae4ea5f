/**
 * The shape of a policy type module: one file per type (src/lib/policy-types/<TYPE>.ts) holds its rule fields, its
 * help text, its normalisation, its compiled form and its checks; src/lib/policy-types/index.ts lists them. The
 * engine (src/daemon/policy/engine.ts) keeps scope, the order of the stages and the decision; a module only says
 * what its policies find, through the `Judge` it is given.
 *
 * Loaded by the CLI for the fields and the help, so a module imports nothing from the daemon and nothing heavy.
 */
import type { ParsedFields, RuleFields } from './fields.js'
import type { Action, Policy, PolicyFacts, PolicyRequest, Tier, Verdict } from './model.js'

/** A policy that applies, with its compiled rules. */
export interface Entry<C> {
  p: Policy
  c: C
}

/** What a check sees and how it records what it finds; the engine's evaluation implements it. */
export interface Judge {
  readonly req: PolicyRequest
  readonly facts: PolicyFacts
  /** Whether value moves (a native or token transfer, a call with value), and the native coin in particular. */
  readonly moves: boolean
  readonly nativeMoves: boolean
  /** Token amounts moved by transfers, per token key; null when none. */
  readonly tokens: Map<string, bigint> | null
  /** The offline pass: amounts may be placeholders; only a DENY from it is final. */
  readonly offline: boolean
  /** The first INSTANT verdict of an allowing type (see `allows`), null until one is recorded. */
  readonly allow: Verdict | null
  /** A verdict of `tier` from policy `p` (null: the engine's default rule), field `field`, with the delay when DELAY. */
  hit(p: Policy | null, field: string | null, tier: Tier, delay: number, reason: string, wouldPass?: string): void
  deny(p: Policy | null, field: string | null, reason: string, wouldPass?: string): void
  /** Records a passing check as the fallback decisive verdict, building it only when none is recorded yet. */
  pass(p: Policy, field: string | null, reason: () => string): void
  /** Whether the wallet has sent to `to` before (asked once per address). */
  isKnown(to: string): boolean
}

/**
 * A type's checks, by stage. The engine runs the stages in this order and, within a stage, the types in index
 * order; each check is called even when no policy of its type applies (`list` is empty), so a type can deny by
 * default. The order breaks ties between equally strict verdicts (the first one decides).
 */
export interface Checks<C> {
  /** The request as a whole, before its actions (networks, denied recipients). */
  screen?(e: Judge, list: Entry<C>[]): void
  /** Whether value may move at all. */
  moves?(e: Judge, list: Entry<C>[]): void
  /** One action; called per action, for every type, in index order. */
  action?(e: Judge, a: Action, list: Entry<C>[]): void
  /** Amounts against thresholds and rolling limits; only with the chain's data (never in the offline pass). */
  value?(e: Judge, list: Entry<C>[]): void
  /** The recipients against the wallet's history. */
  recipients?(e: Judge, list: Entry<C>[]): void
  /** The request as a whole after its content: rate, time, pending requests, fee. */
  request?(e: Judge, list: Entry<C>[]): void
}

/** What normalisation needs from the validator: the canonical key of an address used as an object key. */
export interface NormaliseKit {
  /** The canonical address of `key` at `path` (below `rules`); throws POLICY_INVALID naming the path. */
  addressKey(path: readonly PropertyKey[], key: string): string
}

export interface PolicyTypeModule<T extends string = string, F extends RuleFields = RuleFields, C = unknown> {
  type: T
  /** One paragraph: what it does (its fields are listed from `fields`). */
  doc: string
  /** The rule fields, in the order help shows them: validation, flags, help and the advertised schema. */
  fields: F
  /** The seed article's names for this type, accepted wherever a type is given. */
  aliases?: readonly string[]
  /**
   * Whether its policies only ever restrict: adding one (where it hides no policy of its type) can raise a tier or
   * deny, never lower a tier or allow. test/unit/policy-tightening.test.ts proves it for every restricting type.
   */
  restricting: boolean
  /** Whether its INSTANT verdict may decide a request that nothing escalates (it grants, like SPENDING_LIMIT). */
  allows?: boolean
  /** The validated rules in their stored form: canonical, explicit (defaults filled in), cross-field checked. */
  normalise(r: ParsedFields<F>, kit: NormaliseKit): Record<string, unknown>
  /** Normalised rules in the form the checks use (bigints, sets), compiled once per policy version. */
  compile(r: Record<string, unknown>): C
  checks: Checks<C>
  /** Seconds an APPROVAL waits before it expires, set by these policies; null when they set none. */
  approvalTimeout?(list: Entry<C>[]): number | null
}

/** Declares a policy type module, keeping its literal type name and fields. */
export function definePolicyType<const T extends string, const F extends RuleFields, C>(m: PolicyTypeModule<T, F, C>): PolicyTypeModule<T, F, C> {
  return m
}

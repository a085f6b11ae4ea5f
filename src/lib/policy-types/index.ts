/**
 * Every policy type, one module each, in the order help and the advertised schemas list them (which is also the
 * order in which the engine runs the types within one stage; see `Checks` in module.ts). A new type is one new
 * module in this folder and one line here.
 */
import { ALLOWED_NETWORKS } from './ALLOWED_NETWORKS.js'
import { ALLOWED_TOKENS } from './ALLOWED_TOKENS.js'
import { APPROVE_AMOUNT_LIMIT } from './APPROVE_AMOUNT_LIMIT.js'
import { APPROVED_SPENDERS } from './APPROVED_SPENDERS.js'
import { CONTRACT_ALLOWLIST } from './CONTRACT_ALLOWLIST.js'
import { FEE_CAP } from './FEE_CAP.js'
import { MAX_PENDING } from './MAX_PENDING.js'
import { METHOD_ALLOWLIST } from './METHOD_ALLOWLIST.js'
import { NEW_RECIPIENT_TIER } from './NEW_RECIPIENT_TIER.js'
import { RATE_LIMIT } from './RATE_LIMIT.js'
import { RECIPIENT_ALLOWLIST } from './RECIPIENT_ALLOWLIST.js'
import { RECIPIENT_DENYLIST } from './RECIPIENT_DENYLIST.js'
import { SIGNING_RULES } from './SIGNING_RULES.js'
import { SPENDING_LIMIT } from './SPENDING_LIMIT.js'
import { TIME_WINDOW } from './TIME_WINDOW.js'
import type { PolicyTypeModule } from './module.js'

export const POLICY_TYPE_MODULES = [
  SPENDING_LIMIT,
  ALLOWED_NETWORKS,
  ALLOWED_TOKENS,
  RECIPIENT_ALLOWLIST,
  RECIPIENT_DENYLIST,
  CONTRACT_ALLOWLIST,
  METHOD_ALLOWLIST,
  APPROVED_SPENDERS,
  APPROVE_AMOUNT_LIMIT,
  RATE_LIMIT,
  TIME_WINDOW,
  SIGNING_RULES,
  NEW_RECIPIENT_TIER,
  MAX_PENDING,
  FEE_CAP,
] as const

type Modules = (typeof POLICY_TYPE_MODULES)[number]
export type PolicyType = Modules['type']
/** The module of one type, with its literal fields. */
export type PolicyTypeModuleOf<T extends PolicyType> = Extract<Modules, { type: T }>

/** The type names, in index order. */
export const POLICY_TYPES = POLICY_TYPE_MODULES.map((m) => m.type) as unknown as readonly [PolicyType, ...PolicyType[]]

/** Each type's module, by name. */
export const POLICY_TYPE_MODULE = Object.fromEntries(POLICY_TYPE_MODULES.map((m) => [m.type, m])) as unknown as {
  [T in PolicyType]: PolicyTypeModuleOf<T>
}

/** Every module as the common interface, for code that treats all types alike (the engine, the validator). */
export const ANY_POLICY_TYPE_MODULES: readonly PolicyTypeModule[] = POLICY_TYPE_MODULES as unknown as readonly PolicyTypeModule[]

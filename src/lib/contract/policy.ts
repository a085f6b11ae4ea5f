/** Policies: add, list, show, update, remove, and test which tier a request would get. */
import { z } from 'zod'
import { canonicalPolicyType, policyTypeNames } from '../policy-fields.js'
import { RULE_TYPES, rulesJsonSchemas } from '../rule-schemas.js'
import { def, walletRef, isoTime, networkRef, type MethodDef } from './common.js'
import { tier, ruleRef, txFields, typedDataInput } from './schemas.js'

/**
 * A policy type: ours in any case, or one of the seed article's names (WHITELIST, CONTRACT_WHITELIST…), read as ours
 * so it is stored and shown under our name. An unknown name passes through for the handler's POLICY_INVALID.
 */
export const policyTypeRef = z
  .string()
  .min(1)
  .max(64)
  .describe(`A policy type: ${policyTypeNames()}`)
  .transform((t) => canonicalPolicyType(t) ?? t)

export const verdict = z.object({
  tier,
  delaySeconds: z.number().int().nullable(),
  rule: ruleRef.nullable(),
  reason: z.string(),
  wouldPass: z.string().nullable(),
})

export const policy = z.object({
  id: z.string(),
  scope: z.enum(['global', 'wallet', 'wallet-network']),
  walletId: z.string().nullable(),
  walletName: z.string().nullable(),
  network: z.string().nullable(),
  type: z.string(),
  rules: z.record(z.string(), z.unknown()),
  version: z.number().int(),
  enabled: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
})

/** A policy type as advertised: ours only. The daemon decides what it accepts (and says so, with the list). */
export const policyType = policyTypeRef.meta({ enum: RULE_TYPES, description: 'The policy type; rules take the shape of the rules branch titled with it' })
/** Rules as advertised: one branch per type, titled with it. The daemon validates them (POLICY_INVALID names the field). */
export const policyRules = z.unknown().meta({
  description: 'The rules of a policy of the given type: an object shaped as the branch whose title is that type (each field is described there)',
  anyOf: rulesJsonSchemas(),
})

/** The `policy.*` methods. */
export const policyMethods = {
  'policy.add': def({
    summary: 'Add a policy: global, for a wallet, or for a wallet on one network. Rules are validated; the policy revision is bumped. An agent session may add only policies that restrict (POLICY_NOT_STRICTER otherwise).',
    role: 'agent',
    input: z.object({
      wallet: walletRef.optional().describe('The wallet it applies to (id or name); give this or global'),
      network: networkRef.optional().describe('Only on this network (a CAIP-2 id or an alias); needs wallet'),
      global: z.boolean().default(false).describe('Apply to every wallet (instead of wallet)'),
      type: policyType,
      rules: policyRules,
    }),
    output: z.object({ policy, revision: z.number().int() }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'POLICY_INVALID', 'POLICY_NOT_STRICTER', 'AUDIT_WRITE_FAILED'],
    session: { permission: 'read', wallet: 'param' },
  }),
  'policy.list': def({
    summary: 'List policies (all, or those that apply to one wallet) and the current policy revision.',
    role: 'public',
    input: z.object({
      wallet: walletRef.optional().describe('Only the policies that apply to this wallet (id or name)'),
      type: policyTypeRef.optional().describe('Only the policies of this type, e.g. SPENDING_LIMIT (or one of the seed article\'s names)'),
    }),
    output: z.object({ policies: z.array(policy), revision: z.number().int() }),
    errors: ['WALLET_NOT_FOUND'],
    session: { permission: 'read', wallet: 'filter' },
    readOnly: true,
  }),
  'policy.show': def({
    summary: 'Show one policy with every version of it (the current one last).',
    role: 'public',
    input: z.object({ id: z.string().min(1).max(64).describe('A policy id (see policy list)') }),
    output: z.object({ policy, history: z.array(z.object({ version: z.number().int(), rules: z.record(z.string(), z.unknown()), enabled: z.boolean(), revision: z.number().int(), at: isoTime, actor: z.string() })) }),
    errors: ['POLICY_NOT_FOUND'],
    session: { permission: 'read', wallet: 'policy' },
    readOnly: true,
  }),
  'policy.update': def({
    summary: "Replace a policy's rules and/or enable or disable it; its version and the policy revision are bumped.",
    role: 'operator',
    input: z.object({ id: z.string().min(1).max(64), rules: z.unknown().optional(), enabled: z.boolean().optional() }),
    output: z.object({ policy, revision: z.number().int() }),
    errors: ['POLICY_NOT_FOUND', 'POLICY_INVALID', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'policy.remove': def({
    summary: 'Remove a policy (its history stays for the audit trail).',
    role: 'operator',
    input: z.object({ id: z.string().min(1).max(64) }),
    output: z.object({ removed: policy, revision: z.number().int() }),
    errors: ['POLICY_NOT_FOUND', 'AUDIT_WRITE_FAILED'],
    transports: ['socket', 'rest'],
  }),
  'policy.test': def({
    summary: 'Which tier a request would get, which rule decided, and what would change the outcome. Nothing is signed or reserved.',
    role: 'public',
    input: z.object({
      ...txFields,
      message: z.string().max(64 * 1024).optional().describe('A message signing to test (instead of a transfer or call)'),
      typedData: typedDataInput.optional().describe('A typed-data signing to test (eth_signTypedData_v4 JSON, object or text)'),
    }),
    output: z.object({
      tier,
      delaySeconds: z.number().int().nullable(),
      decisive: verdict,
      verdicts: z.array(verdict),
      policyRevision: z.number().int(),
      usd: z.string().nullable(),
      /** The most the transaction's fee can cost, in the native unit (counted with the value); null when unknown or none. */
      maxFee: z.string().nullable(),
      policies: z.array(z.string()),
    }),
    errors: ['WALLET_NOT_FOUND', 'NETWORK_UNKNOWN', 'NETWORK_MISMATCH', 'INPUT_INVALID', 'INPUT_INVALID_ADDRESS', 'INPUT_INVALID_AMOUNT', 'CHAIN_RPC_UNREACHABLE'],
    session: { permission: 'read', wallet: 'param' },
    readOnly: true,
  }),
} as const satisfies Record<`policy.${string}`, MethodDef>

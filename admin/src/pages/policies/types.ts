/**
 * The policy types as the form sees them: each type's doc, aliases and rule fields (what each holds, its help, its
 * default), taken at build time from the type modules (src/lib/policy-types/) by admin/policy-types.ts, so a new type
 * or field shows in the form with no edit here and no zod in the bundle.
 */
export type RuleKind =
  | { kind: 'usd' | 'amount' | 'address' | 'bool' | 'timezone' | 'selectors' | 'limits' | 'domains' }
  | { kind: 'list'; of: 'address' | 'network' | 'day'; min?: number }
  | { kind: 'enum'; values: string[] }
  | { kind: 'int' | 'seconds'; min: number; max: number }
  | { kind: 'clock'; allow24: boolean }

export type RuleFieldInfo = RuleKind & {
  name: string
  doc: string
  required: boolean
  /** Filled in by the daemon when absent. */
  default?: string | boolean | string[]
}

export interface PolicyTypeInfo {
  type: string
  doc: string
  aliases: string[]
  /** Whether its policies only ever restrict (an agent session may add these). */
  restricting: boolean
  fields: RuleFieldInfo[]
}

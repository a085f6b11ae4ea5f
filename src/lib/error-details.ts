/** The policy rule and reason an error's details carry, as labelled lines: shared by the CLI and the MCP tools. */
import type { Output } from './contract/index.js'

/** One verdict of a policy decision. */
export type Verdict = Output<'policy.test'>['decisive']
/** The rule that decided a verdict. */
export type RuleRef = NonNullable<Verdict['rule']>

/** "SPENDING_LIMIT 3f2a… v2 (instant_max)", or the default-deny wording when no rule decided. */
export function ruleText(rule: RuleRef | null): string {
  if (rule === null) return 'no rule (default deny: no policy allows it)'
  return `${rule.type} ${rule.policyId} v${rule.version}${rule.field === null ? '' : ` (${rule.field})`}`
}

/** The rule of an error's details, which travels as a RuleRef object or, from older daemons, as a string. */
function ruleFromDetails(rule: unknown): string | undefined {
  if (typeof rule === 'string') return rule
  if (rule !== null && typeof rule === 'object' && typeof (rule as RuleRef).type === 'string') return ruleText(rule as RuleRef)
  return undefined
}

/**
 * Extra lines for a human error message: the reason, the rule and what would pass, when the details carry them
 * (POLICY_DENIED does; so do chain errors with a `reason`). Labels and values, for the base command to print.
 */
export function errorDetailLines(message: string, details: Record<string, unknown>): [label: string, value: string][] {
  const lines: [string, string][] = []
  if (typeof details.reason === 'string' && details.reason !== '' && !message.includes(details.reason)) lines.push(['Reason', details.reason])
  const rule = ruleFromDetails(details.rule)
  if (rule !== undefined) lines.push(['Rule', rule])
  if (typeof details.wouldPass === 'string' && details.wouldPass !== '') lines.push(['Would pass', details.wouldPass])
  return lines
}

/** Human views of policies, policy decisions and policy denials. */
import type { Output, PolicyView } from '../lib/contract/index.js'
import { rulesSummary } from '../lib/policy-summary.js'
import { fields, table, type Column, type TableOptions } from './render.js'
import { tierText } from './tx-render.js'
import { ruleText, type Verdict } from '../lib/error-details.js'

/** "NOTIFY by NEW_RECIPIENT_TIER <id> v1: reason" */
function verdictText(v: Verdict): string {
  return `${tierText(v.tier, v.delaySeconds)} by ${ruleText(v.rule)}: ${v.reason}`
}

const sameVerdict = (a: Verdict, b: Verdict): boolean =>
  a.tier === b.tier && a.reason === b.reason && a.rule?.policyId === b.rule?.policyId && a.rule?.field === b.rule?.field

/** The human view of `policy test`: the tier and why, every other verdict, and what would pass. */
export function policyTestText(d: Output<'policy.test'>): string {
  const lines = [`Tier: ${tierText(d.tier, d.delaySeconds)} — decided by ${ruleText(d.decisive.rule)}: ${d.decisive.reason}`]
  const others = d.verdicts.filter((v) => !sameVerdict(v, d.decisive))
  for (const v of others) lines.push(`Also: ${verdictText(v)}`)
  for (const v of [d.decisive, ...others]) if (v.wouldPass !== null) lines.push(`Would pass: ${v.wouldPass}`)
  if (d.usd !== null && !/^0(\.0*)?$/.test(d.usd)) lines.push(`USD value: ${d.usd}`)
  lines.push(`Policy revision ${d.policyRevision}; ${d.policies.length} ${d.policies.length === 1 ? 'policy applies' : 'policies apply'}${d.policies.length > 0 ? `: ${d.policies.join(', ')}` : ''}.`)
  return lines.join('\n')
}

/** Where a policy applies: "global", the wallet, or the wallet on one network. */
function scopeRow(p: PolicyView): { wallet: string; network: string } {
  return { wallet: p.walletName ?? p.walletId ?? '', network: p.network ?? '' }
}

/** The columns of `policy list`. */
export const POLICY_COLUMNS: readonly Column[] = [
  ['id', 'ID'], ['scope', 'SCOPE'], ['wallet', 'WALLET'], ['network', 'NETWORK'], ['type', 'TYPE'], ['version', 'VERSION'], ['enabled', 'ENABLED'], ['rules', 'RULES'],
]

/** The human view of a list of policies; RULES is a readable summary (`policy show` has them whole). */
export function policyTable(ps: PolicyView[], opts: TableOptions = {}): string {
  return table(
    ps.map((p) => ({ ...scopeRow(p), id: p.id, scope: p.scope, type: p.type, version: `v${p.version}`, enabled: p.enabled ? 'yes' : 'no', rules: rulesSummary(p.type, p.rules) })),
    POLICY_COLUMNS,
    'No policies: every wallet is default-deny. Add one with `waiaas policy add`.',
    opts,
  )
}

/** The human view of one policy, rules pretty-printed. */
export function policyFields(p: PolicyView): string {
  const head = fields([
    ['policy', p.id],
    ['type', p.type],
    ['scope', p.scope],
    ['wallet', p.walletName ?? p.walletId],
    ['network', p.network],
    ['version', p.version],
    ['enabled', p.enabled ? 'yes' : 'no'],
    ['updated', p.updatedAt],
  ])
  return `${head}\nrules:\n${JSON.stringify(p.rules, null, 2).replace(/^/gm, '  ')}`
}

/** The earlier versions of a `type` policy, oldest first as the daemon sends them. */
export function policyHistoryTable(type: string, history: Output<'policy.show'>['history']): string {
  return table(
    history.map((h) => ({ version: `v${h.version}`, revision: h.revision, enabled: h.enabled ? 'yes' : 'no', at: h.at, actor: h.actor, rules: rulesSummary(type, h.rules) })),
    [['version', 'VERSION'], ['revision', 'REVISION'], ['enabled', 'ENABLED'], ['at', 'AT'], ['actor', 'ACTOR'], ['rules', 'RULES']],
    '(no earlier versions)',
  )
}

/** "Kill switch: ON since … by … (reason)", or off. */
export function killSwitchText(k: Output<'killswitch.status'>): string {
  if (!k.on) return 'Kill switch: off (signing allowed).'
  const by = [k.since === null ? '' : ` since ${k.since}`, k.actor === null ? '' : ` by ${k.actor}`, k.reason === null ? '' : ` (${k.reason})`].join('')
  return `Kill switch: ON${by}. Nothing is signed until \`waiaas killswitch off\`.`
}

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags, sessionFlags } from '../../cli/base-command.js'
import type { Input, Output } from '../../lib/contract/index.js'
import { toWaiaasError, WaiaasError } from '../../lib/errors.js'
import { POLICY_TYPES, policyTypeNames } from '../../lib/policy-fields.js'
import { flagOfField, policyTypeArg, ruleFlagDefs, rulesFromFlags, typesHelp } from '../../cli/policy-flags.js'
import { policyFields } from '../../cli/policy-render.js'

type Data = Output<'policy.add'> & { scope: 'global' | 'wallet' | 'wallet-network'; warnings: string[] }

export default class PolicyCreate extends BaseCommand<typeof PolicyCreate> {
  static override summary = 'Create a policy from flags, one per rule field'
  static override description =
    'The same as `policy add --rules`, with a flag for each rule field of TYPE (`waiaas policy create TYPE --help` lists them). ' +
    'SPENDING_LIMIT amounts are USD; --native (or --token) makes them the native unit (or the token\'s). Lists take repeated ' +
    `flags or comma lists; durations take 90s, 5m, 1.5h, 2d, 2w. Without --wallet the policy is global, and it says so first. Types: ${policyTypeNames()}.\n\n${typesHelp()}`
  static override examples = [
    '<%= config.bin %> policy create SPENDING_LIMIT --instant-max 10 --daily-limit 500',
    '<%= config.bin %> policy create SPENDING_LIMIT --wallet treasury --network base --native --instant-max 0.01 --delay-max 0.5 --delay-seconds 5m',
    '<%= config.bin %> policy create RECIPIENT_ALLOWLIST --wallet treasury --recipients 0x8ba1f109551bD432803012645Ac136ddd64DBA72,0x000000000022D473030F116dDEE9F6B43aC78BA3',
    '<%= config.bin %> policy create RATE_LIMIT --wallet treasury --max-requests 10 --per-seconds 1h --tier DELAY',
    '<%= config.bin %> policy create TIME_RESTRICTION --global --start 09:00 --end 17:00 --days mon,tue,wed,thu,fri --timezone Europe/Berlin',
  ]
  static override args = {
    // Checked in exec rather than by oclif, whose "missing arg" error would wrongly say list flags must come last.
    type: Args.string({ description: 'The policy type (required), e.g. SPENDING_LIMIT (the seed article\'s WHITELIST, CONTRACT_WHITELIST, METHOD_WHITELIST, TIME_RESTRICTION too)' }),
  }
  static override flags = {
    ...passwordFlags,
    ...sessionFlags,
    wallet: Flags.string({ char: 'w', description: 'The wallet it applies to (id or name); without it the policy is global', exclusive: ['global'] }),
    network: Flags.string({ char: 'n', description: 'Only on this network (CAIP-2 id or alias); needs --wallet', dependsOn: ['wallet'] }),
    global: Flags.boolean({ description: 'Apply to every wallet (the default without --wallet; says so without the note)', exclusive: ['wallet'] }),
    native: Flags.boolean({ description: 'SPENDING_LIMIT: amounts in the native unit (instant_max, …) instead of USD (instant_max_usd, …)' }),
    ...ruleFlagDefs(),
  }

  protected override async exec(): Promise<Data> {
    const f = this.flags
    if (this.args.type === undefined) {
      throw new WaiaasError('USAGE', `Give the policy TYPE first: ${policyTypeNames()}`, {
        details: { arg: 'TYPE', types: [...POLICY_TYPES] },
        hint: 'For example `waiaas policy create SPENDING_LIMIT --instant-max 10 --daily-limit 500`; `waiaas policy create TYPE --help` lists its flags.',
      })
    }
    const given = String(this.args.type)
    const type = policyTypeArg(given)
    // The rule flags come from the policy types' table (ruleFlagDefs), so they are read by name.
    const rules = rulesFromFlags(type, this.parsedFlags, { native: f.native === true || this.parsedFlags.token !== undefined })
    const warnings: string[] = []
    if (f.wallet === undefined && f.global !== true) {
      warnings.push('No --wallet given: the policy is global (it applies to every wallet). Pass --wallet W to scope it, or --global to choose global without this note.')
    }
    if (given.trim().toUpperCase() !== type) this.note(`${given} is called ${type} here.`)
    if (!this.json) for (const w of warnings) this.warning(w)
    const params: Input<'policy.add'> = { type, rules }
    if (f.wallet === undefined) params.global = true
    else params.wallet = f.wallet
    if (f.network !== undefined) params.network = f.network
    try {
      const r = await this.agentCall('policy.add', params)
      return { ...r, scope: r.policy.scope, warnings }
    } catch (err) {
      throw pointAtFlag(type, err)
    }
  }

  /** A one-line note on stderr (human output only). */
  private note(text: string): void {
    if (!this.json) process.stderr.write(`Note: ${text}\n`)
  }

  protected override render(d: Data): void {
    this.log(policyFields(d.policy))
    this.log(`Policy revision is now ${d.revision}.`)
  }
}

/** A POLICY_INVALID from the daemon names a rules field; add the flag that set it. */
function pointAtFlag(type: Parameters<typeof flagOfField>[0], err: unknown): unknown {
  const e = toWaiaasError(err)
  const field = e.details.field
  if (e.code !== 'POLICY_INVALID' || typeof field !== 'string') return err
  const flag = flagOfField(type, field)
  if (flag === undefined) return err
  return new WaiaasError(e.code, `${e.message} (${flag})`, { details: { ...e.details, flag }, hint: `Fix ${flag}; \`waiaas policy create ${type} --help\` describes it.`, cause: err })
}

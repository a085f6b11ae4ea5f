import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags, sessionFlags } from '../../cli/base-command.js'
import type { Input, Output } from '../../lib/contract/index.js'
import { jsonFromFlags } from '../../cli/flag-input.js'
import { policyTypeNames } from '../../lib/policy-fields.js'
import { policyFields } from '../../cli/policy-render.js'


export default class PolicyAdd extends BaseCommand<typeof PolicyAdd> {
  static override summary = 'Add a policy: global, for a wallet, or for a wallet on one network'
  static override description =
    `Wallets are default-deny: a wallet with no policy may move nothing. Types: ${policyTypeNames()}. ` +
    'SPENDING_LIMIT rules: instant_max, notify_max, delay_max (above it: APPROVAL), delay_seconds, daily_limit, ' +
    'weekly_limit, monthly_limit in the native unit, the same with _usd in USD, and on_exceed (APPROVAL or DENY). ' +
    'SIGNING_RULES: allow_personal_sign, typed_data_domains. The daemon validates the rules and says which field is wrong. ' +
    '`waiaas policy create TYPE --help` lists every field of a type, and sets them with one flag each.'
  static override examples = [
    '<%= config.bin %> policy add --wallet treasury --network base --type SPENDING_LIMIT --rules \'{"instant_max_usd": 10, "delay_max_usd": 500, "delay_seconds": 300}\'',
    '<%= config.bin %> policy add --wallet treasury --type SIGNING_RULES --rules \'{"allow_personal_sign": true}\'',
    '<%= config.bin %> policy add --global --type RECIPIENT_DENYLIST --file ./denylist.json',
  ]
  static override flags = {
    ...passwordFlags,
    ...sessionFlags,
    wallet: Flags.string({ char: 'w', description: 'The wallet it applies to (id or name)', exactlyOne: ['wallet', 'global'] }),
    network: Flags.string({ char: 'n', description: 'Only on this network (CAIP-2 id or alias); needs --wallet', dependsOn: ['wallet'] }),
    global: Flags.boolean({ description: 'Apply to every wallet', exactlyOne: ['wallet', 'global'] }),
    type: Flags.string({ required: true, description: 'Policy type, e.g. SPENDING_LIMIT (the seed article\'s WHITELIST, CONTRACT_WHITELIST, METHOD_WHITELIST, TIME_RESTRICTION too)' }),
    rules: Flags.string({ description: 'The rules as a JSON object', exactlyOne: ['rules', 'file'] }),
    file: Flags.string({ char: 'f', description: 'Read the rules JSON from this file', exactlyOne: ['rules', 'file'] }),
  }

  protected override async exec(): Promise<Output<'policy.add'>> {
    const f = this.flags
    const params: Input<'policy.add'> = { type: f.type, rules: jsonFromFlags({ flag: '--rules', value: f.rules }, { flag: '--file', value: f.file }) }
    if (f.global) params.global = true
    if (f.wallet !== undefined) params.wallet = f.wallet
    if (f.network !== undefined) params.network = f.network
    return this.agentCall('policy.add', params)
  }

  protected override render(d: Output<'policy.add'>): void {
    this.log(policyFields(d.policy))
    this.log(`Policy revision is now ${d.revision}.`)
  }
}

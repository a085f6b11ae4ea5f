import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Input, Output } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { jsonFromFlags } from '../../cli/flag-input.js'
import { policyFields } from '../../cli/policy-render.js'

export default class PolicyUpdate extends BaseCommand<typeof PolicyUpdate> {
  static override summary = "Replace a policy's rules, or enable or disable it"
  static override description =
    'The new rules replace the old ones whole (they are not merged). The policy\'s version and the policy revision go up, ' +
    'so owner approval messages signed under the old revision no longer count.'
  static override examples = [
    '<%= config.bin %> policy update pol_3f2a9c41d07be615 --rules \'{"instant_max": "0.5", "delay_max": "2", "delay_seconds": 600}\'',
    '<%= config.bin %> policy update pol_3f2a9c41d07be615 --disable',
  ]
  static override args = { id: Args.string({ required: true, description: 'Policy id' }) }
  static override flags = {
    ...passwordFlags,
    rules: Flags.string({ description: 'The new rules as a JSON object', exclusive: ['file'] }),
    file: Flags.string({ char: 'f', description: 'Read the new rules JSON from this file', exclusive: ['rules'] }),
    enable: Flags.boolean({ description: 'Enable the policy', exclusive: ['disable'] }),
    disable: Flags.boolean({ description: 'Disable the policy (it stays, and can be enabled again)', exclusive: ['enable'] }),
  }

  protected override async exec(): Promise<Output<'policy.update'>> {
    const f = this.flags
    const params: Input<'policy.update'> = { id: this.args.id }
    const rules = jsonFromFlags({ flag: '--rules', value: f.rules }, { flag: '--file', value: f.file })
    if (rules !== undefined) params.rules = rules
    if (f.enable === true) params.enabled = true
    if (f.disable === true) params.enabled = false
    if (rules === undefined && params.enabled === undefined) {
      throw new WaiaasError('USAGE', 'Give --rules, --file, --enable or --disable', { details: { flag: '--rules' } })
    }
    return this.operatorCall('policy.update', params)
  }

  protected override render(d: Output<'policy.update'>): void {
    this.log(policyFields(d.policy))
    this.log(`Policy revision is now ${d.revision}.`)
  }
}

import * as Args from '@oclif/core/args'
import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { policyFields, policyHistoryTable } from '../../cli/policy-render.js'

export default class PolicyShow extends BaseCommand<typeof PolicyShow> {
  static override summary = 'Show one policy with its earlier versions'
  static override description = 'Its scope, rules (in full), version and whether it is enabled, then every earlier version with who changed it and when.'
  static override examples = ['<%= config.bin %> policy show pol_3f2a9c41d07be615', '<%= config.bin %> policy show pol_3f2a9c41d07be615 --json']
  static override args = { id: Args.string({ required: true, description: 'Policy id' }) }

  protected override async exec(): Promise<Output<'policy.show'>> {
    const client = await this.daemon()
    return client.call('policy.show', { id: this.args.id })
  }

  protected override render(d: Output<'policy.show'>): void {
    this.log(policyFields(d.policy))
    this.log('history:')
    this.log(policyHistoryTable(d.policy.type, d.history).replace(/^/gm, '  '))
  }
}

import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { Input, Output } from '../../lib/contract/index.js'
import { POLICY_COLUMNS, policyTable } from '../../cli/policy-render.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'

export default class PolicyList extends BaseCommand<typeof PolicyList> {
  static override summary = 'List policies'
  static override description = 'All policies, or those that apply to one wallet (its own and the global ones), with the current policy revision.'
  static override examples = ['<%= config.bin %> policy list', '<%= config.bin %> policy list --wallet treasury --type SPENDING_LIMIT --json']
  static override flags = {
    wallet: Flags.string({ char: 'w', description: 'Only those that apply to this wallet (id or name)' }),
    type: Flags.string({ description: 'Only this type, e.g. SPENDING_LIMIT (or its seed-article alias, e.g. WHITELIST)' }),
    ...tableFlags(POLICY_COLUMNS),
  }

  protected override async exec(): Promise<Output<'policy.list'>> {
    const f = this.flags
    const params: Input<'policy.list'> = {}
    if (f.wallet !== undefined) params.wallet = f.wallet
    if (f.type !== undefined) params.type = f.type
    const client = await this.daemon()
    return client.call('policy.list', params)
  }

  protected override render(d: Output<'policy.list'>): void {
    this.log(policyTable(d.policies, tableOptions(this.flags)))
    if (d.policies.length > 0 && this.flags.csv !== true) this.log(`Policy revision ${d.revision}.`)
  }
}

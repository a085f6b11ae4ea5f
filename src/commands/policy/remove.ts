import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'

export default class PolicyRemove extends BaseCommand<typeof PolicyRemove> {
  static override summary = 'Remove a policy'
  static override description =
    'Removing an allowing policy can leave a wallet default-deny; removing a limit loosens it. Its history stays for the ' +
    'audit trail. Asks first on a terminal; pass --yes in scripts.'
  static override examples = ['<%= config.bin %> policy remove pol_3f2a9c41d07be615', '<%= config.bin %> policy remove pol_3f2a9c41d07be615 --yes --json']
  static override args = { id: Args.string({ required: true, description: 'Policy id' }) }
  static override flags = { ...passwordFlags, yes: Flags.boolean({ char: 'y', description: 'Remove without asking' }) }

  protected override async exec(): Promise<Output<'policy.remove'>> {
    const client = await this.daemon()
    const { policy } = await client.call('policy.show', { id: this.args.id })
    const scope = policy.scope === 'global' ? 'global' : `for ${policy.walletName ?? policy.walletId ?? '?'}${policy.network === null ? '' : ` on ${policy.network}`}`
    await this.confirm(`Remove the ${policy.type} policy ${policy.id} (${scope})?`)
    const password = await this.operatorPassword()
    return client.call('policy.remove', { id: policy.id }, { password })
  }

  protected override render(d: Output<'policy.remove'>): void {
    this.log(`Removed the ${d.removed.type} policy ${d.removed.id}. Policy revision is now ${d.revision}.`)
  }
}

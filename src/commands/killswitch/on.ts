import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { killSwitchText } from '../../cli/policy-render.js'

export default class KillswitchOn extends BaseCommand<typeof KillswitchOn> {
  static override summary = 'Stop all signing at once'
  static override description =
    'Nothing is signed or broadcast until `waiaas killswitch off`; queued and approved work is held, not lost. Needs no ' +
    'password: anyone who can reach the daemon may pull it. Turning it off needs the master password.'
  static override examples = ['<%= config.bin %> killswitch on --reason "agent misbehaving"', '<%= config.bin %> killswitch on --json']
  static override flags = { reason: Flags.string({ description: 'Why, for the audit log and notifications' }) }

  protected override async exec(): Promise<Output<'killswitch.on'>> {
    const reason = this.flags.reason
    const client = await this.daemon()
    return client.call('killswitch.on', reason === undefined ? {} : { reason })
  }

  protected override render(d: Output<'killswitch.on'>): void {
    this.log(killSwitchText(d))
  }
}

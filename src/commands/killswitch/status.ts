import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { killSwitchText } from '../../cli/policy-render.js'

export default class KillswitchStatus extends BaseCommand<typeof KillswitchStatus> {
  static override summary = 'Whether the kill switch is on'
  static override description = 'On: nothing is signed or broadcast. Shows since when, who pulled it and why.'
  static override examples = ['<%= config.bin %> killswitch status', '<%= config.bin %> killswitch status --json']

  protected override async exec(): Promise<Output<'killswitch.status'>> {
    const client = await this.daemon()
    return client.call('killswitch.status', {})
  }

  protected override render(d: Output<'killswitch.status'>): void {
    this.log(killSwitchText(d))
  }
}

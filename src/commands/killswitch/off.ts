import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { killSwitchText } from '../../cli/policy-render.js'

export default class KillswitchOff extends BaseCommand<typeof KillswitchOff> {
  static override summary = 'Resume signing'
  static override description = 'Turns the kill switch off (operator: needs the master password); held work continues where it stopped.'
  static override examples = ['<%= config.bin %> killswitch off', '<%= config.bin %> killswitch off --password-file ./pw.txt --json']
  static override flags = { ...passwordFlags }

  protected override async exec(): Promise<Output<'killswitch.off'>> {
    return this.operatorCall('killswitch.off', {})
  }

  protected override render(d: Output<'killswitch.off'>): void {
    this.log(killSwitchText(d))
  }
}

import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { devnetFields } from '../../cli/devnet-render.js'

export default class DevnetStop extends BaseCommand<typeof DevnetStop> {
  static override description = "Stop the local playground and discard its chains' state: the next start is a new chain (stopping the daemon keeps it)"
  static override examples = ['<%= config.bin %> devnet stop', '<%= config.bin %> devnet stop --json']
  static override flags = { ...passwordFlags }

  protected override async exec(): Promise<Output<'devnet.stop'>> {
    return this.operatorCall('devnet.stop', {})
  }

  protected override render(d: Output<'devnet.stop'>): void {
    this.log(devnetFields(d))
  }
}

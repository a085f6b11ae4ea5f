import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { devnetFields } from '../../cli/devnet-render.js'

export default class DevnetStatus extends BaseCommand<typeof DevnetStatus> {
  static override description = 'Show whether the local playground runs and where'
  static override examples = ['<%= config.bin %> devnet status', '<%= config.bin %> devnet status --json']

  protected override async exec(): Promise<Output<'devnet.status'>> {
    const client = await this.daemon()
    return client.call('devnet.status', {})
  }

  protected override render(d: Output<'devnet.status'>): void {
    this.log(devnetFields(d))
  }
}

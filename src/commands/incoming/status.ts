import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { incomingStatus } from '../../cli/incoming-render.js'

export default class IncomingStatus extends BaseCommand<typeof IncomingStatus> {
  static override summary = 'Which networks are watched for incoming transfers, how far each is scanned, and the low-balance thresholds'
  static override examples = ['<%= config.bin %> incoming status', '<%= config.bin %> incoming status --json']

  protected override async exec(): Promise<Output<'incoming.status'>> {
    const client = await this.daemon()
    return client.call('incoming.status', {})
  }

  protected override render(d: Output<'incoming.status'>): void {
    this.log(incomingStatus(d))
  }
}

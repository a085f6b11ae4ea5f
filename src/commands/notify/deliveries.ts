import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Input, Output } from '../../lib/contract/index.js'
import { DELIVERY_COLUMNS, deliveryTable } from '../../cli/notify-render.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'

export default class NotifyDeliveries extends BaseCommand<typeof NotifyDeliveries> {
  static override summary = 'Show the notification delivery log'
  static override description = 'Newest first: each event sent to each channel, its attempts, the last HTTP status and error, and when it is retried.'
  static override examples = ['<%= config.bin %> notify deliveries', '<%= config.bin %> notify deliveries --channel alerts --limit 20 --json']
  static override flags = {
    ...passwordFlags,
    channel: Flags.string({ description: 'Only this channel (id or name)' }),
    limit: Flags.integer({ description: 'How many (default 50)', min: 1, max: 1000 }),
    ...tableFlags(DELIVERY_COLUMNS),
  }

  protected override async exec(): Promise<Output<'notify.deliveries'>> {
    const f = this.flags
    const params: Input<'notify.deliveries'> = {}
    if (f.channel !== undefined) params.channel = f.channel
    if (f.limit !== undefined) params.limit = f.limit
    return this.operatorCall('notify.deliveries', params)
  }

  protected override render(d: Output<'notify.deliveries'>): void {
    this.log(deliveryTable(d.deliveries, tableOptions(this.flags)))
  }
}

import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { CHANNEL_COLUMNS, channelTable } from '../../cli/notify-render.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'

export default class NotifyList extends BaseCommand<typeof NotifyList> {
  static override summary = 'List notification channels'
  static override description = 'Each channel with where it delivers (secrets redacted), its event filter and its delivery counts; a failing channel shows when it is retried.'
  static override examples = ['<%= config.bin %> notify list', '<%= config.bin %> notify list --json']
  static override flags = { ...passwordFlags, ...tableFlags(CHANNEL_COLUMNS) }

  protected override async exec(): Promise<Output<'notify.list'>> {
    return this.operatorCall('notify.list', {})
  }

  protected override render(d: Output<'notify.list'>): void {
    this.log(channelTable(d.channels, tableOptions(this.flags)))
  }
}

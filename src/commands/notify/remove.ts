import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { NotifyChannelView } from '../../lib/contract/index.js'

export default class NotifyRemove extends BaseCommand<typeof NotifyRemove> {
  static override summary = 'Remove a notification channel'
  static override description = 'Deliveries still queued for it are dropped; the delivery log keeps what was sent. Asks first on a terminal; pass --yes in scripts.'
  static override examples = ['<%= config.bin %> notify remove nch_0123456789abcdef', '<%= config.bin %> notify remove alerts --yes --json']
  static override args = { id: Args.string({ required: true, description: 'Channel id or name (see notify list)' }) }
  static override flags = { ...passwordFlags, yes: Flags.boolean({ char: 'y', description: 'Remove without asking' }) }

  protected override async exec(): Promise<NotifyChannelView> {
    await this.confirm(`Remove the notification channel ${String(this.args.id)}?`)
    return this.operatorCall('notify.remove', { id: this.args.id })
  }

  protected override render(c: NotifyChannelView): void {
    this.log(`Removed the ${c.kind} channel ${c.name} (${c.id}).`)
  }
}

import * as Args from '@oclif/core/args'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'

export default class NotifyTest extends BaseCommand<typeof NotifyTest> {
  static override summary = 'Send a test notification to a channel now'
  static override description = 'Sends one test event (outside the queue) and reports the HTTP status the receiver answered. Fails (NOTIFY_TEST_FAILED, exit 1) when it did not accept it.'
  static override examples = ['<%= config.bin %> notify test nch_0123456789abcdef', '<%= config.bin %> notify test alerts --json']
  static override args = { id: Args.string({ required: true, description: 'Channel id or name (see notify list)' }) }
  static override flags = { ...passwordFlags }

  protected override async exec(): Promise<Output<'notify.test'>> {
    const r = await this.operatorCall('notify.test', { id: this.args.id })
    if (!r.ok) {
      throw new WaiaasError('NOTIFY_TEST_FAILED', `The test notification was not accepted: ${r.error ?? 'unknown error'}`, { details: { channel: r.channel, status: r.status, error: r.error } })
    }
    return r
  }

  protected override render(r: Output<'notify.test'>): void {
    this.log(`Test notification delivered to ${r.channel} (HTTP ${r.status ?? '-'}).`)
  }
}

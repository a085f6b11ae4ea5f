import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { Input, Output, TxState } from '../../lib/contract/index.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'
import { requestTable, TX_COLUMNS, TX_STATE_OPTIONS } from '../../cli/tx-render.js'

export default class TxList extends BaseCommand<typeof TxList> {
  static override summary = 'List transaction requests, newest first'
  static override description = 'Every request the daemon has seen (sends, calls, approvals, signatures), newest first: state, tier, amount and recipient.'
  static override examples = [
    '<%= config.bin %> tx list',
    '<%= config.bin %> tx list --wallet treasury --state awaiting_approval',
    '<%= config.bin %> tx list --state confirmed --limit 10 --json',
  ]
  static override flags = {
    wallet: Flags.string({ char: 'w', description: 'Only this wallet (id or name)' }),
    state: Flags.option({ options: TX_STATE_OPTIONS, description: 'Only requests in this state' })(),
    limit: Flags.integer({ description: 'How many requests', default: 50, min: 1, max: 1000 }),
    before: Flags.string({ description: 'Only requests older than this request id (for paging)' }),
    ...tableFlags(TX_COLUMNS),
  }

  protected override async exec(): Promise<Output<'tx.list'>> {
    const f = this.flags
    const params: Input<'tx.list'> = { limit: f.limit }
    if (f.wallet !== undefined) params.wallet = f.wallet
    if (f.state !== undefined) params.state = f.state
    if (f.before !== undefined) params.before = f.before
    const client = await this.daemon()
    return client.call('tx.list', params)
  }

  protected override render(d: Output<'tx.list'>): void {
    this.log(requestTable(d.requests, tableOptions(this.flags)))
  }
}

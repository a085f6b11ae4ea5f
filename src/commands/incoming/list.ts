import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { Input, Output } from '../../lib/contract/index.js'
import { INCOMING_COLUMNS, incomingTable, sinceFlag } from '../../cli/incoming-render.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'

export default class IncomingList extends BaseCommand<typeof IncomingList> {
  static override summary = 'List incoming transfers to your wallets, newest first'
  static override description =
    'Native and token transfers the daemon found on watched networks (`waiaas incoming watch`, and the local ones while the devnet runs). Each transfer is reported once.'
  static override examples = [
    '<%= config.bin %> incoming list',
    '<%= config.bin %> incoming list --wallet treasury --since 1h',
    '<%= config.bin %> incoming list --network base --since 2026-01-01T00:00:00Z --json',
  ]
  static override flags = {
    wallet: Flags.string({ char: 'w', description: 'Only this wallet (id or name)' }),
    network: Flags.string({ description: 'Only this network (CAIP-2 id or alias)' }),
    since: Flags.string({ description: 'Only transfers found since this ISO time, or this long ago (30m, 1h, 7d)' }),
    limit: Flags.integer({ description: 'How many transfers', default: 50, min: 1, max: 1000 }),
    ...tableFlags(INCOMING_COLUMNS),
  }

  protected override async exec(): Promise<Output<'incoming.list'>> {
    const f = this.flags
    const params: Input<'incoming.list'> = { limit: f.limit }
    if (f.wallet !== undefined) params.wallet = f.wallet
    if (f.network !== undefined) params.network = f.network
    if (f.since !== undefined) params.since = sinceFlag(f.since)
    const client = await this.daemon()
    return client.call('incoming.list', params)
  }

  protected override render(d: Output<'incoming.list'>): void {
    this.log(incomingTable(d.transfers, tableOptions(this.flags)))
  }
}

import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { table, type Column } from '../../cli/render.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'

const COLUMNS: readonly Column[] = [['seq', 'SEQ'], ['ts', 'TIME'], ['actor', 'ACTOR'], ['action', 'ACTION'], ['outcome', 'OUTCOME'], ['target', 'TARGET']]

export default class AuditList extends BaseCommand<typeof AuditList> {
  static override description = 'List audit log entries, newest first'
  static override examples = ['<%= config.bin %> audit list', '<%= config.bin %> audit list --action wallet.export --json']
  static override flags = {
    limit: Flags.integer({ description: 'How many entries', default: 50, min: 1, max: 1000 }),
    before: Flags.integer({ description: 'Only entries with a sequence number below this (for paging)', min: 1 }),
    action: Flags.string({ description: 'Only this action, e.g. wallet.export or vault.unlock' }),
    ...tableFlags(COLUMNS),
  }

  protected override async exec(): Promise<Output<'audit.list'>> {
    const client = await this.daemon()
    const f = this.flags
    return client.call('audit.list', {
      limit: f.limit,
      ...(f.before === undefined ? {} : { beforeSeq: f.before }),
      ...(f.action === undefined ? {} : { action: f.action }),
    })
  }

  protected override render(d: Output<'audit.list'>): void {
    this.log(table(d.entries as unknown as Record<string, unknown>[], COLUMNS, 'The audit log is empty.', tableOptions(this.flags)))
  }
}

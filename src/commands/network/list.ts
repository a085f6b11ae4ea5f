import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { table, type Column } from '../../cli/render.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'

/** CUSTOM marks a network whose RPC URL or confirmations were set (`network set`). */
const COLUMNS: readonly Column[] = [['alias', 'ALIAS'], ['id', 'CAIP-2'], ['conf', 'CONF'], ['mark', 'CUSTOM'], ['rpc', 'RPC']]

export default class NetworkList extends BaseCommand<typeof NetworkList> {
  static override description = 'List networks: CAIP-2 id, alias, RPC URL (credentials never shown) and confirmation depth'
  static override examples = ['<%= config.bin %> network list', '<%= config.bin %> network list --family solana --json']
  static override flags = {
    family: Flags.option({ options: ['evm', 'solana'] as const, description: 'Only this chain family' })(),
    ...tableFlags(COLUMNS),
  }

  protected override async exec(): Promise<Output<'network.list'>> {
    const client = await this.daemon()
    const family = this.flags.family
    return client.call('network.list', family === undefined ? {} : { family })
  }

  protected override render(d: Output<'network.list'>): void {
    const rows = d.networks.map((n) => ({ ...n, alias: n.aliases[0] ?? '', rpc: n.rpcUrl ?? '-', conf: String(n.confirmations), mark: n.customized ? 'yes' : '' }))
    this.log(table(rows, COLUMNS, '(none)', tableOptions(this.flags)))
  }
}

import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { table, type Column } from '../../cli/render.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'

const COLUMNS: readonly Column[] = [['network', 'NETWORK'], ['symbol', 'SYMBOL'], ['decimals', 'DECIMALS'], ['source', 'SOURCE'], ['address', 'ADDRESS']]

export default class TokenList extends BaseCommand<typeof TokenList> {
  static override description = 'List the token registry: well-known tokens of the built-in networks and the ones the operator added; `--token SYMBOL` resolves through it'
  static override examples = ['<%= config.bin %> token list --network base', '<%= config.bin %> token list --json']
  static override flags = {
    network: Flags.string({ description: 'Only the tokens of this network (CAIP-2 id or alias)' }),
    ...tableFlags(COLUMNS),
  }

  protected override async exec(): Promise<Output<'token.list'>> {
    const client = await this.daemon()
    const network = this.flags.network
    return client.call('token.list', network === undefined ? {} : { network })
  }

  protected override render(d: Output<'token.list'>): void {
    this.log(table(d.tokens.map((t) => ({ ...t, decimals: String(t.decimals) })), COLUMNS, '(none)', tableOptions(this.flags)))
  }
}

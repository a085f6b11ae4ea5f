import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'
import { WALLET_COLUMNS, walletTable } from '../../cli/wallet-render.js'

export default class WalletList extends BaseCommand<typeof WalletList> {
  static override description = 'List wallets'
  static override examples = ['<%= config.bin %> wallet list', '<%= config.bin %> wallet list --chain solana --json', '<%= config.bin %> wallet list --columns name,address --csv']
  static override flags = {
    chain: Flags.option({ options: ['evm', 'solana'] as const, description: 'Only this chain family' })(),
    ...tableFlags(WALLET_COLUMNS),
  }

  protected override async exec(): Promise<Output<'wallet.list'>> {
    const client = await this.daemon()
    const chain = this.flags.chain
    return client.call('wallet.list', chain === undefined ? {} : { chain })
  }

  protected override render(d: Output<'wallet.list'>): void {
    this.log(walletTable(d.wallets, tableOptions(this.flags)))
  }
}

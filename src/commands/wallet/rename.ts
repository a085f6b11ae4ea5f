import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Wallet } from '../../lib/contract/index.js'
import { walletFields } from '../../cli/wallet-render.js'

export default class WalletRename extends BaseCommand<typeof WalletRename> {
  static override description = 'Rename a wallet'
  static override examples = ['<%= config.bin %> wallet rename evm-f39fd6 --name treasury']
  static override args = { wallet: Args.string({ required: true, description: 'Wallet id or current name' }) }
  static override flags = { ...passwordFlags, name: Flags.string({ required: true, description: 'The new unique name' }) }

  protected override async exec(): Promise<Wallet> {
    return this.operatorCall('wallet.rename', { wallet: this.args.wallet, name: this.flags.name })
  }

  protected override render(w: Wallet): void {
    this.log(walletFields(w))
  }
}

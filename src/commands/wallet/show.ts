import * as Args from '@oclif/core/args'
import { BaseCommand } from '../../cli/base-command.js'
import type { Wallet } from '../../lib/contract/index.js'
import { walletFields } from '../../cli/wallet-render.js'

export default class WalletShow extends BaseCommand<typeof WalletShow> {
  static override description = 'Show one wallet'
  static override examples = ['<%= config.bin %> wallet show treasury', '<%= config.bin %> wallet show 0b6f3c52-8d1e-4a7b-9c2f-5e4d3a2b1c0d --json']
  static override args = { wallet: Args.string({ required: true, description: 'Wallet id or name' }) }

  protected override async exec(): Promise<Wallet> {
    const client = await this.daemon()
    return client.call('wallet.show', { wallet: this.args.wallet })
  }

  protected override render(w: Wallet): void {
    this.log(walletFields(w))
  }
}

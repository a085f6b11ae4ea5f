import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'

export default class WalletDelete extends BaseCommand<typeof WalletDelete> {
  static override description = 'Delete a wallet and its encrypted key (irreversible without an export or a backup)'
  static override examples = ['<%= config.bin %> wallet delete treasury --yes']
  static override args = { wallet: Args.string({ required: true, description: 'Wallet id or name' }) }
  static override flags = { ...passwordFlags, yes: Flags.boolean({ char: 'y', description: 'Delete without asking' }) }

  protected override async exec(): Promise<Output<'wallet.delete'>> {
    const client = await this.daemon()
    const wallet = await client.call('wallet.show', { wallet: this.args.wallet })
    await this.confirm(`Delete wallet ${wallet.name} (${wallet.address})? Its key is gone for good unless exported`)
    const password = await this.operatorPassword()
    // Delete by id, so a rename between the question and the answer cannot redirect it.
    return client.call('wallet.delete', { wallet: wallet.id }, { password })
  }

  protected override render(d: Output<'wallet.delete'>): void {
    this.log(`Deleted ${d.deleted.name} (${d.deleted.address}).`)
  }
}

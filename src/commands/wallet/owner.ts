import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Wallet } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'

export default class WalletOwner extends BaseCommand<typeof WalletOwner> {
  static override summary = "Show or set the wallet's owner: the address whose signature may approve its requests"
  static override description =
    'With ADDRESS, sets the owner (operator: needs the master password); with --clear, removes it; with neither, shows ' +
    'it. The owner approves or rejects pending requests by signing `waiaas tx approval-message` with its own key, ' +
    'without the master password.'
  static override examples = [
    '<%= config.bin %> wallet owner treasury',
    '<%= config.bin %> wallet owner treasury 0x8ba1f109551bD432803012645Ac136ddd64DBA72',
    '<%= config.bin %> wallet owner treasury --clear --json',
  ]
  static override args = {
    wallet: Args.string({ required: true, description: 'Wallet id or name' }),
    address: Args.string({ description: 'The new owner address (EVM 0x…, Solana base58)' }),
  }
  static override flags = { ...passwordFlags, clear: Flags.boolean({ description: 'Remove the owner' }) }

  protected override async exec(): Promise<Wallet> {
    const wallet = this.args.wallet
    const address = this.args.address
    const clear = this.flags.clear === true
    if (clear && address !== undefined) throw new WaiaasError('USAGE', 'Give an ADDRESS or --clear, not both', { details: { flag: '--clear' } })
    if (!clear && address === undefined) {
      const client = await this.daemon()
      return client.call('wallet.show', { wallet })
    }
    return this.operatorCall('wallet.setOwner', { wallet, owner: clear ? null : address ?? null })
  }

  protected override render(w: Wallet): void {
    this.log(w.owner === null ? `${w.name} (${w.address}) has no owner.` : `Owner of ${w.name} (${w.address}): ${w.owner}`)
  }
}

import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Wallet } from '../../lib/contract/index.js'
import { walletFields } from '../../cli/wallet-render.js'

export default class WalletCreate extends BaseCommand<typeof WalletCreate> {
  static override description = 'Create a wallet with a new random key (EVM secp256k1 or Solana ed25519)'
  static override examples = ['<%= config.bin %> wallet create --chain evm --name treasury', '<%= config.bin %> wallet create --chain solana --json']
  static override flags = {
    ...passwordFlags,
    chain: Flags.option({ options: ['evm', 'solana'] as const, required: true, description: 'Chain family' })(),
    name: Flags.string({ description: 'A unique name (default: chain and the start of the address)' }),
  }

  protected override async exec(): Promise<Wallet> {
    const name = this.flags.name
    return this.operatorCall('wallet.create', { chain: this.flags.chain, ...(name === undefined ? {} : { name }) })
  }

  protected override render(w: Wallet): void {
    this.log(walletFields(w))
  }
}

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Input, Output } from '../../lib/contract/index.js'
import { table } from '../../cli/render.js'

export default class DevnetFund extends BaseCommand<typeof DevnetFund> {
  static override description = "Fund a wallet on its chain's local network with native coins and the devnet test token (6 decimals)"
  static override examples = ['<%= config.bin %> devnet fund treasury', '<%= config.bin %> devnet fund sol-hot --amount 2.5 --token-amount 50 --json']
  static override args = { wallet: Args.string({ required: true, description: 'Wallet id or name' }) }
  static override flags = {
    ...passwordFlags,
    amount: Flags.string({ description: 'Native amount in whole units (ETH or SOL)', default: '10' }),
    'token-amount': Flags.string({ description: 'Test-token amount in whole units', default: '1000' }),
  }

  protected override async exec(): Promise<Output<'devnet.fund'>> {
    const params: Input<'devnet.fund'> = { wallet: this.args.wallet, amount: this.flags.amount, tokenAmount: this.flags['token-amount'] }
    return this.operatorCall('devnet.fund', params)
  }

  protected override render(d: Output<'devnet.fund'>): void {
    this.log(`Funded ${d.wallet.name} (${d.wallet.address}), amounts in minor units:`)
    this.log(table(d.funded, [['network', 'NETWORK'], ['asset', 'ASSET'], ['amount', 'AMOUNT']]))
  }
}

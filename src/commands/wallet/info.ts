import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import type { Wallet } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import type { CommandFlags } from '../../cli/base-command.js'
import WalletShow from './show.js'

/** WAIaaS's `wallet info --wallet W`: our `wallet show W`, which the alias note names. */
export default class WalletInfo extends WalletShow {
  static override hidden = true
  static aliasOf = 'wallet:show'
  static override summary = 'WAIaaS\'s `wallet info`: runs `waiaas wallet show` (--wallet W)'
  static override description = 'Takes the wallet as an argument or as --wallet. See `waiaas wallet show --help`.'
  static override examples = ['<%= config.bin %> wallet info --wallet treasury']
  // Optional here (--wallet may give it); the cast only widens the static type the subclass must match.
  static override args = { wallet: Args.string({ required: false, description: 'Wallet id or name (or --wallet)' }) } as unknown as typeof WalletShow.args
  static override flags = { wallet: Flags.string({ char: 'w', description: 'Wallet id or name (WAIaaS spelling)' }) }

  /** This alias's own flags (--wallet), typed. */
  protected declare flags: CommandFlags<typeof WalletInfo>

  protected override async exec(): Promise<Wallet> {
    const wallet = this.args.wallet ?? this.flags.wallet
    if (wallet === undefined) throw new WaiaasError('USAGE', 'Name the wallet: `waiaas wallet info --wallet NAME`', { details: { flag: '--wallet' }, hint: 'List wallets with `waiaas wallet list`.' })
    this.args = { ...this.args, wallet }
    return super.exec()
  }
}

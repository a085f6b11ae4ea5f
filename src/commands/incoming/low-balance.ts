import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'

export default class IncomingLowBalance extends BaseCommand<typeof IncomingLowBalance> {
  static override summary = "Alert once when a wallet's native balance on a network falls below a threshold"
  static override description =
    'Checked after each scan of a watched network. One `balance.low` event per crossing: it re-arms when the balance is back at or above the threshold.'
  static override examples = [
    '<%= config.bin %> incoming low-balance treasury --network base --below 0.05',
    '<%= config.bin %> incoming low-balance treasury --network base --clear',
  ]
  static override args = { wallet: Args.string({ required: true, description: 'Wallet id or name' }) }
  static override flags = {
    ...passwordFlags,
    network: Flags.string({ description: 'CAIP-2 id or alias', required: true }),
    below: Flags.string({ description: 'Threshold in whole native units, e.g. 0.5', exclusive: ['clear'] }),
    clear: Flags.boolean({ description: 'Remove the threshold', exclusive: ['below'] }),
  }

  protected override async exec(): Promise<Output<'incoming.setLowBalance'>> {
    const f = this.flags
    if (f.below === undefined && f.clear !== true) throw new WaiaasError('USAGE', 'Give --below AMOUNT or --clear', { details: { flag: '--below' } })
    return this.operatorCall('incoming.setLowBalance', { wallet: this.args.wallet, network: f.network, threshold: f.clear === true ? null : (f.below ?? null) })
  }

  protected override render(d: Output<'incoming.setLowBalance'>): void {
    const who = `${d.walletName} on ${d.network}`
    if (d.threshold === null) return this.log(`No low-balance alert for ${who}.`)
    this.log(`Alert when ${who} falls below ${d.threshold} ${d.symbol}.`)
    if (!d.watched) this.warn(`${d.network} is not watched, so it is not checked: \`waiaas incoming watch ${d.network}\`.`)
  }
}

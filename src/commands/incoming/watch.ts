import * as Args from '@oclif/core/args'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'

export default class IncomingWatch extends BaseCommand<typeof IncomingWatch> {
  static override summary = 'Watch a network for incoming transfers to your wallets'
  static override description =
    "Every wallet of the network's chain is watched from the network's current confirmed head on (earlier history is not scanned). " +
    "No public network is watched unless you ask; the devnet's local networks are watched while it runs."
  static override examples = ['<%= config.bin %> incoming watch base', '<%= config.bin %> incoming watch solana-devnet --json']
  static override args = { network: Args.string({ required: true, description: 'CAIP-2 id or alias' }) }
  static override flags = { ...passwordFlags }

  protected override async exec(): Promise<Output<'incoming.watch'>> {
    return this.operatorCall('incoming.watch', { network: this.args.network })
  }

  protected override render(d: Output<'incoming.watch'>): void {
    this.log(d.changed ? `Watching ${d.name} (${d.network}) for incoming transfers.` : `${d.name} (${d.network}) was already watched.`)
  }
}

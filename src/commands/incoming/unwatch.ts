import * as Args from '@oclif/core/args'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'

export default class IncomingUnwatch extends BaseCommand<typeof IncomingUnwatch> {
  static override summary = 'Stop watching a network for incoming transfers'
  static override description = 'Its scan position is forgotten: watching it again starts at its head.'
  static override examples = ['<%= config.bin %> incoming unwatch base']
  static override args = { network: Args.string({ required: true, description: 'CAIP-2 id or alias' }) }
  static override flags = { ...passwordFlags }

  protected override async exec(): Promise<Output<'incoming.unwatch'>> {
    return this.operatorCall('incoming.unwatch', { network: this.args.network })
  }

  protected override render(d: Output<'incoming.unwatch'>): void {
    if (d.watched) this.log(`${d.name} (${d.network}) is still watched while the devnet runs.`)
    else this.log(d.changed ? `No longer watching ${d.name} (${d.network}).` : `${d.name} (${d.network}) was not watched.`)
  }
}

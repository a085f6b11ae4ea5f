import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'

export default class TokenRemove extends BaseCommand<typeof TokenRemove> {
  static override description = 'Remove a token the operator added from the registry (built-in tokens stay)'
  static override examples = ['<%= config.bin %> token remove --network base --address 0x50c5725949A6F0c72E6C4a641F24049A917DB0Cb']
  static override flags = {
    ...passwordFlags,
    network: Flags.string({ required: true, description: 'The network (CAIP-2 id or alias)' }),
    address: Flags.string({ required: true, description: 'The registered contract or mint' }),
  }

  protected override async exec(): Promise<Output<'token.remove'>> {
    return this.operatorCall('token.remove', { network: this.flags.network, address: this.flags.address })
  }

  protected override render(d: Output<'token.remove'>): void {
    this.log(`Removed ${d.removed.symbol} on ${d.removed.network}: ${d.removed.address}`)
  }
}

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { TxRequestView } from '../../lib/contract/index.js'
import { requestFields } from '../../cli/tx-render.js'

export default class TxSpeedUp extends BaseCommand<typeof TxSpeedUp> {
  static override summary = 'Rebroadcast a stuck EVM transaction with higher fees'
  static override description =
    'Replaces a submitted transaction with the same nonce and fees raised by --bump-percent (within the FEE_CAP policy). ' +
    'Whichever of the two is mined first settles the request.'
  static override examples = ['<%= config.bin %> tx speed-up req_4f1c2a9b7d3e5f6a8b0c', '<%= config.bin %> tx speed-up req_4f1c2a9b7d3e5f6a8b0c --bump-percent 50 --json']
  static override args = { id: Args.string({ required: true, description: 'Request id' }) }
  static override flags = {
    ...passwordFlags,
    'bump-percent': Flags.integer({ description: 'Raise the fees by this percentage (10-500)', default: 20, min: 10, max: 500 }),
  }

  protected override async exec(): Promise<TxRequestView> {
    return this.operatorCall('tx.speedUp', { id: this.args.id, bumpPercent: this.flags['bump-percent'] })
  }

  protected override render(r: TxRequestView): void {
    this.log(requestFields(r))
  }
}

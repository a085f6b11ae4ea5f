import * as Args from '@oclif/core/args'
import { BaseCommand, passwordFlags, sessionFlags } from '../../cli/base-command.js'
import type { TxRequestView } from '../../lib/contract/index.js'
import { requestFields } from '../../cli/tx-render.js'

export default class TxCancel extends BaseCommand<typeof TxCancel> {
  static override summary = 'Cancel a request, or replace a broadcast EVM transaction with a cancellation'
  static override description =
    'A request that is queued (DELAY), awaiting approval or approved is cancelled at once. A broadcast EVM transaction ' +
    'is replaced by a 0-value transfer to the wallet itself with the same nonce and 20% higher fees (within FEE_CAP); ' +
    'the request stays submitted until one of the two lands, then it is cancelled (or confirmed, if the original won). ' +
    'Either way its reservation against cumulative limits is released when it is cancelled.'
  static override examples = ['<%= config.bin %> tx cancel req_4f1c2a9b7d3e5f6a8b0c', '<%= config.bin %> tx cancel req_4f1c2a9b7d3e5f6a8b0c --json']
  static override args = { id: Args.string({ required: true, description: 'Request id' }) }
  static override flags = { ...passwordFlags, ...sessionFlags }

  protected override async exec(): Promise<TxRequestView> {
    return this.agentCall('tx.cancel', { id: this.args.id })
  }

  protected override render(r: TxRequestView): void {
    this.log(requestFields(r))
  }
}

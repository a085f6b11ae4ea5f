import * as Args from '@oclif/core/args'
import { BaseCommand, passwordFlags, sessionFlags } from '../../lib/base-command.js'
import type { TxRequestView } from '../../lib/contract.js'
import { requestFields } from '../../lib/tx-render.js'

export default class TxCancel extends BaseCommand {
  static override summary = 'Cancel a request that has not been signed yet'
  static override description =
    'Works while the request is queued (DELAY), awaiting approval or approved; its reservation against cumulative limits ' +
    'is released. A transaction already broadcast cannot be cancelled this way (see `waiaas tx speed-up`).'
  static override examples = ['<%= config.bin %> tx cancel 01J2Z3…', '<%= config.bin %> tx cancel 01J2Z3… --json']
  static override args = { id: Args.string({ required: true, description: 'Request id' }) }
  static override flags = { ...passwordFlags, ...sessionFlags }

  protected override async exec(): Promise<TxRequestView> {
    return this.agentCall('tx.cancel', { id: this.args.id as string })
  }

  protected override render(r: TxRequestView): void {
    this.log(requestFields(r))
  }
}

import * as Args from '@oclif/core/args'
import { BaseCommand } from '../../cli/base-command.js'
import type { TxRequestView } from '../../lib/contract/index.js'
import { nextStep, requestFields } from '../../cli/tx-render.js'

export default class TxShow extends BaseCommand<typeof TxShow> {
  static override summary = 'Show one transaction request'
  static override description = 'Its state, tier and why, amount, recipient, transaction hash or signature, and what can be done next.'
  static override examples = ['<%= config.bin %> tx show req_4f1c2a9b7d3e5f6a8b0c', '<%= config.bin %> tx show req_4f1c2a9b7d3e5f6a8b0c --json']
  static override args = { id: Args.string({ required: true, description: 'Request id' }) }

  protected override async exec(): Promise<TxRequestView> {
    const client = await this.daemon()
    return client.call('tx.show', { id: this.args.id })
  }

  protected override render(r: TxRequestView): void {
    this.log(requestFields(r))
    const next = nextStep(r)
    if (next !== undefined) this.log(next)
  }
}

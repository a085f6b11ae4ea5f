import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { TxRequestView } from '../../lib/contract/index.js'
import { readInputFile } from '../../cli/flag-input.js'
import { requestFields } from '../../cli/tx-render.js'

export default class TxReject extends BaseCommand<typeof TxReject> {
  static override summary = 'Reject a request that awaits approval or waits out a delay'
  static override description =
    'Nothing is signed and the amount it reserved against cumulative limits is released. As the operator (master ' +
    "password), or as the wallet's owner: sign the message from `waiaas tx approval-message ID --reject --out FILE` and " +
    'pass --signature with --message-file FILE.'
  static override examples = [
    '<%= config.bin %> tx reject req_4f1c2a9b7d3e5f6a8b0c --reason "not in the budget"',
    '<%= config.bin %> tx reject req_4f1c2a9b7d3e5f6a8b0c --signature "$(cat ./reject.sig)" --message-file ./reject.txt',
  ]
  static override args = { id: Args.string({ required: true, description: 'Request id' }) }
  static override flags = {
    ...passwordFlags,
    reason: Flags.string({ description: 'Why, for the audit log and notifications', exclusive: ['signature'] }),
    signature: Flags.string({ description: "Owner path: the owner's signature over the rejection message", dependsOn: ['message-file'], helpGroup: 'OWNER' }),
    'message-file': Flags.string({ description: 'Owner path: the rejection message, exactly as `tx approval-message --reject --out` wrote it', dependsOn: ['signature'], helpGroup: 'OWNER' }),
  }

  protected override async exec(): Promise<TxRequestView> {
    const f = this.flags
    const id = this.args.id
    if (f.signature !== undefined) {
      const client = await this.daemon()
      return client.call('tx.ownerDecide', { id, message: readInputFile(f['message-file'] ?? '', '--message-file'), signature: f.signature.trim() })
    }
    return this.operatorCall('tx.reject', { id, ...(f.reason === undefined ? {} : { reason: f.reason }) })
  }

  protected override render(r: TxRequestView): void {
    this.log(requestFields(r))
  }
}

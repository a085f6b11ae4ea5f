import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { TxRequestView } from '../../lib/contract/index.js'
import { readInputFile } from '../../cli/flag-input.js'
import { requestFields } from '../../cli/tx-render.js'

export default class TxApprove extends BaseCommand<typeof TxApprove> {
  static override summary = 'Approve a request that awaits approval'
  static override description =
    'As the operator (master password), or as the wallet\'s owner without any password: sign the message from ' +
    '`waiaas tx approval-message ID --out FILE` with the owner key and pass --signature with --message-file FILE. ' +
    'An approved request is signed and broadcast at once.'
  static override examples = [
    '<%= config.bin %> tx approve req_4f1c2a9b7d3e5f6a8b0c',
    '<%= config.bin %> tx approve req_4f1c2a9b7d3e5f6a8b0c --signature "$(cat ./approve.sig)" --message-file ./approve.txt',
  ]
  static override args = { id: Args.string({ required: true, description: 'Request id' }) }
  static override flags = {
    ...passwordFlags,
    signature: Flags.string({ description: "Owner path: the owner's signature over the approval message", dependsOn: ['message-file'], helpGroup: 'OWNER' }),
    'message-file': Flags.string({ description: 'Owner path: the approval message, exactly as `tx approval-message --out` wrote it', dependsOn: ['signature'], helpGroup: 'OWNER' }),
  }

  protected override async exec(): Promise<TxRequestView> {
    const f = this.flags
    const id = this.args.id
    if (f.signature !== undefined) {
      const client = await this.daemon()
      return client.call('tx.ownerDecide', { id, message: readInputFile(f['message-file'] ?? '', '--message-file'), signature: f.signature.trim() })
    }
    return this.operatorCall('tx.approve', { id })
  }

  protected override render(r: TxRequestView): void {
    this.log(requestFields(r))
  }
}

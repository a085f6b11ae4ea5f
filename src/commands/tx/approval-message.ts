import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { assertOutputPath, writeSecretFile } from '../../lib/paths.js'

type Message = Output<'tx.approvalMessage'> & { file?: string }

export default class TxApprovalMessage extends BaseCommand<typeof TxApprovalMessage> {
  static override summary = "Print the message the wallet's owner signs to approve (or reject) a request"
  static override description =
    'The message binds the request id, its content hash, the policy revision, an expiry and a single-use nonce. Sign it ' +
    'byte for byte with the owner key (EIP-191 on EVM, Ed25519 on Solana), then pass the signature to `waiaas tx approve` ' +
    '(or `tx reject`) with --message-file. --out writes it to a file exactly; without it, stdout carries only the message.'
  static override examples = [
    '<%= config.bin %> tx approval-message req_4f1c2a9b7d3e5f6a8b0c --out ./approve.txt',
    '<%= config.bin %> tx approval-message req_4f1c2a9b7d3e5f6a8b0c --reject --out ./reject.txt',
    '<%= config.bin %> tx approval-message req_4f1c2a9b7d3e5f6a8b0c --json',
  ]
  static override args = { id: Args.string({ required: true, description: 'Request id' }) }
  static override flags = {
    reject: Flags.boolean({ description: 'The message that rejects the request instead' }),
    out: Flags.string({ description: 'Write the message to this file (mode 0600), byte for byte; refused if it exists unless --yes, and if it is a symbolic link' }),
    yes: Flags.boolean({ char: 'y', description: 'Overwrite --out if it exists' }),
  }

  protected override async exec(): Promise<Message> {
    const out = this.flags.out
    if (out !== undefined) assertOutputPath(out, { overwrite: this.flags.yes === true })
    const client = await this.daemon()
    const m = await client.call('tx.approvalMessage', { id: this.args.id, decision: this.flags.reject === true ? 'reject' : 'approve' })
    if (out === undefined) return m
    writeSecretFile(out, m.message, { overwrite: this.flags.yes === true })
    return { ...m, file: out }
  }

  protected override render(m: Message): void {
    const verb = this.flags.reject === true ? 'reject' : 'approve'
    const id = this.args.id
    if (m.file !== undefined) {
      this.log(`Wrote the ${verb} message for ${id} to ${m.file}. Sign it with the owner key ${m.owner} before ${m.expiresAt}, then:`)
      this.log(`  waiaas tx ${verb} ${id} --signature SIG --message-file ${m.file}`)
      return
    }
    // Exactly the message on stdout, so `> file` keeps it byte for byte; a line break only for a terminal.
    process.stdout.write(process.stdout.isTTY === true && !m.message.endsWith('\n') ? `${m.message}\n` : m.message)
    process.stderr.write(`Sign it with the owner key ${m.owner} before ${m.expiresAt}, then: waiaas tx ${verb} ${id} --signature SIG --message-file FILE\n`)
  }
}

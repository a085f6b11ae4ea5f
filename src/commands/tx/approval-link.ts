import * as Args from '@oclif/core/args'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'

type Link = Output<'tx.approvalLink'>

export default class TxApprovalLink extends BaseCommand<typeof TxApprovalLink> {
  static override summary = "Make a one-time link where the wallet's owner approves or rejects a request with their own wallet"
  static override description =
    'The link opens the approval page, served by the REST plugin (`waiaas plugin enable rest`): it shows the decoded ' +
    'request, and the owner approves or rejects it by signing the canonical approval message in their browser wallet ' +
    '(EIP-191 on EVM, Ed25519 on Solana). The link works once, and expires with the request or after an hour. Anyone ' +
    'with the link can see the request, but only the owner key can decide it: send it to the owner only.'
  static override examples = ['<%= config.bin %> tx approval-link req_4f1c2a9b7d3e5f6a8b0c', '<%= config.bin %> tx approval-link req_4f1c2a9b7d3e5f6a8b0c --json']
  static override args = { id: Args.string({ required: true, description: 'Request id' }) }
  static override flags = { ...passwordFlags }

  protected override exec(): Promise<Link> {
    return this.operatorCall('tx.approvalLink', { id: this.args.id })
  }

  protected override render(l: Link): void {
    // Only the URL on stdout, so it can be piped; the note on stderr.
    this.log(l.url)
    process.stderr.write(`One-time link for the wallet's owner, valid until ${l.expiresAt}. Send it to the owner only.\n`)
  }
}

import * as Flags from '@oclif/core/flags'
import type { TxRequestView } from '../lib/contract/index.js'
import { readTransfersFile, transfersFromJson, transfersFromPairs } from '../cli/batch-input.js'
import { SubmitCommand, submitFlags } from '../cli/tx-command.js'
import { networkFlag, walletFlag } from '../cli/target-flags.js'

export default class SendBatch extends SubmitCommand<typeof SendBatch> {
  static override summary = 'Send several transfers as one request and one transaction: all land or none'
  static override description =
    'Up to 8 transfers, given as repeated pairs (the first --to with the first --amount, and so on; --token applies to ' +
    'all) or as a JSON array [{"to", "amount", "token"?}] in --file (- reads stdin). The policies judge every transfer ' +
    'and reserve their total at once: one transfer a rule denies denies the batch (exit 4, naming the rule), and nobody ' +
    'is paid. Solana: one transaction. EVM: one call of the batching contract the operator allowlists (`waiaas network ' +
    'set --batch-contract`), one asset per batch; a token batch needs the wallet\'s allowance to it (`waiaas approve`). ' +
    'Tiers, --wait and exit codes as for `waiaas send`.'
  static override examples = [
    '<%= config.bin %> send-batch --wallet treasury --network base --to 0x8ba1f109551bD432803012645Ac136ddd64DBA72 --amount 0.01 --to 0x71C7656EC7ab88b098defB751B7401B5f6d8976F --amount 0.02',
    '<%= config.bin %> send-batch --wallet sol-hot --network solana-local --token USDC --to 9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin --amount 5 --to 7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV --amount 7 --wait',
    '<%= config.bin %> send-batch --wallet treasury --network base --file payouts.json --idempotency-key payouts-2024-06 --json',
    'jq \'[.[] | {to: .address, amount: .owed}]\' owed.json | <%= config.bin %> send-batch --wallet treasury --network base --file -',
  ]
  static override flags = {
    ...submitFlags,
    wallet: walletFlag({ required: true }),
    network: networkFlag({ required: true }),
    to: Flags.string({ multiple: true, description: 'A recipient address; repeat it, each followed by its --amount', exactlyOne: ['to', 'file'] }),
    amount: Flags.string({ multiple: true, description: 'The decimal amount (whole units, e.g. 0.01) of the --to before it', dependsOn: ['to'] }),
    token: Flags.string({ char: 't', description: 'ERC-20 address, SPL / Token-2022 mint, or a token registry symbol such as USDC, for every pair (default: the native coin)', dependsOn: ['to'] }),
    file: Flags.string({ char: 'f', description: 'Read the transfers from this JSON file (- for stdin): [{"to": "…", "amount": "0.1", "token": "USDC"}, …]', exactlyOne: ['to', 'file'], exclusive: ['amount', 'token'] }),
  }

  protected override async exec(): Promise<TxRequestView> {
    const f = this.flags
    const transfers = f.file === undefined
      ? transfersFromPairs(f.to ?? [], f.amount ?? [], f.token)
      : transfersFromJson(await readTransfersFile(f.file), f.file === '-' ? 'stdin' : f.file)
    return this.submit('tx.sendBatch', { wallet: f.wallet, network: f.network, transfers, ...this.idempotency() })
  }
}

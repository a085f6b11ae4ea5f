import * as Flags from '@oclif/core/flags'
import { passwordFlags, sessionFlags } from '../../cli/base-command.js'
import type { TxRequestView } from '../../lib/contract/index.js'
import { parseJsonObject, readInputFile } from '../../cli/flag-input.js'
import { SignCommand } from '../../cli/tx-command.js'
import { networkFlag, walletFlag } from '../../cli/target-flags.js'

export default class SignTx extends SignCommand<typeof SignTx> {
  static override summary = 'Sign a transaction you broadcast yourself, checked against the policies'
  static override description =
    'Decodes the transaction, checks what it does against the policies like `send` or `call` would, and signs it without ' +
    'broadcasting. EVM: an unsigned serialized transaction (0x hex) or a JSON transaction request; Solana: a base64 ' +
    'transaction or message. Prints only the signed raw transaction; --json prints the whole request.'
  static override examples = [
    '<%= config.bin %> sign tx --wallet treasury --network evm-local --transaction \'{"to":"0x8ba1f109551bD432803012645Ac136ddd64DBA72","value":"1000000000000000"}\'',
    '<%= config.bin %> sign tx --wallet sol-hot --network solana-local --file ./tx.b64 --idempotency-key job-42',
  ]
  static override flags = {
    ...passwordFlags,
    ...sessionFlags,
    wallet: walletFlag({ required: true }),
    network: networkFlag({ required: true }),
    transaction: Flags.string({ description: 'The transaction: 0x hex, base64, or a JSON object', exactlyOne: ['transaction', 'file'] }),
    file: Flags.string({ char: 'f', description: 'Read the transaction from this file', exactlyOne: ['transaction', 'file'] }),
    'idempotency-key': Flags.string({ description: 'A key of yours for this request: the same key is never signed twice' }),
  }

  protected override async exec(): Promise<TxRequestView> {
    const f = this.flags
    const flag = f.transaction === undefined ? '--file' : '--transaction'
    const text = (f.transaction ?? readInputFile(f.file ?? '', '--file')).trim()
    const transaction = text.startsWith('{') ? parseJsonObject(text, flag) : text
    return this.sign('sign.tx', {
      wallet: f.wallet,
      network: f.network,
      transaction,
      ...(f['idempotency-key'] === undefined ? {} : { idempotencyKey: f['idempotency-key'] }),
    })
  }
}

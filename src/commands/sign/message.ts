import * as Flags from '@oclif/core/flags'
import { passwordFlags, sessionFlags } from '../../cli/base-command.js'
import type { TxRequestView } from '../../lib/contract/index.js'
import { readInputFile } from '../../cli/flag-input.js'
import { SignCommand } from '../../cli/tx-command.js'
import { networkFlag, walletFlag } from '../../cli/target-flags.js'

export default class SignMessage extends SignCommand<typeof SignMessage> {
  static override summary = 'Sign a message (EIP-191 personal_sign, or a Solana message, raw or in the off-chain format)'
  static override description =
    'Signs the message if the wallet\'s SIGNING_RULES policy allows it (`allow_personal_sign`); without one it is denied ' +
    '(exit 4). Prints only the signature (0x hex on EVM, base58 on Solana), so `sig=$(waiaas sign message …)` works; ' +
    '--json prints the whole request. --message-file is signed byte for byte, trailing newline included. ' +
    'On Solana, --format solana-offchain signs it framed as `solana sign-offchain-message` does (verify with ' +
    '`solana verify-offchain-signature`); raw bytes that read as a transaction message are refused ' +
    '(SIGN_MESSAGE_IS_TRANSACTION, exit 4), and so is any text containing a waiaas approval message (SIGN_MESSAGE_IS_APPROVAL).'
  static override examples = [
    '<%= config.bin %> sign message --wallet treasury --message "Log in to example.org: nonce 8f2a"',
    '<%= config.bin %> sign message --wallet treasury --message 0xdeadbeef --hex',
    '<%= config.bin %> sign message --wallet sol-hot --message-file ./challenge.txt --json',
    '<%= config.bin %> sign message --wallet sol-hot --message "I own this wallet" --format solana-offchain',
  ]
  static override flags = {
    ...passwordFlags,
    ...sessionFlags,
    wallet: walletFlag({ required: true }),
    network: networkFlag({ required: false, description: 'CAIP-2 id or alias, for network-scoped policies' }),
    message: Flags.string({ char: 'm', description: 'The message, as text (or 0x hex with --hex)', exactlyOne: ['message', 'message-file'] }),
    'message-file': Flags.string({ description: 'Read the message from this file, exactly as it is', exactlyOne: ['message', 'message-file'] }),
    hex: Flags.boolean({ description: 'The message is 0x hex bytes, not text' }),
    format: Flags.option({
      description: 'raw: the bytes as given (EVM: always EIP-191); solana-offchain: Solana\'s off-chain message format, never a transaction',
      options: ['raw', 'solana-offchain'] as const,
      default: 'raw' as const,
    })(),
  }

  protected override async exec(): Promise<TxRequestView> {
    const f = this.flags
    let message = f.message ?? readInputFile(f['message-file'] ?? '', '--message-file')
    if (f.hex) message = message.trim()
    return this.sign('sign.message', {
      wallet: f.wallet,
      ...(f.network === undefined ? {} : { network: f.network }),
      message,
      encoding: f.hex ? 'hex' : 'utf8',
      format: f.format,
    })
  }
}

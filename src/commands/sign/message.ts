import * as Flags from '@oclif/core/flags'
import { passwordFlags, sessionFlags } from '../../lib/base-command.js'
import type { TxRequestView } from '../../lib/contract.js'
import { readInputFile } from '../../lib/flag-input.js'
import { SignCommand } from '../../lib/tx-command.js'

export default class SignMessage extends SignCommand {
  static override summary = 'Sign a message (EIP-191 personal_sign, or a Solana off-chain message)'
  static override description =
    'Signs the message if the wallet\'s SIGNING_RULES policy allows it (`allow_personal_sign`); without one it is denied ' +
    '(exit 4). Prints only the signature (0x hex on EVM, base58 on Solana), so `sig=$(waiaas sign message …)` works; ' +
    '--json prints the whole request. --message-file is signed byte for byte, trailing newline included.'
  static override examples = [
    '<%= config.bin %> sign message --wallet treasury --message "Log in to example.org: nonce 8f2a"',
    '<%= config.bin %> sign message --wallet treasury --message 0xdeadbeef --hex',
    '<%= config.bin %> sign message --wallet sol-hot --message-file ./challenge.txt --json',
  ]
  static override flags = {
    ...passwordFlags,
    ...sessionFlags,
    wallet: Flags.string({ char: 'w', required: true, description: 'Wallet id or name' }),
    network: Flags.string({ char: 'n', description: 'CAIP-2 id or alias, for network-scoped policies' }),
    message: Flags.string({ char: 'm', description: 'The message, as text (or 0x hex with --hex)', exactlyOne: ['message', 'message-file'] }),
    'message-file': Flags.string({ description: 'Read the message from this file, exactly as it is', exactlyOne: ['message', 'message-file'] }),
    hex: Flags.boolean({ description: 'The message is 0x hex bytes, not text' }),
  }

  protected override async exec(): Promise<TxRequestView> {
    const f = this.flags as { wallet: string; network?: string; message?: string; 'message-file'?: string; hex: boolean }
    let message = f.message ?? readInputFile(f['message-file'] ?? '', '--message-file')
    if (f.hex) message = message.trim()
    return this.sign('sign.message', {
      wallet: f.wallet,
      ...(f.network === undefined ? {} : { network: f.network }),
      message,
      encoding: f.hex ? 'hex' : 'utf8',
    })
  }
}

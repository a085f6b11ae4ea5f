import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../lib/base-command.js'
import type { Input, Wallet } from '../../lib/contract.js'
import { WaiaasError } from '../../lib/errors.js'
import { readSecretFile } from '../../lib/secrets.js'
import { walletFields } from '../../lib/wallet-render.js'

const SOURCES = ['private-key-file', 'keystore-file', 'mnemonic-file', 'keypair-file'] as const

export default class WalletImport extends BaseCommand {
  static override description = 'Import a wallet from a file: EVM private key, keystore v3 or mnemonic; Solana keypair JSON or mnemonic'
  static override examples = [
    '<%= config.bin %> wallet import --private-key-file ./key.txt --name hot',
    '<%= config.bin %> wallet import --keystore-file ./keystore.json --keystore-password-file ./ks-pass.txt',
    '<%= config.bin %> wallet import --chain evm --mnemonic-file ./words.txt --index 2',
    '<%= config.bin %> wallet import --keypair-file ~/.config/solana/id.json',
    '<%= config.bin %> wallet import --chain solana --mnemonic-file ./words.txt',
  ]
  static override flags = {
    ...passwordFlags,
    'private-key-file': Flags.string({ description: 'EVM: a file holding a hex private key', exactlyOne: [...SOURCES] }),
    'keystore-file': Flags.string({ description: 'EVM: a Web3 Secret Storage (keystore v3) JSON file', exactlyOne: [...SOURCES] }),
    'keystore-password-file': Flags.string({ description: "The keystore's own password (else a prompt on a terminal)", dependsOn: ['keystore-file'] }),
    'mnemonic-file': Flags.string({ description: "A BIP-39 mnemonic; EVM m/44'/60'/0'/0/i, Solana m/44'/501'/i'/0'", exactlyOne: [...SOURCES] }),
    'keypair-file': Flags.string({ description: 'Solana: a keypair JSON file (the 64-byte array of solana-keygen)', exactlyOne: [...SOURCES] }),
    chain: Flags.option({ options: ['evm', 'solana'] as const, description: 'Chain family (needed with --mnemonic-file)' })(),
    index: Flags.integer({ description: 'Account index i in the derivation path (mnemonic only)', default: 0, min: 0, max: 2 ** 31 - 1 }),
    name: Flags.string({ description: 'A unique name for the wallet' }),
  }

  protected override async exec(): Promise<Wallet> {
    const f = this.flags as Record<string, string | number | undefined>
    const source = SOURCES.find((s) => f[s] !== undefined) ?? 'private-key-file'
    const format = ({ 'private-key-file': 'private-key', 'keystore-file': 'keystore', 'mnemonic-file': 'mnemonic', 'keypair-file': 'keypair' } as const)[source]
    const implied = format === 'keypair' ? 'solana' : format === 'mnemonic' ? undefined : 'evm'
    const chain = (f.chain as 'evm' | 'solana' | undefined) ?? implied
    if (chain === undefined) throw new WaiaasError('USAGE', '--mnemonic-file needs --chain evm or --chain solana', { details: { flag: '--chain' } })
    if (implied !== undefined && chain !== implied) {
      throw new WaiaasError('USAGE', `--${source} is for ${implied} wallets, not ${chain}`, { details: { flag: '--chain' } })
    }
    const params: Input<'wallet.import'> = { chain, format, secret: readSecretFile(f[source] as string, `--${source}`), index: f.index as number }
    if (format === 'keystore') params.keystorePassword = (await this.secretFromFlagOrPrompt('keystore-password-file', 'Keystore password')) ?? ''
    if (f.name !== undefined) params.name = f.name as string
    const password = await this.operatorPassword()
    const client = await this.daemon()
    return this.spin(
      () => 'Importing',
      (start) => {
        if (format === 'keystore') start()
        return client.call('wallet.import', params, { password })
      },
    )
  }

  protected override render(w: Wallet): void {
    this.log(walletFields(w))
  }
}

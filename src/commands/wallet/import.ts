import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Input, Wallet } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { chainOfPrivateKey } from '../../cli/key-file-chain.js'
import { readSecretFile } from '../../lib/secrets.js'
import { walletFields } from '../../cli/wallet-render.js'

const SOURCES = ['private-key-file', 'keystore-file', 'mnemonic-file', 'keypair-file'] as const

export default class WalletImport extends BaseCommand<typeof WalletImport> {
  static override summary = 'Import a wallet from a file: a private key, keystore v3, Solana keypair JSON or BIP-39 mnemonic'
  static override description =
    'Secrets are read from files only, never from arguments. --private-key-file takes an EVM hex key or a Solana base58 ' +
    "secret key (Phantom's export; the chain is told by its shape). A mnemonic derives on the standard path of account " +
    "--index (EVM m/44'/60'/0'/0/i as MetaMask; Solana m/44'/501'/i'/0' as Phantom), or on --derivation-path; for Solana " +
    "`--derivation-path none` derives as solana-keygen does without a path (the seed's first 32 bytes). A BIP-39 " +
    'passphrase comes from --passphrase-file.'
  static override examples = [
    '<%= config.bin %> wallet import --private-key-file ./key.txt --name hot',
    '<%= config.bin %> wallet import --private-key-file ./phantom-key.txt --name phantom',
    '<%= config.bin %> wallet import --keystore-file ./keystore.json --keystore-password-file ./ks-pass.txt',
    '<%= config.bin %> wallet import --chain evm --mnemonic-file ./words.txt --index 2',
    '<%= config.bin %> wallet import --keypair-file ~/.config/solana/id.json',
    '<%= config.bin %> wallet import --chain solana --mnemonic-file ./words.txt',
    '<%= config.bin %> wallet import --chain solana --mnemonic-file ./words.txt --derivation-path none --passphrase-file ./passphrase.txt',
    "<%= config.bin %> wallet import --chain evm --mnemonic-file ./words.txt --derivation-path \"m/44'/60'/1'/0/0\"",
  ]
  static override flags = {
    ...passwordFlags,
    'private-key-file': Flags.string({ description: "A file holding a private key: EVM hex, or Solana base58 (Phantom's export)", exactlyOne: [...SOURCES] }),
    'keystore-file': Flags.string({ description: 'EVM: a Web3 Secret Storage (keystore v3) JSON file', exactlyOne: [...SOURCES] }),
    'keystore-password-file': Flags.string({ description: "The keystore's own password (else a prompt on a terminal)", dependsOn: ['keystore-file'] }),
    'mnemonic-file': Flags.string({ description: "A BIP-39 mnemonic; EVM m/44'/60'/0'/0/i, Solana m/44'/501'/i'/0' unless --derivation-path", exactlyOne: [...SOURCES] }),
    'keypair-file': Flags.string({ description: "Solana: a keypair file (solana-keygen's JSON array of 64 bytes; base58 text is read too)", exactlyOne: [...SOURCES] }),
    chain: Flags.option({ options: ['evm', 'solana'] as const, description: 'Chain family (needed with --mnemonic-file)' })(),
    index: Flags.integer({ description: 'Account index i in the standard derivation path (mnemonic only; default 0)', min: 0, max: 2 ** 31 - 1, dependsOn: ['mnemonic-file'], exclusive: ['derivation-path'] }),
    'derivation-path': Flags.string({
      description: "Mnemonic only: a BIP-32 path such as m/44'/60'/0'/0/0 (' or h marks hardened; Solana: hardened only), or for Solana `none`: solana-keygen's default, no path",
      dependsOn: ['mnemonic-file'],
    }),
    'passphrase-file': Flags.string({ description: "Mnemonic only: a file holding the mnemonic's BIP-39 passphrase (the \"25th word\"), if it has one", dependsOn: ['mnemonic-file'] }),
    name: Flags.string({ description: 'A unique name for the wallet' }),
  }

  protected override async exec(): Promise<Wallet> {
    const f = this.flags
    const source = SOURCES.find((s) => f[s] !== undefined) ?? 'private-key-file'
    const format = ({ 'private-key-file': 'private-key', 'keystore-file': 'keystore', 'mnemonic-file': 'mnemonic', 'keypair-file': 'keypair' } as const)[source]
    const secret = readSecretFile(f[source] as string, `--${source}`)
    const implied = format === 'keypair' ? 'solana' : format === 'keystore' ? 'evm' : format === 'private-key' ? chainOfPrivateKey(secret) : undefined
    const chain = (f.chain as 'evm' | 'solana' | undefined) ?? implied
    if (chain === undefined) throw new WaiaasError('USAGE', '--mnemonic-file needs --chain evm or --chain solana', { details: { flag: '--chain' } })
    if (format !== 'mnemonic' && format !== 'private-key' && chain !== implied) {
      throw new WaiaasError('USAGE', `--${source} is for ${implied ?? ''} wallets, not ${chain}`, { details: { flag: '--chain' } })
    }
    const params: Input<'wallet.import'> = { chain, format, secret }
    if (f.index !== undefined) params.index = f.index as number
    if (f['derivation-path'] !== undefined) params.derivationPath = f['derivation-path'] as string
    if (f['passphrase-file'] !== undefined) params.passphrase = readSecretFile(f['passphrase-file'] as string, '--passphrase-file')
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

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Output, Wallet } from '../../lib/contract/index.js'
import { assertOutputPath, writeSecretFile } from '../../lib/paths.js'

interface Exported {
  wallet: Wallet
  format: Output<'wallet.export'>['format']
  file: string
}

export default class WalletExport extends BaseCommand<typeof WalletExport> {
  static override description = 'Export a private key to a 0600 file: EVM as keystore v3 (scrypt), Solana as a keypair JSON. Never printed.'
  static override examples = [
    '<%= config.bin %> wallet export treasury --out ./treasury.json --export-password-file ./ks-pass.txt --yes',
    '<%= config.bin %> wallet export sol-hot --out ./id.json --yes',
  ]
  static override args = { wallet: Args.string({ required: true, description: 'Wallet id or name' }) }
  static override flags = {
    ...passwordFlags,
    out: Flags.string({ required: true, description: 'File to write (mode 0600); refused if it exists unless --yes' }),
    'export-password-file': Flags.string({ description: 'EVM: password that encrypts the keystore file (else a prompt on a terminal)' }),
    yes: Flags.boolean({ char: 'y', description: 'Export (and overwrite --out) without asking' }),
  }

  protected override async exec(): Promise<Exported> {
    const out = this.flags.out
    const client = await this.daemon()
    const wallet = await client.call('wallet.show', { wallet: this.args.wallet })
    // Check the target before the key leaves the daemon, so a bad path exports (and audits) nothing.
    assertOutputPath(out, { overwrite: this.flags.yes === true })
    await this.confirm(`Export the private key of ${wallet.name} (${wallet.address}) to ${out}?`)
    const exportPassword = wallet.chain === 'evm' ? await this.secretFromFlagOrPrompt('export-password-file', 'Password for the keystore file', { confirm: true }) : undefined
    const password = await this.operatorPassword()
    const result = await this.spin(
      () => 'Encrypting the export',
      (start) => {
        if (wallet.chain === 'evm') start()
        return client.call('wallet.export', { wallet: wallet.id, ...(exportPassword === undefined ? {} : { exportPassword }) }, { password })
      },
    )
    writeSecretFile(out, result.content, { overwrite: this.flags.yes === true })
    return { wallet: result.wallet, format: result.format, file: out }
  }

  protected override render(d: Exported): void {
    this.log(`Exported ${d.wallet.name} (${d.wallet.address}) as ${d.format} to ${d.file} (mode 0600).`)
  }
}

import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../cli/base-command.js'
import type { Output } from '../lib/contract/index.js'
import { WaiaasError } from '../lib/errors.js'
import { fields } from '../cli/render.js'
import { passwordFromSources, recoveryKeyWarning } from '../lib/secrets.js'

const MIN = 12

export default class Init extends BaseCommand<typeof Init> {
  static override description = 'Create the data directory and database and set the master password'
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --password-file ./master.txt --json',
    '<%= config.bin %> init --auto-provision',
  ]
  static override flags = {
    ...passwordFlags,
    'auto-provision': Flags.boolean({ description: 'Generate a strong random master password and store it in recovery.key (0600)' }),
  }

  protected override async exec(): Promise<Output<'vault.init'> & { dataDir: string; warnings: string[] }> {
    // Setting the master password is the operator's act: never as an agent session.
    this.assertNoSession()
    const auto = this.flags['auto-provision'] === true
    const client = await this.daemon()
    // Ask the daemon first, so nobody types a new password twice only to learn the directory is initialised.
    if ((await client.call('system.status', {})).initialized) {
      throw new WaiaasError('ALREADY_INITIALIZED', `${this.paths.dataDir} is already initialised`, { details: { dataDir: this.paths.dataDir } })
    }
    let password: string | undefined
    if (!auto) {
      const found = passwordFromSources({ file: this.flags['password-file'], env: this.env })
      password =
        found?.password ??
        (await this.askSecret('New master password', '--password-file', {
          confirm: true,
          validate: (v) => ([...v].length >= MIN ? true : `Use at least ${MIN} characters`),
        }))
    } else if (this.flags['password-file'] !== undefined) {
      throw new WaiaasError('USAGE', '--auto-provision generates the password; do not pass --password-file too', { details: { flag: '--password-file' } })
    }
    const result = await this.spin(
      () => 'Deriving the key-encryption key',
      (start) => {
        start()
        return client.call('vault.init', password === undefined ? { autoProvision: auto } : { password, autoProvision: auto })
      },
    )
    return { ...result, dataDir: this.paths.dataDir, warnings: result.recoveryKeyFile === null ? [] : [recoveryKeyWarning(result.recoveryKeyFile)] }
  }

  protected override render(d: Output<'vault.init'> & { dataDir: string; warnings: string[] }): void {
    this.log(`Initialised ${d.dataDir}`)
    if (d.autoProvisioned) {
      this.log(`A master password was generated and stored in ${d.recoveryKeyFile} (mode 0600).`)
      this.log('Keep a copy somewhere safe; change it any time with `waiaas password change`.')
    }
    for (const w of d.warnings) this.warning(w)
    this.log(fields([['kdf', `${d.kdf.name} N=2^${Math.log2(d.kdf.N)} r=${d.kdf.r} p=${d.kdf.p}`]]))
    this.log('Next: `waiaas wallet create --chain evm`')
  }
}

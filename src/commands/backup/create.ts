import path from 'node:path'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Input, Output } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'
import { assertOutputPath } from '../../lib/paths.js'

export default class BackupCreate extends BaseCommand<typeof BackupCreate> {
  static override summary = 'Make an encrypted backup while the daemon runs'
  static override description =
    'A consistent snapshot of the database (taken while requests keep running) and prices.json, in one file encrypted and ' +
    'authenticated as a whole under a key stretched from the master password. Restore it with `waiaas backup restore`, ' +
    'with the password that was in use when it was made. Default: <data dir>/backups/waiaas-<UTC time>.wbak (0600).'
  static override examples = ['<%= config.bin %> backup create', '<%= config.bin %> backup create --out /mnt/usb/waiaas.wbak']
  static override flags = {
    ...passwordFlags,
    out: Flags.string({ char: 'o', description: 'Write the backup to this new file (mode 0600) instead of <data dir>/backups/' }),
    encrypt: Flags.boolean({ description: 'Backups are always encrypted; accepted so `backup create --encrypt` works (--no-encrypt is refused)', allowNo: true }),
  }

  protected override async exec(): Promise<Output<'backup.create'>> {
    if (this.flags.encrypt === false) {
      throw new WaiaasError('USAGE', 'Backups are always encrypted: they hold your encrypted keys and the audit log', {
        details: { flag: '--no-encrypt' },
        hint: 'Drop --no-encrypt; `waiaas backup inspect FILE` shows what a backup holds without its secrets.',
      })
    }
    const out = this.flags.out
    const params: Input<'backup.create'> = {}
    if (out !== undefined) {
      assertOutputPath(out)
      params.out = path.resolve(out)
    }
    return this.operatorCall('backup.create', params)
  }

  protected override render(r: Output<'backup.create'>): void {
    this.log(`Backup written to ${r.file} (${r.bytes} bytes): ${r.walletCount} wallet(s), schema ${r.schemaVersion}, audit head #${r.auditHead.seq}.`)
    this.log('Restoring it needs the master password in use now.')
  }
}

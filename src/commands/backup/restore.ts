import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { RestoreResult } from '../../daemon/backup/restore.js'

type Data = RestoreResult & { file: string; dataDir: string }

export default class BackupRestore extends BaseCommand<typeof BackupRestore> {
  static override summary = 'Restore a backup into the data directory (daemon stopped)'
  static override description =
    'Verifies the file, the password (the master password in use when the backup was made), the schema version and the ' +
    'database inside before touching anything. Then moves the current database (and -wal, -shm, prices.json) aside to ' +
    '<data dir>/restore-backup-<time>/, moves the restored one in and opens it once (an older schema is migrated). ' +
    'Nothing is deleted: the replaced data stays aside. Refuses while the daemon runs (BACKUP_DAEMON_RUNNING): stop it first.'
  static override examples = ['<%= config.bin %> daemon stop && <%= config.bin %> backup restore ./waiaas-20250101T000000Z.wbak --yes']
  static override args = { file: Args.string({ description: 'The backup file', required: true }) }
  static override flags = {
    ...passwordFlags,
    yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation' }),
  }

  protected override async exec(): Promise<Data> {
    const file = this.args.file
    await this.confirm(`Replace the database in ${this.paths.dataDir} with ${file}`)
    const password = await this.operatorPassword()
    const { restoreBackup } = await import('../../daemon/backup/restore.js')
    const r = await restoreBackup(this.paths, file, password)
    return { ...r, file, dataDir: this.paths.dataDir }
  }

  protected override render(d: Data): void {
    this.log(`Restored ${d.file} (made ${d.restored.createdAt}, ${d.restored.walletCount} wallet(s)) into ${d.dataDir}.`)
    if (d.previousDataDir !== null) this.log(`The data it replaced is kept in ${d.previousDataDir}; delete it when you no longer need it.`)
    this.log('Start the daemon and unlock with the master password that was in use when the backup was made.')
  }
}

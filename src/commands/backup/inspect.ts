import * as Args from '@oclif/core/args'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { BackupMeta } from '../../daemon/backup/format.js'

type Data = { file: string; verified: true; meta: BackupMeta; supported: boolean }

export default class BackupInspect extends BaseCommand<typeof BackupInspect> {
  static override summary = 'Verify a backup and show what it holds (no secrets)'
  static override description =
    'Checks the whole file (integrity and password) and the database inside it, then prints its metadata: when and by ' +
    'which version it was made, its schema version, wallet count, audit head and files. Works with the daemon stopped. ' +
    'Fails with BACKUP_INVALID (damaged or truncated), BACKUP_BAD_PASSWORD or BACKUP_SCHEMA_TOO_NEW.'
  static override examples = ['<%= config.bin %> backup inspect ~/.waiaas/backups/waiaas-20250101T000000Z.wbak']
  static override args = { file: Args.string({ description: 'The backup file', required: true }) }
  static override flags = { ...passwordFlags }

  protected override async exec(): Promise<Data> {
    const file = this.args.file
    const password = await this.operatorPassword()
    const { verifyBackupFile } = await import('../../daemon/backup/restore.js')
    const { meta } = await verifyBackupFile(file, password)
    return { file, verified: true, meta, supported: true }
  }

  protected override render(d: Data): void {
    const m = d.meta
    this.log(`Backup ${d.file}: verified`)
    this.log(`  created     ${m.createdAt} by waiaas ${m.waiaasVersion}`)
    this.log(`  data dir    ${m.dataDirName}`)
    this.log(`  schema      ${m.schemaVersion}`)
    this.log(`  wallets     ${m.walletCount}`)
    this.log(`  audit head  #${m.auditHead.seq} ${m.auditHead.hash.slice(0, 16)}…`)
    this.log(`  files       ${m.files.map((f) => `${f.name} (${f.bytes} bytes)`).join(', ')}`)
  }
}

import { BaseCommand } from '../../cli/base-command.js'
import { table, type Column } from '../../cli/render.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'
import { listBackupFiles } from '../../lib/backup-files.js'

/** FILE (the full path) only when asked for with --columns. */
const COLUMNS: readonly Column[] = [['modifiedAt', 'TIME'], ['bytes', 'BYTES'], ['name', 'NAME'], ['file', 'FILE']]

type Data = { dir: string; backups: { file: string; name: string; bytes: number; modifiedAt: string }[] }

export default class BackupList extends BaseCommand<typeof BackupList> {
  static override summary = 'List the backups in <data dir>/backups'
  static override description =
    'File facts only (name, size, time), oldest first: reading what is inside a backup needs the password (`waiaas backup inspect FILE`).'
  static override examples = ['<%= config.bin %> backup list', '<%= config.bin %> backup list --json', '<%= config.bin %> backup list --columns time,name --csv']
  static override flags = { ...tableFlags(COLUMNS) }

  protected override async exec(): Promise<Data> {
    const dir = this.paths.backups
    return { dir, backups: listBackupFiles(dir).map((b) => ({ file: b.file, name: b.name, bytes: b.bytes, modifiedAt: b.modifiedAt.toISOString() })) }
  }

  protected override render(d: Data): void {
    const opts = tableOptions(this.flags)
    this.log(table(d.backups, opts.columns === undefined ? COLUMNS.slice(0, 3) : COLUMNS, `No backups in ${d.dir}. Make one with \`waiaas backup create\`.`, opts))
  }
}

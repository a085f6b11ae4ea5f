import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { WaiaasError } from '../lib/errors.js'
import type { CommandFlags } from '../cli/base-command.js'
import BackupRestore from './backup/restore.js'

/** WAIaaS's `restore --from FILE [--force]`: our `backup restore FILE [--yes]`, which the alias note names. */
export default class Restore extends BackupRestore {
  static override hidden = true
  static aliasOf = 'backup:restore'
  static override summary = 'WAIaaS\'s `restore`: runs `waiaas backup restore` (--from FILE, --force)'
  static override description = 'Takes the backup file as an argument or as --from, and --force for --yes. See `waiaas backup restore --help`.'
  static override examples = ['<%= config.bin %> restore --from ./waiaas-20250101T000000Z.wbak --force']
  // Optional here (--from may give it); the cast only widens the static type the subclass must match.
  static override args = { file: Args.string({ description: 'The backup file (or --from)', required: false }) } as unknown as typeof BackupRestore.args
  static override flags = {
    ...BackupRestore.flags,
    from: Flags.string({ description: 'The backup file (WAIaaS spelling)' }),
    yes: Flags.boolean({ char: 'y', aliases: ['force'], description: 'Do not ask for confirmation (--force too)' }),
  }

  /** This alias's own flags (--from), on top of those of `backup restore`. */
  protected declare flags: CommandFlags<typeof Restore>

  protected override async exec(): ReturnType<BackupRestore['exec']> {
    const file = this.args.file ?? this.flags.from
    if (file === undefined) throw new WaiaasError('USAGE', 'Name the backup file: `waiaas restore --from FILE`', { details: { flag: '--from' }, hint: 'See `waiaas backup restore --help`; `waiaas backup list` lists the backups.' })
    this.args = { ...this.args, file }
    return super.exec()
  }
}

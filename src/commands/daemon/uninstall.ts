import fs from 'node:fs'
import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import { WaiaasError } from '../../lib/errors.js'
import { disableCommand, unitPath, type ServiceKind } from '../../cli/service-unit.js'

interface Removed {
  removed: { kind: ServiceKind; file: string; disable: string }[]
}

export default class DaemonUninstall extends BaseCommand<typeof DaemonUninstall> {
  static override description = 'Remove the user service written by `daemon install` (stop it first with the command it prints)'
  static override examples = ['<%= config.bin %> daemon uninstall', '<%= config.bin %> daemon uninstall --systemd --json']
  static override flags = {
    systemd: Flags.boolean({ description: 'Only the systemd user unit', exclusive: ['launchd'] }),
    launchd: Flags.boolean({ description: 'Only the launchd agent', exclusive: ['systemd'] }),
  }

  protected override async exec(): Promise<Removed> {
    const kinds: ServiceKind[] = this.flags.systemd === true ? ['systemd'] : this.flags.launchd === true ? ['launchd'] : ['systemd', 'launchd']
    const removed: Removed['removed'] = []
    for (const kind of kinds) {
      const file = unitPath(kind)
      if (!fs.existsSync(file)) continue
      try {
        fs.rmSync(file)
      } catch (err) {
        throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot remove ${file}`, { details: { path: file, errno: (err as NodeJS.ErrnoException).code ?? null }, cause: err })
      }
      removed.push({ kind, file, disable: disableCommand(kind, file) })
    }
    return { removed }
  }

  protected override render(d: Removed): void {
    if (d.removed.length === 0) {
      this.log('No waiaas service unit is installed.')
      return
    }
    for (const r of d.removed) this.log(`Removed ${r.file}. If it is still loaded, stop it with:\n  ${r.disable}`)
  }
}

import fs from 'node:fs'
import path from 'node:path'
import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../../cli/base-command.js'
import { WaiaasError } from '../../lib/errors.js'
import { assertCanWrite, writeFileAtomic } from '../../lib/paths.js'
import { assertPasswordFile, enableCommand, launchdPlist, systemdUnit, unitPath, type ServiceKind } from '../../cli/service-unit.js'

interface Installed {
  kind: ServiceKind
  file: string
  dataDir: string
  passwordFile: string | null
  enable: string
}

export default class DaemonInstall extends BaseCommand<typeof DaemonInstall> {
  static override description = 'Write a user service (systemd or launchd) that starts the daemon at login, unlocked with the password in a file'
  static override examples = [
    '<%= config.bin %> daemon install --systemd --password-file ~/.config/waiaas/master_password',
    '<%= config.bin %> daemon install --launchd --password-file ~/.waiaas-password --json',
  ]
  static override flags = {
    systemd: Flags.boolean({ description: 'A systemd user unit: ~/.config/systemd/user/waiaas.service (the default on Linux)', exclusive: ['launchd'] }),
    launchd: Flags.boolean({ description: 'A launchd agent: ~/Library/LaunchAgents/dev.waiaas.daemon.plist (the default on macOS)', exclusive: ['systemd'] }),
    'password-file': Flags.string({
      description: 'The file the daemon reads the master password from at start (mode 0600; else WAIAAS_MASTER_PASSWORD_FILE). Without one it starts locked, unless auto-provisioned',
    }),
    yes: Flags.boolean({ description: 'Overwrite an existing unit' }),
  }

  protected override async exec(): Promise<Installed> {
    const kind: ServiceKind = this.flags.launchd === true ? 'launchd' : this.flags.systemd === true ? 'systemd' : process.platform === 'darwin' ? 'launchd' : 'systemd'
    const pwFlag = this.flags['password-file']
    const pwSource = pwFlag !== undefined ? '--password-file' : 'WAIAAS_MASTER_PASSWORD_FILE'
    const pw = pwFlag ?? this.env.masterPasswordFile
    const passwordFile = pw !== undefined ? assertPasswordFile(pw, pwSource) : undefined
    const file = unitPath(kind)
    assertCanWrite(file, { overwrite: this.flags.yes === true, hint: 'Pass --yes to overwrite it, or run `waiaas daemon uninstall` first.' })
    const spec = { node: process.execPath, bin: path.join(this.config.root, 'bin', 'run.js'), dataDir: this.paths.dataDir, passwordFile }
    const text = kind === 'systemd' ? systemdUnit(spec) : launchdPlist(spec)
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 })
    } catch (err) {
      throw new WaiaasError('INPUT_FILE_UNREADABLE', `Cannot write ${file}`, { details: { path: file, errno: (err as NodeJS.ErrnoException).code ?? null }, cause: err })
    }
    writeFileAtomic(file, text, { mode: 0o644, overwrite: true })
    return { kind, file, dataDir: spec.dataDir, passwordFile: passwordFile ?? null, enable: enableCommand(kind, file) }
  }

  protected override render(d: Installed): void {
    this.log(`Wrote ${d.file}.`)
    if (d.passwordFile === null) this.log('No password file: the daemon will start locked (unless the data directory was auto-provisioned).')
    this.log(`Start it now and at every login with:\n  ${d.enable}`)
  }
}

import * as Args from '@oclif/core/args'
import { BaseCommand } from '../../cli/base-command.js'
import { daemonRunning, fileSetting } from '../../cli/config-view.js'
import { readConfigFile, writeConfigFile } from '../../lib/env.js'
import { WaiaasError } from '../../lib/errors.js'
import { ensureDataDirs } from '../../lib/paths.js'
import { parseSetting } from '../../lib/settings.js'

export interface ConfigChange {
  key: string
  value: string | number | boolean | null
  file: string
  /** The environment variable that overrides the file, when it is set now. */
  overriddenBy: string | null
  /** True when a running daemon reads this setting at start only. */
  restartRequired: boolean
}

export default class ConfigSet extends BaseCommand<typeof ConfigSet> {
  static override description = 'Set a setting in the config file (<data dir>/config.json, mode 0600) after validating it; the daemon reads the file at start'
  static override examples = ['<%= config.bin %> config set log.level debug', '<%= config.bin %> config set pipeline.tickMs 1000']
  static override args = {
    key: Args.string({ required: true, description: 'The setting, e.g. log.level (`waiaas config list` shows them all)' }),
    value: Args.string({ required: true, description: 'Its new value' }),
  }

  protected override async exec(): Promise<ConfigChange> {
    const key = this.args.key
    const s = fileSetting(key)
    const r = parseSetting(s, this.args.value)
    if (!r.ok) throw new WaiaasError('CONFIG_INVALID', `${key} ${r.reason}`, { details: { key, accepts: r.reason } })
    ensureDataDirs(this.paths)
    const file = readConfigFile(this.paths.config)
    file[key] = r.value
    writeConfigFile(this.paths.config, file)
    return changeResult(this.paths, s.readBy, key, r.value, s.env)
  }

  protected override render(c: ConfigChange): void {
    this.log(`${c.key} = ${String(c.value)} (in ${c.file})`)
    renderNotes(this, c)
  }
}

export function changeResult(paths: { config: string; pidFile: string }, readBy: 'daemon' | 'cli', key: string, value: ConfigChange['value'], env: string): ConfigChange {
  const raw = process.env[env]
  return {
    key,
    value,
    file: paths.config,
    overriddenBy: raw !== undefined && raw !== '' ? env : null,
    restartRequired: readBy === 'daemon' && daemonRunning(paths as Parameters<typeof daemonRunning>[0]),
  }
}

export function renderNotes(cmd: { log(msg: string): void }, c: ConfigChange): void {
  if (c.overriddenBy !== null) cmd.log(`Note: ${c.overriddenBy} is set in this environment and wins over the file.`)
  if (c.restartRequired) cmd.log('The daemon reads this at start: restart the daemon to apply (`waiaas daemon stop`, then any command starts it).')
}

import * as Args from '@oclif/core/args'
import { BaseCommand } from '../../cli/base-command.js'
import { fileSetting } from '../../cli/config-view.js'
import { readConfigFile, writeConfigFile } from '../../lib/env.js'
import { changeResult, renderNotes, type ConfigChange } from './set.js'

export default class ConfigUnset extends BaseCommand<typeof ConfigUnset> {
  static override description = 'Remove a setting from the config file, so its environment variable or default applies'
  static override examples = ['<%= config.bin %> config unset log.level']
  static override args = { key: Args.string({ required: true, description: 'The setting, e.g. log.level' }) }

  protected override async exec(): Promise<ConfigChange & { removed: boolean }> {
    const key = this.args.key
    const s = fileSetting(key)
    const file = readConfigFile(this.paths.config)
    const removed = Object.hasOwn(file, key)
    if (removed) {
      delete file[key]
      writeConfigFile(this.paths.config, file)
    }
    const change = changeResult(this.paths, s.readBy, key, s.default, s.env)
    return { ...change, restartRequired: removed && change.restartRequired, removed }
  }

  protected override render(c: ConfigChange & { removed: boolean }): void {
    this.log(c.removed ? `${c.key} removed from ${c.file}; the default (${String(c.value)}) applies` : `${c.key} was not set in ${c.file}`)
    renderNotes(this, c)
  }
}

import * as Args from '@oclif/core/args'
import { BaseCommand } from '../../cli/base-command.js'
import { viewSetting, type SettingView } from '../../cli/config-view.js'
import { readConfigFile } from '../../lib/env.js'
import { WaiaasError } from '../../lib/errors.js'
import { closeKeys, findSetting } from '../../lib/settings.js'

export default class ConfigGet extends BaseCommand<typeof ConfigGet> {
  static override description = 'Show one setting: its value in force, where it comes from, its default and its environment variable'
  static override examples = ['<%= config.bin %> config get log.level', '<%= config.bin %> config get pipeline.tickMs --json']
  static override args = { key: Args.string({ required: true, description: 'The setting, e.g. log.level (`waiaas config list` shows them all)' }) }

  protected override async exec(): Promise<SettingView> {
    const key = this.args.key
    const s = findSetting(key)
    if (s === undefined) {
      const close = closeKeys(key)
      throw new WaiaasError('CONFIG_KEY_UNKNOWN', `Unknown setting "${key}"${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''}`, { details: { key, closeKeys: close } })
    }
    return viewSetting(s, process.env, readConfigFile(this.paths.config))
  }

  protected override render(v: SettingView): void {
    const value = v.secret ? (v.source === 'env' ? '(set, hidden)' : '(not set)') : v.value === null ? '(not set)' : String(v.value)
    this.log(`${v.key} = ${value}  (${v.source}; default ${v.default === null ? 'none' : String(v.default)}; ${v.env})`)
  }
}

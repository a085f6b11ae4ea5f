import * as Args from '@oclif/core/args'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { PluginStatus } from '../../lib/contract/index.js'
import { PLUGIN_NAMES } from '../../lib/plugin-names.js'
import { pluginState } from '../../cli/plugin-render.js'

export default class PluginDisable extends BaseCommand<typeof PluginDisable> {
  static override description = 'Disable an HTTP plugin now and at every daemon start; the HTTP server stops when no plugin needs it'
  static override examples = ['<%= config.bin %> plugin disable rest', '<%= config.bin %> plugin disable mcp-http --password-file ./pw.txt --json']
  static override args = { name: Args.string({ required: true, description: 'The plugin', options: [...PLUGIN_NAMES] }) }
  static override flags = { ...passwordFlags }

  protected override async exec(): Promise<PluginStatus> {
    return this.operatorCall('plugin.disable', { name: this.args.name })
  }

  protected override render(p: PluginStatus): void {
    this.log(`${p.name}: ${pluginState(p)}`)
  }
}

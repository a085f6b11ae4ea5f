import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { PLUGIN_COLUMNS, pluginTable } from '../../cli/plugin-render.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'

export default class PluginList extends BaseCommand<typeof PluginList> {
  static override description = 'List the HTTP plugins (rest, mcp-http): enabled or not, their address, and where they listen'
  static override examples = ['<%= config.bin %> plugin list', '<%= config.bin %> plugin list --json']
  static override flags = { ...tableFlags(PLUGIN_COLUMNS) }

  protected override async exec(): Promise<Output<'plugin.list'>> {
    const client = await this.daemon()
    return client.call('plugin.list', {})
  }

  protected override render(d: Output<'plugin.list'>): void {
    this.log(pluginTable(d.plugins, tableOptions(this.flags)))
  }
}

import { BaseCommand } from '../../lib/base-command.js'
import type { Output } from '../../lib/contract.js'
import { pluginTable } from '../../lib/plugin-render.js'

export default class PluginList extends BaseCommand {
  static override description = 'List the HTTP plugins (rest, mcp-http): enabled or not, their address, and where they listen'
  static override examples = ['<%= config.bin %> plugin list', '<%= config.bin %> plugin list --json']

  protected override async exec(): Promise<Output<'plugin.list'>> {
    const client = await this.daemon()
    return client.call('plugin.list', {})
  }

  protected override render(d: Output<'plugin.list'>): void {
    this.log(pluginTable(d.plugins))
  }
}

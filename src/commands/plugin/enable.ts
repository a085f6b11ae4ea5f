import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand, passwordFlags } from '../../cli/base-command.js'
import type { Input, PluginStatus } from '../../lib/contract/index.js'
import { PLUGIN_NAMES } from '../../lib/plugin-names.js'
import { pluginState } from '../../cli/plugin-render.js'

export default class PluginEnable extends BaseCommand<typeof PluginEnable> {
  static override description =
    'Enable an HTTP plugin now and at every daemon start: rest (the contract as REST under /v1, OpenAPI at /v1/openapi.json) or ' +
    'mcp-http (MCP over Streamable HTTP at /mcp). Both share one server, 127.0.0.1:3100 by default; /health needs no credential. ' +
    'An address outside loopback is refused unless --allow-non-loopback.'
  static override examples = [
    '<%= config.bin %> plugin enable rest',
    '<%= config.bin %> plugin enable rest --port 3200 --password-file ./pw.txt --json',
    '<%= config.bin %> plugin enable mcp-http',
  ]
  static override args = { name: Args.string({ required: true, description: 'The plugin', options: [...PLUGIN_NAMES] }) }
  static override flags = {
    ...passwordFlags,
    host: Flags.string({ description: 'Address to listen on (default 127.0.0.1)' }),
    port: Flags.integer({ description: 'Port to listen on (default 3100; 0: any free port)', min: 0, max: 65_535 }),
    'allow-non-loopback': Flags.boolean({ description: 'Allow a --host reachable from other machines (put TLS and a firewall in front)', allowNo: true }),
  }

  protected override async exec(): Promise<PluginStatus> {
    const f = this.flags
    const params: Input<'plugin.enable'> = { name: this.args.name }
    if (f.host !== undefined) params.host = f.host
    if (f.port !== undefined) params.port = f.port
    if (f['allow-non-loopback'] !== undefined) params.allowNonLoopback = f['allow-non-loopback']
    return this.operatorCall('plugin.enable', params)
  }

  protected override render(p: PluginStatus): void {
    this.log(`${p.name}: ${pluginState(p)}`)
  }
}

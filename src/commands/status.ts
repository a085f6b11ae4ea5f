import { BaseCommand } from '../lib/base-command.js'
import type { Output } from '../lib/contract.js'
import { pluginsLine } from '../lib/plugin-render.js'
import { fields } from '../lib/render.js'

export default class Status extends BaseCommand {
  static override description = 'Show the daemon, its version, whether it is locked, the data directory and the wallet count'
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json']

  protected override async exec(): Promise<Output<'system.status'>> {
    const client = await this.runningDaemon()
    return client.call('system.status', {})
  }

  protected override render(s: Output<'system.status'>): void {
    this.log(
      fields([
        ['daemon', `running (pid ${s.pid}, up ${Math.round(s.uptimeMs / 1000)} s${s.managed ? '' : ', supervised'})`],
        ['version', s.version],
        ['keystore', !s.initialized ? 'not initialised (run `waiaas init`)' : s.locked ? 'locked' : 'unlocked'],
        ['data dir', s.dataDir],
        ['socket', s.socket],
        ['wallets', s.walletCount],
        ['plugins', pluginsLine(s.plugins)],
      ]),
    )
  }
}

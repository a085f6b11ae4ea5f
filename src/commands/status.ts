import { BaseCommand } from '../cli/base-command.js'
import type { Output } from '../lib/contract/index.js'
import { pluginsLine } from '../cli/plugin-render.js'
import { preferencesFile } from '../cli/preferences.js'
import { preferencesPairs, preferencesView, type PreferencesView } from '../cli/preferences-render.js'
import { fields } from '../cli/render.js'

type Data = Output<'system.status'> & { preferences: PreferencesView }

export default class Status extends BaseCommand<typeof Status> {
  static override description =
    'Show the daemon, its version, whether it is locked, the data directory, the wallet count, and your defaults (`waiaas use`)'
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json']

  protected override async exec(): Promise<Data> {
    const client = await this.runningDaemon()
    const s = await client.call('system.status', {})
    return { ...s, preferences: preferencesView(this.preferences, this.paths.dataDir, preferencesFile(this.env)) }
  }

  protected override render(s: Data): void {
    this.log(
      fields([
        ['daemon', `running (pid ${s.pid}, up ${Math.round(s.uptimeMs / 1000)} s${s.managed ? '' : ', supervised'})`],
        ['version', s.version],
        ['keystore', !s.initialized ? 'not initialised (run `waiaas init`)' : s.locked ? 'locked' : 'unlocked'],
        ['data dir', s.dataDir],
        ['socket', s.socket],
        ['wallets', s.walletCount],
        ['plugins', pluginsLine(s.plugins)],
        ...preferencesPairs(s.preferences),
      ]),
    )
  }
}

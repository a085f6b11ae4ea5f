import { BaseCommand } from '../../cli/base-command.js'
import { viewAll, type SettingView } from '../../cli/config-view.js'
import { readConfigFile, readEnv } from '../../lib/env.js'
import { table, type Column } from '../../cli/render.js'
import { tableFlags, tableOptions } from '../../cli/table-flags.js'

const COLUMNS: readonly Column[] = [
  ['key', 'KEY'],
  ['value', 'VALUE'],
  ['source', 'SOURCE'],
  ['default', 'DEFAULT'],
  ['env', 'ENVIRONMENT'],
  ['description', 'DESCRIPTION'],
]

export default class ConfigList extends BaseCommand<typeof ConfigList> {
  static override description =
    'List every setting: its value and where it comes from (env, file or default), its default, its environment variable and what it does; secrets are never shown'
  static override examples = ['<%= config.bin %> config list', '<%= config.bin %> config list --json', '<%= config.bin %> config list --columns key,value,source']
  static override flags = { ...tableFlags(COLUMNS) }

  protected override async exec(): Promise<{ file: string; settings: SettingView[] }> {
    const file = readConfigFile(this.paths.config)
    readEnv(process.env, file) // validates every value: CONFIG_INVALID naming the key
    return { file: this.paths.config, settings: viewAll(process.env, file) }
  }

  protected override render(d: { file: string; settings: SettingView[] }): void {
    const show = (v: unknown): string => (v === null ? '-' : String(v))
    this.log(
      table(
        d.settings.map((s) => ({
          key: s.key,
          value: s.secret ? (s.source === 'env' ? '(set, hidden)' : '-') : show(s.value),
          source: s.source,
          default: show(s.default),
          env: s.env + (s.envOnly ? ' (env only)' : ''),
          description: s.description,
        })),
        COLUMNS,
        '(none)',
        tableOptions(this.flags),
      ),
    )
    if (this.flags.csv !== true) this.log(`\nConfig file: ${d.file} (the environment wins over it)`)
  }
}

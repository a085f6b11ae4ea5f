import { BaseCommand } from '../../cli/base-command.js'

const INSTALL = 'waiaas autocomplete script fish > ~/.config/fish/completions/waiaas.fish'

/** `autocomplete fish`: how to install the fish completions, as the plugin's `autocomplete bash` does for bash. */
export default class AutocompleteFish extends BaseCommand<typeof AutocompleteFish> {
  static override summary = 'Show how to set up completion in the fish shell'
  static override description = 'fish loads completions from ~/.config/fish/completions on its own: save the script there once (and again after an upgrade).'
  static override examples = ['<%= config.bin %> autocomplete fish']

  protected override async exec(): Promise<{ shell: 'fish'; command: string }> {
    return { shell: 'fish', command: INSTALL }
  }

  protected override render(d: { command: string }): void {
    this.log(`Set up waiaas completion in fish:\n\n  ${d.command}\n\nThen open a new fish and type \`waiaas <TAB>\`.`)
  }
}

import { BaseCommand } from '../../../cli/base-command.js'
import { fishCompletion } from '../../../cli/fish-completion.js'

/** `autocomplete script fish`: the plugin's `autocomplete script` knows bash, zsh and PowerShell; this adds fish. */
export default class AutocompleteScriptFish extends BaseCommand<typeof AutocompleteScriptFish> {
  /** Hidden like the plugin's own `autocomplete script`: `waiaas autocomplete fish` says how to use it. */
  static override hidden = true
  static override summary = 'Print the fish completion script'
  static override description =
    'Writes completions for every command, topic and flag, generated from this install. Save it where fish looks for ' +
    'completions; run it again after an upgrade. (bash, zsh, PowerShell: `waiaas autocomplete`.)'
  static override examples = ['<%= config.bin %> autocomplete script fish > ~/.config/fish/completions/waiaas.fish']

  protected override async exec(): Promise<{ shell: 'fish'; script: string }> {
    return { shell: 'fish', script: fishCompletion(this.config.bin, this.config.commands, this.config.topics) }
  }

  protected override render(d: { script: string }): void {
    process.stdout.write(d.script)
  }
}

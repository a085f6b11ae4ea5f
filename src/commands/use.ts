import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { BaseCommand } from '../cli/base-command.js'
import { WaiaasError } from '../lib/errors.js'
import { assertNotSecret, defaultsFor, OUTPUTS, preferencesFile, readPreferences, resetPreferences, writePreferences, type OutputStyle, type Preferences } from '../cli/preferences.js'
import { preferencesPairs, preferencesView, type PreferencesView } from '../cli/preferences-render.js'
import { fields } from '../cli/render.js'

export default class Use extends BaseCommand<typeof Use> {
  static override summary = 'Set your default wallet and network, and your preferred output'
  static override description =
    'send, call, approve, sign, balance, tx simulate and policy test use the default wallet and network when --wallet or --network ' +
    'is omitted; `status` shows them. They belong to the data directory they were set in, and the daemon is asked that the wallet ' +
    'and network exist. `use WALLET` without --network forgets the default network. --output json makes every command print its ' +
    'JSON envelope, as CI wants (--no-json: human output once). Preferences live in your config directory (WAIAAS_CONFIG_DIR moves ' +
    'them), written by conf, and never hold a secret. Without arguments, shows them.'
  static override examples = [
    '<%= config.bin %> use treasury --network base',
    '<%= config.bin %> use --network solana-local',
    '<%= config.bin %> use --output json',
    '<%= config.bin %> use --clear',
    '<%= config.bin %> use',
  ]
  static override args = { wallet: Args.string({ description: 'The default wallet (id or name)' }) }
  static override flags = {
    network: Flags.string({ char: 'n', description: 'The default network (CAIP-2 id or alias)', exclusive: ['clear', 'reset'] }),
    output: Flags.option({ description: 'Preferred output of every command', options: OUTPUTS, exclusive: ['reset'] })(),
    clear: Flags.boolean({ description: 'Forget the default wallet and network', exclusive: ['network', 'reset'] }),
    reset: Flags.boolean({ description: 'Remove the preferences file (every preference), e.g. after editing it by hand went wrong' }),
  }

  protected override async exec(): Promise<PreferencesView> {
    const f = this.flags
    const wallet = this.args.wallet
    if (wallet !== undefined && (f.clear === true || f.reset === true)) {
      throw new WaiaasError('USAGE', 'Give a WALLET or --clear/--reset, not both', { details: { flag: f.clear === true ? '--clear' : '--reset' } })
    }
    if (wallet !== undefined) assertNotSecret(wallet, 'WALLET')
    if (f.network !== undefined) assertNotSecret(f.network, '--network')
    const file = preferencesFile(this.env)
    const dataDir = this.paths.dataDir
    if (f.reset === true) {
      resetPreferences(this.env)
      return preferencesView({}, dataDir, file)
    }
    const prefs = readPreferences(this.env)
    const change: { output?: OutputStyle; defaults?: Preferences['defaults'] | null } = {}
    if (f.output !== undefined) change.output = f.output
    if (f.clear === true) change.defaults = null
    else if (wallet !== undefined || f.network !== undefined) change.defaults = await this.checkedDefaults(prefs, dataDir, wallet, f.network)
    if (Object.keys(change).length === 0) return preferencesView(prefs, dataDir, file)
    await writePreferences(this.env, change)
    return preferencesView(readPreferences(this.env), dataDir, file)
  }

  /** The new defaults, after asking the daemon that the wallet and network exist and go together. */
  private async checkedDefaults(prefs: Preferences, dataDir: string, wallet: string | undefined, network: string | undefined): Promise<NonNullable<Preferences['defaults']>> {
    const client = await this.daemon()
    const current = defaultsFor(prefs, dataDir)
    const w = await (wallet !== undefined ? client.call('wallet.show', { wallet }) : current.wallet === undefined ? undefined : client.call('wallet.show', { wallet: current.wallet.id }))
    const out: NonNullable<Preferences['defaults']> = { dataDir }
    if (w !== undefined) out.wallet = { id: w.id, name: w.name }
    if (network !== undefined) {
      const { networks } = await client.call('network.list', {})
      const n = networks.find((x) => x.id === network || x.aliases.includes(network.toLowerCase()))
      if (n === undefined) {
        throw new WaiaasError('NETWORK_UNKNOWN', `Unknown network "${network.slice(0, 64)}"`, { details: { network: network.slice(0, 64) } })
      }
      if (w !== undefined && n.family !== w.chain) {
        throw new WaiaasError('NETWORK_MISMATCH', `${n.id} is ${n.family === 'evm' ? 'an EVM' : 'a Solana'} network and ${w.name} ${w.chain === 'evm' ? 'an EVM' : 'a Solana'} wallet`, { details: { network: n.id, wallet: w.name, chain: w.chain } })
      }
      out.network = n.id
    }
    return out
  }

  protected override render(v: PreferencesView): void {
    this.log(fields([...preferencesPairs(v), ['file', v.file]]))
  }
}

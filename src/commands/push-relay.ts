import type { ParserOutput } from '@oclif/core/interfaces'
import { BaseCommand } from '../cli/base-command.js'
import { WaiaasError } from '../lib/errors.js'

// oclif's FlagOutput / ArgOutput, which its public entry points do not export.
type Out = { [name: string]: any }

/**
 * The seed's second compose service runs `push-relay`. It is not built yet: this says so with a stable code
 * (FEATURE_UNAVAILABLE, exit 1), whatever arguments it is given, instead of an argument error.
 */
export default class PushRelay extends BaseCommand<typeof PushRelay> {
  static override summary = 'Relay events to phones (web push, FCM): not yet available'
  static override description =
    'WAIaaS runs this as the second service of its compose file. waiaas does not have it yet: the command fails with ' +
    'FEATURE_UNAVAILABLE (exit 1). Meanwhile `waiaas notify add` sends the same events to Telegram, Slack, Discord, ntfy ' +
    '(which has phone apps) or a signed webhook.'
  static override examples = ['<%= config.bin %> push-relay', '<%= config.bin %> notify add ntfy --server https://ntfy.sh --topic my-wallet-alerts']
  static override strict = false

  /**
   * Whatever the arguments and flags (a compose file may pass WAIaaS's), the answer is FEATURE_UNAVAILABLE, so parsing
   * never fails. (The cast: oclif's parse is generic; the base class reads only `flags.json` and `args` of it.)
   */
  protected override async parse<F extends Out, B extends Out, A extends Out>(): Promise<ParserOutput<F, B, A>> {
    return { flags: { json: this.argv.includes('--json') }, args: {}, argv: [], raw: [], metadata: { flags: {} }, nonExistentFlags: [] } as unknown as ParserOutput<F, B, A>
  }

  protected override async exec(): Promise<never> {
    throw new WaiaasError('FEATURE_UNAVAILABLE', 'The push relay is not yet available in waiaas', {
      details: { feature: 'push-relay', instead: 'waiaas notify add' },
      hint: 'Not yet available. For notifications on a phone meanwhile, add an ntfy or Telegram channel: `waiaas notify add ntfy --server https://ntfy.sh --topic TOPIC` (see `waiaas notify add --help`).',
    })
  }
}

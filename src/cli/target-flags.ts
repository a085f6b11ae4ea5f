/**
 * The `--wallet` and `--network` flags of the commands that act on one wallet (send, call, approve, sign, balance,
 * tx simulate, policy test). Defined once here so the defaults set with `waiaas use` apply to all of them in one
 * place: the base command fills an absent flag from the preferences, then requires it where the command needs it.
 * (Flags that choose a policy's scope or filter a list never take a default: their absence means something.)
 */
import * as Flags from '@oclif/core/flags'
import type { OptionFlag } from '@oclif/core/interfaces'
import { WaiaasError } from '../lib/errors.js'

const TARGET = Symbol.for('waiaas.target-flag')

interface TargetMark {
  kind: 'wallet' | 'network'
  required: boolean
}

type Marked<F> = F & { [TARGET]: TargetMark }

/** What a target flag takes besides `required`. */
interface TargetFlagOptions {
  description?: string
  fallback?: string
}

/** Where an absent flag's value comes from, for its help. */
const defaultText = (fallback: string | undefined): string => `(default: the one set with \`waiaas use\`${fallback === undefined ? '' : `, else ${fallback}`})`

/**
 * `--wallet`/`-w`; `required`: the command fails without it when `waiaas use` set none; `fallback`: what the daemon
 * picks then. A required one is typed `string`: by the time a command runs the base command has filled it from
 * `waiaas use` or failed with USAGE. (The TARGET mark is in the object, not its type: oclif's InferredFlags infers
 * nothing from a flag type with extra keys.)
 */
export function walletFlag(opts: TargetFlagOptions & { required: true }): OptionFlag<string>
export function walletFlag(opts: TargetFlagOptions & { required: false }): OptionFlag<string | undefined>
export function walletFlag(opts: TargetFlagOptions & { required: boolean }): OptionFlag<string> | OptionFlag<string | undefined> {
  const flag = Flags.string({ char: 'w', description: `${opts.description ?? 'Wallet id or name'} ${defaultText(opts.fallback)}` })
  const marked: Marked<typeof flag> = { ...flag, [TARGET]: { kind: 'wallet', required: opts.required } }
  return marked as OptionFlag<string> | OptionFlag<string | undefined>
}

/** `--network`/`-n`; `required`: as for walletFlag; `fallback`: what the daemon picks then. */
export function networkFlag(opts: TargetFlagOptions & { required: true }): OptionFlag<string>
export function networkFlag(opts: TargetFlagOptions & { required: false }): OptionFlag<string | undefined>
export function networkFlag(opts: TargetFlagOptions & { required: boolean }): OptionFlag<string> | OptionFlag<string | undefined> {
  const flag = Flags.string({ char: 'n', description: `${opts.description ?? 'CAIP-2 id or alias'} ${defaultText(opts.fallback)}` })
  const marked: Marked<typeof flag> = { ...flag, [TARGET]: { kind: 'network', required: opts.required } }
  return marked as OptionFlag<string> | OptionFlag<string | undefined>
}

/**
 * Fills the absent `--wallet`/`--network` flags of a command (its flag definitions `defs`) from the user's defaults
 * (read only when a flag needs one), then fails with USAGE naming a required flag that is still absent.
 */
export function applyTargetDefaults(
  defs: Readonly<Record<string, unknown>>,
  flags: Record<string, unknown>,
  defaults: () => { wallet?: { id: string; name: string }; network?: string },
): void {
  for (const [name, def] of Object.entries(defs)) {
    const mark = (def as { [TARGET]?: TargetMark } | undefined)?.[TARGET]
    if (mark === undefined || flags[name] !== undefined) continue
    const d = defaults()
    const value = mark.kind === 'wallet' ? d.wallet?.id : d.network
    if (value !== undefined) flags[name] = value
    else if (mark.required) {
      throw new WaiaasError('USAGE', `Missing --${name}: give --${name}, or set a default with \`waiaas use ${mark.kind === 'wallet' ? 'WALLET' : '--network N'}\``, {
        details: { flag: `--${name}` },
        hint: mark.kind === 'wallet' ? 'Pass --wallet W (`waiaas wallet list` shows them), or run `waiaas use W` once.' : 'Pass --network N (`waiaas network list` shows them), or run `waiaas use --network N` once.',
      })
    }
  }
}

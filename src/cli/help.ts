/**
 * oclif's help, plus two things:
 * - `waiaas policy create TYPE --help` (and `waiaas help policy create TYPE`) shows only that type's rule flags,
 *   described for it, with its fields and examples. Everything else is oclif's own help.
 * - It renders copies of the commands and topics. oclif's formatCommand, formatCommands and formatTopics write the
 *   displayed id (`wallet list`) into the config's own objects, which the plugin shares with every config loaded from
 *   it. A process that shows help and then loads the config again (`execute` reloads it from a loaded config, as an
 *   in-process runner or any long-lived host does) would index that command under `wallet list`, not `wallet:list`.
 */
import type { Command } from '@oclif/core/command'
import { Help } from '@oclif/core/help'
import type { Topic } from '@oclif/core/interfaces'
import { canonicalPolicyType, POLICY_TYPE_DOCS, typeFlags, type PolicyType } from '../lib/policy-fields.js'
import { RULE_FLAGS_GROUP, ruleFlagDescription } from './policy-flags.js'

const POLICY_CREATE = 'policy:create'

/** The type named after `policy create` in a help request's argv, if any. */
export function policyCreateHelpType(argv: readonly string[]): PolicyType | undefined {
  const words = argv.filter((a) => !a.startsWith('-') && a !== 'help')
  const joined = words[0]?.includes(':') === true ? [...words[0].split(':'), ...words.slice(1)] : words
  if (joined[0] !== 'policy' || joined[1] !== 'create' || joined[2] === undefined) return undefined
  return canonicalPolicyType(joined[2])
}

/** The cached `policy create` narrowed to one type: its rule flags only, described for it, and its examples. */
export function narrowPolicyCreate(cmd: Command.Loadable, type: PolicyType): Command.Loadable {
  const mine = new Map(typeFlags(type).map((f) => [f.flag, f]))
  const hasPairs = [...mine.values()].some((f) => f.nativeField !== undefined)
  const flags: Command.Loadable['flags'] = {}
  for (const [name, flag] of Object.entries(cmd.flags)) {
    const rule = mine.get(name)
    if (rule !== undefined) flags[name] = { ...flag, description: ruleFlagDescription(rule) }
    else if (flag.helpGroup !== RULE_FLAGS_GROUP && (name !== 'native' || hasPairs)) flags[name] = flag
  }
  const examples = (cmd.examples ?? []).filter((e) => typeof e === 'string' && canonicalPolicyType(/policy create (\S+)/.exec(e)?.[1] ?? '') === type)
  return {
    ...cmd,
    flags,
    args: { type: { ...cmd.args.type, name: type, description: 'The policy type' } as NonNullable<Command.Loadable['args']['type']> },
    summary: `Create a ${type} policy: ${POLICY_TYPE_DOCS[type]}`,
    description:
      'Each rule flag sets the rules field named in brackets at its end; the daemon validates the rules as it does `policy add --rules`. ' +
      'Without --wallet the policy is global, and the command says so before it applies.',
    examples: examples.length > 0 ? examples : [`<%= config.bin %> policy create ${type} --help`],
  }
}

export default class WaiaasHelp extends Help {
  protected override formatCommand(command: Command.Loadable): string {
    return super.formatCommand({ ...command })
  }

  protected override formatCommands(commands: Command.Loadable[]): string {
    return super.formatCommands(commands.map((c) => ({ ...c })))
  }

  protected override formatTopics(topics: Topic[]): string {
    return super.formatTopics(topics.map((t) => ({ ...t })))
  }

  override async showHelp(argv: string[]): Promise<void> {
    const type = policyCreateHelpType(argv)
    const cmd = type === undefined ? undefined : this.config.findCommand(POLICY_CREATE)
    if (type === undefined || cmd === undefined) return super.showHelp(argv)
    return this.showCommandHelp(narrowPolicyCreate(cmd, type))
  }
}

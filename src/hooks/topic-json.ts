/**
 * `waiaas wallet --json` names a topic, not a command: oclif would print the topic's help on stdout with exit 0,
 * which a script reading one JSON envelope cannot use. Under --json (and without --help) it is a USAGE error instead,
 * one envelope whose details list the topic's commands, exit 2.
 */
import type { Hook } from '@oclif/core/hooks'
import { WaiaasError } from '../lib/errors.js'
import { reportError } from '../cli/report-error.js'
import { commandLine } from '../cli/usage-error.js'

const hook: Hook.Init = async function (opts) {
  if (opts.id === undefined || !opts.argv.includes('--json') || opts.argv.includes('--help')) return
  if (opts.config.findCommand(opts.id) !== undefined) return
  const topic = opts.config.findTopic(opts.id)
  if (topic === undefined) return
  const commands = opts.config.commands.filter((c) => c.hidden !== true && c.id.startsWith(`${topic.name}:`)).map((c) => commandLine(c.id))
  const error = new WaiaasError('USAGE', `\`${commandLine(topic.name)}\` is a topic, not a command`, {
    details: { topic: commandLine(topic.name), commands },
    hint: `Run one of its commands (details.commands); \`${commandLine(topic.name)} --help\` describes them.`,
  })
  await reportError(error, true)
  // oclif's way to end here: an exit error it handles without printing anything more.
  this.exit(error.exitCode)
}

export default hook

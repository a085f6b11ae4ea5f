/**
 * An unknown command fails like every other usage error: USAGE (exit 2) with a did-you-mean, as one envelope on
 * stdout under --json and as `Error: … (USAGE)` and a hint on stderr otherwise. On a terminal, without --json, it asks
 * "Did you mean …?" and runs the suggestion, as @oclif/plugin-not-found does. That plugin is not used: its hook exits
 * 127, prints no suggestion without a terminal, ignores --json and would race this one.
 */
import type { Hook } from '@oclif/core/hooks'
import { didYouMean } from '../cli/did-you-mean.js'
import { WaiaasError } from '../lib/errors.js'
import { reportError } from '../cli/report-error.js'
import { commandLine } from '../cli/usage-error.js'

const hook: Hook.CommandNotFound = async function (opts) {
  const argv = opts.argv ?? []
  const json = argv.includes('--json')
  const commands = opts.config.commands.filter((c) => c.hidden !== true).map((c) => c.id)
  const topics = opts.config.topics.filter((t) => t.hidden !== true).map((t) => t.name)
  const suggestion = didYouMean(opts.id, [...commands, ...topics])
  const typed = commandLine(opts.id)
  if (suggestion !== undefined && commands.includes(suggestion) && !json && process.stdin.isTTY === true && process.stderr.isTTY === true) {
    const { confirm } = await import('@inquirer/prompts')
    const yes = await confirm(
      { message: `\`${typed}\` is not a waiaas command. Did you mean \`${commandLine(suggestion)}\`?`, default: true },
      { input: process.stdin, output: process.stderr },
    ).catch(() => false)
    if (yes) return opts.config.runCommand(suggestion, [...opts.id.split(':').slice(suggestion.split(':').length), ...argv])
  }
  const error = new WaiaasError('USAGE', `\`${typed}\` is not a waiaas command`, {
    details: { command: typed, suggestion: suggestion === undefined ? null : commandLine(suggestion) },
    hint: `${suggestion === undefined ? '' : `Did you mean \`${commandLine(suggestion)}\`? `}\`waiaas commands\` lists every command, \`waiaas --help\` the topics.`,
  })
  await reportError(error, json)
  process.exitCode = error.exitCode
}

export default hook

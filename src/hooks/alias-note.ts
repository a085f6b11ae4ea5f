/**
 * A command typed under the name WAIaaS gives it (`waiaas start`, `waiaas wallet info`) runs ours and says so in one
 * line on stderr (never on stdout, so --json output stays one envelope): "`waiaas start` is `waiaas daemon start`
 * here." Two kinds of alias: an oclif `aliases` entry of our command (same flags), and a small hidden command with
 * a static `aliasOf` (where WAIaaS's flags differ, e.g. `restore --from FILE`).
 */
import type { Hook } from '@oclif/core/hooks'
import { commandLine } from '../cli/usage-error.js'

/** Our command's id when `id` is an alias, else undefined. */
function canonicalOf(id: string, config: Parameters<Hook.Init>[0]['config']): string | undefined {
  const cmd = config.findCommand(id) as ({ aliasOf?: unknown } & NonNullable<ReturnType<typeof config.findCommand>>) | undefined
  if (cmd === undefined) return undefined
  if (typeof cmd.aliasOf === 'string') return cmd.aliasOf
  const declares = (c: { aliases?: string[]; hiddenAliases?: string[] }): boolean => [...(c.aliases ?? []), ...(c.hiddenAliases ?? [])].includes(id)
  if (!declares(cmd)) return undefined
  return config.commands.find((c) => c.id !== id && declares(c))?.id
}

const hook: Hook.Init = async function (opts) {
  if (opts.id === undefined) return
  const canonical = canonicalOf(opts.id, opts.config)
  if (canonical === undefined || canonical === opts.id) return
  process.stderr.write(`Note: \`${commandLine(opts.id)}\` is \`${commandLine(canonical)}\` here.\n`)
}

export default hook

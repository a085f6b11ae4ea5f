/**
 * How a failure reaches the user, the same from every command and from the hooks that run before one (an unknown
 * command): with --json, one `{ ok: false, error }` envelope on stdout and nothing else; without it, the message, its
 * code, the details worth reading and the hint on stderr. The caller sets the exit code (`e.exitCode`).
 */
import type { WaiaasError } from '../lib/errors.js'
import { errorDetailLines } from '../lib/error-details.js'

/** Prints `e` as the envelope (json) or as human lines on stderr. Never prints a stack unless WAIAAS_DEBUG=1. */
export async function reportError(e: WaiaasError, json: boolean): Promise<void> {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: e.toPayload() })}\n`)
    return
  }
  const { default: chalk } = await import('chalk')
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') chalk.level = 0
  process.stderr.write(`${chalk.red('Error:')} ${e.message} ${chalk.dim(`(${e.code})`)}\n`)
  for (const [label, value] of errorDetailLines(e.message, e.details)) process.stderr.write(`${chalk.dim(`${label}:`)} ${value}\n`)
  if (e.code === 'INTERNAL' && e.cause instanceof Error && process.env.WAIAAS_DEBUG === '1') {
    process.stderr.write(`${chalk.dim(e.cause.stack ?? e.cause.message)}\n`)
  }
  process.stderr.write(`${chalk.dim('Hint:')} ${e.hint}\n`)
}

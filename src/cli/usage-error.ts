/**
 * oclif's parse failures as our USAGE error: one readable line, and details a script can act on (which flags do not
 * exist, which arguments are missing or unexpected). A WaiaasError thrown while parsing (a flag that validates its
 * own value) is kept as it is.
 */
import { stripVTControlCharacters } from 'node:util'
import { WaiaasError } from '../lib/errors.js'

/** Flags that would put a secret on the command line; other tools (and WAIaaS) take them, we take a file instead. */
const SECRET_FLAGS: Record<string, string> = {
  '--password': '--password-file',
  '--master-password': '--password-file',
  '--bot-token': '--bot-token-file',
  '--private-key': '--private-key-file',
  '--mnemonic': '--mnemonic-file',
}

/** oclif's message as one line: its list of problems ("--a cannot also be provided when using --b"), not its header. */
function oneLine(err: Error): string {
  const lines = stripVTControlCharacters(err.message).split('\n').map((l) => l.trim())
  const problems = lines.filter((l) => l !== '' && !/^The following errors? occurred:$/.test(l) && l !== 'See more help with --help')
  return problems.length > 0 ? problems.join('; ') : (lines[0] ?? 'Invalid usage')
}

/** `waiaas wallet show` for the command id `wallet:show`. */
export function commandLine(id: string | undefined): string {
  return `waiaas ${id?.replaceAll(':', ' ') ?? ''}`.trim()
}

/** The USAGE error for a failed parse of command `id`'s argv. */
export function usageError(err: unknown, id: string | undefined): WaiaasError {
  if (err instanceof WaiaasError) return err
  const command = commandLine(id)
  const help = `Run \`${command} --help\` to see its flags and arguments.`
  if (!(err instanceof Error)) return new WaiaasError('USAGE', 'Invalid usage', { details: { command }, hint: help })
  const e = err as Error & { flags?: unknown; args?: unknown }
  const details: Record<string, unknown> = { command }
  let hint = help
  if (e.constructor.name === 'NonExistentFlagsError' && Array.isArray(e.flags)) {
    // Names only: `--password=s3cret` must not carry its value into the message or the envelope.
    const flags = e.flags.map((f) => String(f).split('=')[0] ?? '')
    details.unknownFlags = flags
    const secret = flags.find((f) => SECRET_FLAGS[f] !== undefined)
    if (secret !== undefined) {
      hint = `waiaas never takes a secret on the command line (other users can read it in the process list): put it in a file (mode 0600) and pass ${SECRET_FLAGS[secret]} FILE. ${help}`
    }
    return new WaiaasError('USAGE', `Nonexistent flag${flags.length === 1 ? '' : 's'}: ${flags.join(', ')}`, { details, hint })
  } else if (e.constructor.name === 'RequiredArgsError' && Array.isArray(e.args)) {
    const names = (e.args as { name?: string }[]).map((a) => a.name ?? '')
    details.missingArgs = names
    return new WaiaasError('USAGE', `Missing required argument${names.length === 1 ? '' : 's'}: ${names.map((n) => n.toUpperCase()).join(', ')}`, { details, hint })
  } else if (e.constructor.name === 'UnexpectedArgsError' && Array.isArray(e.args)) {
    details.unexpectedArgs = e.args.map(String)
  }
  return new WaiaasError('USAGE', oneLine(e), { details, hint })
}

/**
 * A completion script for the fish shell, written from the loaded commands and topics (the oclif autocomplete
 * plugin writes bash, zsh and PowerShell, not fish). Space-separated topics: `waiaas wallet <TAB>` offers the
 * wallet commands, `waiaas wallet list --<TAB>` that command's flags with their values where they are fixed.
 */

/** What the script needs of a command (oclif's cached command has these). */
export interface CompletionCommand {
  id: string
  summary?: string | undefined
  description?: string | undefined
  hidden?: boolean | undefined
  flags: Record<string, { name: string; char?: string | undefined; type: string; description?: string | undefined; summary?: string | undefined; options?: readonly string[] | undefined; hidden?: boolean | undefined }>
}

/** What the script needs of a topic. */
export interface CompletionTopic {
  name: string
  description?: string | undefined
  hidden?: boolean | undefined
}

/** A fish single-quoted string (only `\` and `'` are special inside). */
function q(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** The first sentence of a description, at most 80 characters, on one line. (Ids and topic names are [a-z0-9:-].) */
function short(text: string | undefined): string {
  const line = (text ?? '').split('\n')[0]?.trim() ?? ''
  const sentence = /^(.*?\.)\s/.exec(line)?.[1] ?? line
  return sentence.length > 80 ? `${sentence.slice(0, 79)}…` : sentence
}

const HELPERS = `# The words after the program name up to the first flag, joined with ':' (a command id or a topic).
function __BIN_path
    set -l out
    for w in (commandline -opc)[2..-1]
        string match -q -- '-*' $w; and break
        set -a out $w
    end
    string join : -- $out
end

# True when the words typed so far are exactly this topic ('' for none yet).
function __BIN_at
    set -l p (__BIN_path)
    test "$p" = "$argv[1]"
end

# True when the command typed so far is this one (its arguments may follow it).
function __BIN_in
    set -l words (string split : -- (__BIN_path))
    for n in (seq (count $words) -1 1)
        set -l id (string join : -- $words[1..$n])
        if contains -- $id $__BIN_commands
            test "$id" = "$argv[1]"
            return
        end
    end
    return 1
end
`

/** The whole script for program `bin`: helpers, the command list, then one `complete` line per word and flag. */
export function fishCompletion(bin: string, commands: readonly CompletionCommand[], topics: readonly CompletionTopic[]): string {
  const fn = bin.replaceAll(/[^A-Za-z0-9_]/g, '_')
  const visible = commands.filter((c) => c.hidden !== true).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const lines = [
    `# fish completion for ${bin}: \`${bin} autocomplete script fish > ~/.config/fish/completions/${bin}.fish\``,
    HELPERS.replaceAll('__BIN_', `__${fn}_`),
    `set -g __${fn}_commands ${visible.map((c) => q(c.id)).join(' ')}`,
    `complete -c ${bin} -f`,
  ]
  // Each word that can follow a topic (or the program): a subtopic or a command, once, described.
  const words = new Map<string, string>()
  for (const t of topics) if (t.hidden !== true) words.set(t.name, short(t.description))
  for (const c of visible) if (!words.has(c.id)) words.set(c.id, short(c.summary ?? c.description))
  for (const [id, desc] of [...words].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const parts = id.split(':')
    const parent = parts.slice(0, -1).join(':')
    lines.push(`complete -c ${bin} -n ${q(`__${fn}_at "${parent}"`)} -a ${q(parts[parts.length - 1] ?? '')} -d ${q(desc)}`)
  }
  for (const c of visible) {
    for (const f of Object.values(c.flags)) {
      if (f.hidden === true) continue
      const opts = [`-n ${q(`__${fn}_in ${c.id}`)}`, `-l ${f.name}`]
      if (f.char !== undefined) opts.push(`-s ${f.char}`)
      if (f.type === 'option') opts.push(f.options !== undefined && f.options.length > 0 ? `-x -a ${q(f.options.join(' '))}` : '-r -F')
      opts.push(`-d ${q(short(f.summary ?? f.description))}`)
      lines.push(`complete -c ${bin} ${opts.join(' ')}`)
    }
  }
  return `${lines.join('\n')}\n`
}

/**
 * Hints as an MCP client should read them. Errors and results say what to do next in the CLI's words
 * ("see `waiaas tx show`", "pass --wallet"), which is right in a terminal and wrong for a model that has tools: here a
 * CLI command becomes the tool of the same contract method (`tx_show`, with its arguments when the hint gives
 * them), a flag of the tool being called becomes its argument name, and a command no tool offers stays a command,
 * marked as the operator's (an agent asks the operator; it cannot run `waiaas tx approve`).
 *
 * One table maps CLI commands to contract methods: `topic verb` is `topic.verb` (kebab-case to camelCase) unless
 * the command is named otherwise below. A policy suggested with its rules (`waiaas policy add … --rules '…'`) is
 * the policy that would let something pass, a loosening only the operator may make, so it stays the operator's.
 */
import { contract, exposes, type MethodName } from '../lib/contract/index.js'

/** CLI commands whose names differ from their method's. */
const NAMED: Readonly<Record<string, MethodName>> = {
  balance: 'balance.get',
  send: 'tx.send',
  call: 'tx.call',
  approve: 'tx.tokenApprove',
  status: 'system.status',
  doctor: 'system.doctor',
  init: 'vault.init',
  unlock: 'vault.unlock',
  lock: 'vault.lock',
  'password change': 'vault.changePassword',
  'wallet owner': 'wallet.setOwner',
  'incoming low-balance': 'incoming.setLowBalance',
}

const camel = (kebab: string): string => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/** Every CLI command that calls one contract method, by its words ("tx show", "balance"). */
const COMMANDS: ReadonlyMap<string, MethodName> = (() => {
  const m = new Map<string, MethodName>()
  for (const method of Object.keys(contract) as MethodName[]) {
    const [topic, verb] = method.split('.') as [string, string]
    m.set(`${topic} ${kebab(verb)}`, method)
  }
  for (const [words, method] of Object.entries(NAMED)) m.set(words, method)
  return m
})()

/** The tool name of a method (MCP tool names allow [A-Za-z0-9_-]). */
export function toolName(method: MethodName): string {
  return method.replaceAll('.', '_')
}

/** Shell-like words of a command line: spaces split, single or double quotes group. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '')
}

/** A value the hint leaves for the reader to fill in: ID, WALLET, FILE, W… */
const placeholder = (v: string): boolean => /^[A-Z][A-Z_]*$/.test(v) || v.includes('…')

/** The properties a method takes, from its input schema (a zod object). */
function inputKeys(method: MethodName): string[] {
  const shape = (contract[method].input as unknown as { shape?: Record<string, unknown> }).shape
  return shape === undefined ? [] : Object.keys(shape)
}

/**
 * The command `line` (what follows "waiaas") as an MCP client reads it: "`tx_show` with {"id":"…"}" when a tool calls
 * the same method, else the command marked as the operator's. Undefined when it is no command of the table.
 */
function renderCommand(line: string): string | undefined {
  const w = words(line)
  let method: MethodName | undefined
  let used = 0
  for (const n of [2, 1]) {
    const hit = w.length >= n ? COMMANDS.get(w.slice(0, n).join(' ')) : undefined
    if (hit !== undefined) {
      method = hit
      used = n
      break
    }
  }
  if (method === undefined) return undefined
  const asCli = `the operator's \`waiaas ${line}\``
  const rest = w.slice(used)
  if (rest.includes('--help')) return exposes(contract[method], 'mcp') ? `the inputSchema of \`${toolName(method)}\` (tools/list)` : asCli
  if (!exposes(contract[method], 'mcp') || (method === 'policy.add' && rest.includes('--rules'))) return asCli
  const keys = inputKeys(method)
  const args: Record<string, string> = {}
  let complete = true
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? ''
    if (word.startsWith('--')) {
      const key = camel(word.slice(2))
      const value = rest[i + 1]
      if (value !== undefined && !value.startsWith('--')) i++
      if (!keys.includes(key)) continue // --json, --wait…: nothing the tool takes
      if (value === undefined || value.startsWith('--') || placeholder(value)) complete = false
      else args[key] = value
    } else if (keys.includes('id') && args.id === undefined && !placeholder(word)) {
      args.id = word
    } else {
      complete = false
    }
  }
  const tool = `\`${toolName(method)}\``
  return complete && Object.keys(args).length > 0 ? `${tool} with ${JSON.stringify(args)}` : tool
}

/**
 * A `waiaas …` command written without backticks (a suggested policy): one or two command words, then only flags
 * with their values, so the sentence around it is never taken for arguments.
 */
const BARE_COMMAND = /\bwaiaas ([a-z][a-z-]*)( [a-z][a-z-]*)?((?: --[a-z][a-z-]*(?: (?!--)(?:'[^']*'|[^\s'`,;()]*[^\s'`,;().:]))?)*)(?=$|[\s.,;:)])/g
const FLAG = /(?<![\w-])--([a-z][a-z-]*)\b/g

/** Text outside backticks: bare commands of the table rendered, flags of the tool named by their argument. */
function renderPlain(text: string, args: readonly string[]): string {
  const out = text.replace(BARE_COMMAND, (whole, first: string, second: string | undefined, flags: string) => {
    const both = renderCommand(`${first}${second ?? ''}${flags}`)
    if (both !== undefined && (second === undefined || COMMANDS.has(`${first}${second}`))) return both
    // "waiaas balance shows…": the second word is the sentence's, not the command's.
    if (second !== undefined && flags === '' && COMMANDS.has(first)) return `${renderCommand(first) ?? first}${second}`
    return whole
  })
  return out.replace(FLAG, (whole, flag: string) => (args.includes(camel(flag)) ? `\`${camel(flag)}\`` : whole))
}

/**
 * `text` for an MCP client that called `tool` (a method, whose argument names replace the matching CLI flags):
 * every `` `waiaas …` `` segment and bare known command rendered as above; other commands marked as the operator's.
 */
export function forMcp(text: string, tool?: MethodName): string {
  if (!text.includes('waiaas') && !text.includes('--')) return text
  const args = tool === undefined ? [] : inputKeys(tool)
  const parts = text.split('`')
  // Odd parts were inside backticks, except a last one whose backtick is never closed.
  const closed = parts.length % 2 === 1
  return parts
    .map((part, i) => {
      if (i % 2 === 0) return renderPlain(part, args)
      if (!closed && i === parts.length - 1) return `\`${renderPlain(part, args)}`
      if (!part.startsWith('waiaas ')) return `\`${part}\``
      return renderCommand(part.slice('waiaas '.length).trim()) ?? `the operator's \`${part}\``
    })
    .join('')
}

/** Keys whose string values are texts for the reader (hints, reasons, what would pass), rendered by `forMcp`; never data. */
const TEXT_KEYS = new Set(['hint', 'wouldPass', 'reason'])

/** A copy of `value` whose reader-facing texts (see TEXT_KEYS, at any depth) are rendered for an MCP client. */
export function renderTexts<T>(value: T, tool?: MethodName): T {
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') return key !== undefined && TEXT_KEYS.has(key) ? forMcp(v, tool) : v
    if (Array.isArray(v)) return v.map((x) => walk(x, key))
    if (v === null || typeof v !== 'object') return v
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]))
  }
  return walk(value, undefined) as T
}
